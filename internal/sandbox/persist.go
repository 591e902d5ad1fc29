package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// Persistence: with Options.DataFile the state lives in a JSON file that every
// committed write replaces atomically before its answer is sent, so that a
// sandbox restarted after a crash holds exactly what it told its clients.

func (s *Server) save(st *state) error {
	b, err := st.marshal()
	if err != nil {
		return err
	}
	return writeFileAtomic(s.opts.DataFile, b)
}

// mutate runs fn on the state under s.mu (which the caller holds). With a
// DataFile, fn works on a copy that replaces the state only once it is on
// disk, so a failed write changes nothing.
func (s *Server) mutate(fn func(st *state) bool) error {
	work := s.st
	if s.opts.DataFile != "" {
		work = s.st.clone()
	}
	if !fn(work) {
		return nil
	}
	if s.opts.DataFile != "" {
		if err := s.save(work); err != nil {
			return err
		}
		s.st = work
	}
	return nil
}

const stateFileVersion = 1

type stateFile struct {
	Version              int        `json:"version"`
	NextDealerCustomerID int64      `json:"nextDealerCustomerId"`
	NextCardSeq          int64      `json:"nextCardSeq"`
	Customers            []Customer `json:"customers"`
	Cards                []cardRec  `json:"cards"`
	RemovedCustomers     []Customer `json:"removedCustomers"`
}

func (st *state) marshal() ([]byte, error) {
	f := stateFile{
		Version:              stateFileVersion,
		NextDealerCustomerID: st.nextID,
		NextCardSeq:          st.nextSeq,
		Customers:            st.sortedCustomers(),
		Cards:                slices.Collect(maps.Values(st.cards)),
		RemovedCustomers:     slices.Collect(maps.Values(st.removed)),
	}
	slices.SortFunc(f.Cards, func(a, b cardRec) int { return cmpInt(a.Seq, b.Seq) })
	slices.SortFunc(f.RemovedCustomers, func(a, b Customer) int { return cmpInt(a.DealerCustomerID, b.DealerCustomerID) })
	if f.Cards == nil {
		f.Cards = []cardRec{}
	}
	if f.RemovedCustomers == nil {
		f.RemovedCustomers = []Customer{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func unmarshalState(b []byte) (*state, error) {
	st := newState()
	if len(bytes.TrimSpace(b)) == 0 {
		return st, nil // an empty file is an empty sandbox
	}
	var f stateFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	if f.Version != stateFileVersion {
		return nil, fmt.Errorf("unsupported state file version %d", f.Version)
	}
	for _, c := range f.Customers {
		if c.DealerCustomerID <= 0 {
			return nil, fmt.Errorf("customer with DealerCustomerId %d", c.DealerCustomerID)
		}
		if _, dup := st.customers[c.DealerCustomerID]; dup {
			return nil, fmt.Errorf("DealerCustomerId %d appears twice", c.DealerCustomerID)
		}
		if _, dup := st.byCode(c.CustomerCode); dup {
			return nil, fmt.Errorf("CustomerCode %q appears twice", c.CustomerCode)
		}
		st.putCustomer(c)
	}
	for _, c := range f.RemovedCustomers {
		if _, active := st.customers[c.DealerCustomerID]; !active {
			st.removed[c.DealerCustomerID] = c
		}
	}
	for _, c := range f.Cards {
		tok, ok := normalizeToken(c.CardToken)
		if !ok {
			return nil, fmt.Errorf("card token %q is not a GUID", c.CardToken)
		}
		c.CardToken = tok
		if _, dup := st.cards[tok]; dup {
			return nil, fmt.Errorf("card token %s appears twice", tok)
		}
		st.cards[tok] = c
		if c.Seq >= st.nextSeq {
			st.nextSeq = c.Seq + 1
		}
	}
	if f.NextDealerCustomerID > st.nextID {
		st.nextID = f.NextDealerCustomerID
	}
	for id := range st.removed {
		if id >= st.nextID {
			st.nextID = id + 1
		}
	}
	if f.NextCardSeq > st.nextSeq {
		st.nextSeq = f.NextCardSeq
	}
	return st, nil
}

func loadState(path string) (*state, error) {
	b, err := os.ReadFile(path) //nolint:gosec // G304: the data file is the one the sandbox's user names
	if errors.Is(err, os.ErrNotExist) {
		return newState(), nil
	}
	if err != nil {
		return nil, err
	}
	st, err := unmarshalState(b)
	if err != nil {
		return nil, fmt.Errorf("sandbox: data file %s: %w", path, err)
	}
	return st, nil
}

// writeFileAtomic writes data to a temporary file in the same directory,
// syncs it, and renames it over path, so that a reader (or a restart after a
// crash) sees either the old content or the new one, never a torn file.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// Make the rename itself durable; not every platform can sync a directory.
	if d, derr := os.Open(dir); derr == nil { //nolint:gosec // G304: the data file's own directory
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}
