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
	"sync"
)

// The data file is a snapshot (stateFile, one JSON object) followed by a
// journal: one JSON line (a change) per committed write since.
//
// A write's line is in the file before its answer is sent, so a sandbox
// killed at any moment (kill -9 included) restarts with everything it told
// its clients. The fsync runs in the background: a power loss can lose the
// last few milliseconds of writes, which waiting would keep at several times
// the cost of a write on a loaded disk (BENCHMARKS.md). Snapshots are synced
// before they replace the file, and Close syncs. A line that cannot be
// written leaves the state as it was, in memory too, and is answered EX.

// write runs fn on the state under s.mu and, with a DataFile, returns once
// its change is in the file, or undoes it. fn reports whether it changed the
// state; when it did not, it must have changed nothing.
func (s *Server) write(fn func(st *state) bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.j == nil {
		fn(s.st)
		return nil
	}
	s.st.begin()
	changed := fn(s.st)
	t := s.st.end()
	if !changed {
		t.rollback(s.st) // nothing, unless fn broke its promise
		return nil
	}
	if t.empty(s.st) {
		return nil
	}
	ch := t.change(s.st)
	if err := s.j.append(&ch, s.st); err != nil {
		t.rollback(s.st)
		return err
	}
	return nil
}

// A write compacts the file when its journal has grown past journalFactor
// times its snapshot and past minJournal: each compaction, costing the
// state's size, is paid for by that much journal, and bounds a restart.
const (
	journalFactor = 4
	minJournal    = 4 << 20
)

// journal is the data file of a Server with a DataFile.
type journal struct {
	path string

	// Under Server.mu:
	f          *os.File    // the data file, open for appending; nil before the first compaction and after close
	fi         os.FileInfo // f's identity: a data file replaced or removed under us is rewritten, not appended to
	stale      bool        // f is not to be appended to: the next write rewrites the file whole
	closed     bool        // after Close: each write rewrites the file whole and keeps nothing open
	size       int64       // bytes in f
	compactAt  int64       // size from which a write compacts
	minJournal int64       // see minJournal; tests lower it
	buf        bytes.Buffer

	mu      sync.Mutex // guards the fields below; taken under Server.mu, never the other way round
	cond    *sync.Cond
	gen     uint64 // bumped when f is replaced by a new, synced file
	written int64  // bytes of f written (generation gen)
	synced  int64  // bytes of f known to be on disk
	syncing bool   // a background fsync of f is under way (syncLoop)
	failed  bool   // an fsync of f failed: the next write rewrites the file whole
}

func newJournal(path string) *journal {
	j := &journal{path: path, minJournal: minJournal}
	j.cond = sync.NewCond(&j.mu)
	return j
}

// append writes ch as one line (under Server.mu, st with ch applied) and
// starts its fsync in the background. When the line cannot be written, the
// file is as it was.
func (j *journal) append(ch *change, st *state) error {
	if j.closed {
		b, err := st.marshal()
		if err != nil {
			return err
		}
		return writeFileAtomic(j.path, b)
	}
	j.mu.Lock()
	failed := j.failed
	j.mu.Unlock()
	if j.f == nil || j.stale || failed || !j.sameFile() {
		return j.compact(st)
	}
	j.buf.Reset()
	enc := json.NewEncoder(&j.buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ch); err != nil { // one line: Encode adds the newline
		return err
	}
	n, err := j.f.Write(j.buf.Bytes())
	if err != nil {
		// Cut off a partial line (a crash now leaves at worst a torn last
		// line, which a restart drops); the next write rewrites the file.
		if n > 0 {
			_ = j.f.Truncate(j.size)
		}
		j.stale = true
		return err
	}
	j.size += int64(n)
	if j.size >= j.compactAt {
		if err := j.compact(st); err == nil {
			return nil
		}
		// The line is written; compaction can wait for more of them.
		j.compactAt = 2 * j.size
	}
	j.mu.Lock()
	j.written = j.size
	if !j.syncing {
		j.syncing = true
		go j.syncLoop()
	}
	j.mu.Unlock()
	return nil
}

// syncLoop fsyncs the data file until everything written is synced. One
// runs at a time; writes that arrive meanwhile share its next fsync.
func (j *journal) syncLoop() {
	j.mu.Lock()
	defer j.mu.Unlock()
	for j.synced < j.written && !j.failed && j.f != nil {
		f, gen, target := j.f, j.gen, j.written
		j.mu.Unlock()
		err := f.Sync()
		j.mu.Lock()
		if j.gen == gen {
			if err != nil {
				j.failed = true
			} else {
				j.synced = max(j.synced, target)
			}
		}
	}
	j.syncing = false
	j.cond.Broadcast()
}

func (j *journal) sameFile() bool {
	fi, err := os.Stat(j.path)
	return err == nil && os.SameFile(fi, j.fi)
}

// compact writes st as a new snapshot over the data file, atomically and
// synced, and appends to it from then on (under Server.mu).
func (j *journal) compact(st *state) error {
	b, err := st.marshal()
	if err != nil {
		return err
	}
	if err := writeFileAtomic(j.path, b); err != nil {
		return err
	}
	size := int64(len(b))
	f, err := os.OpenFile(j.path, os.O_WRONLY|os.O_APPEND, 0) //nolint:gosec // G304: the data file is the one the sandbox's user names
	var fi os.FileInfo
	if err == nil {
		if fi, err = f.Stat(); err != nil || fi.Size() != size {
			_ = f.Close()
			f, err = nil, errors.New("changed under the sandbox")
		}
	}
	j.mu.Lock()
	for j.syncing { // an fsync of the old file: let it end before closing it
		j.cond.Wait()
	}
	old := j.f
	j.gen++
	j.written, j.synced, j.failed = size, size, false
	if err == nil {
		j.f, j.fi, j.size, j.stale = f, fi, size, false
	} else {
		// The snapshot is on disk; the next write writes it again.
		j.f, j.fi, j.size, j.stale = nil, nil, 0, true
	}
	j.mu.Unlock()
	if old != nil {
		_ = old.Close()
	}
	j.compactAt = size + max(journalFactor*size, j.minJournal)
	return nil
}

// close syncs and closes the data file (under Server.mu). Writes after it
// rewrite the file whole.
func (j *journal) close() error {
	j.mu.Lock()
	for j.syncing {
		j.cond.Wait()
	}
	f := j.f
	j.f, j.closed = nil, true
	j.mu.Unlock()
	if f == nil {
		return nil
	}
	err := f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// stateFileVersion 2 may be followed by a journal; 1 is a snapshot alone
// and still loads.
const stateFileVersion = 2

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
	if f.Customers == nil {
		f.Customers = []Customer{}
	}
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

// loaded says what loading a data file found besides the state.
type loaded struct {
	changes int    // journal lines replayed
	torn    []byte // a torn last line, dropped
}

func unmarshalState(b []byte) (*state, loaded, error) {
	st := newState()
	var info loaded
	if len(bytes.TrimSpace(b)) == 0 {
		return st, info, nil // an empty file is an empty sandbox
	}
	var f stateFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, info, err
	}
	if f.Version != 1 && f.Version != stateFileVersion {
		return nil, info, fmt.Errorf("unsupported state file version %d", f.Version)
	}
	for _, c := range f.Customers {
		if c.DealerCustomerID <= 0 {
			return nil, info, fmt.Errorf("customer with DealerCustomerId %d", c.DealerCustomerID)
		}
		if _, dup := st.customers[c.DealerCustomerID]; dup {
			return nil, info, fmt.Errorf("DealerCustomerId %d appears twice", c.DealerCustomerID)
		}
		if _, dup := st.byCode(c.CustomerCode); dup {
			return nil, info, fmt.Errorf("CustomerCode %q appears twice", c.CustomerCode)
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
			return nil, info, fmt.Errorf("card token %q is not a GUID", c.CardToken)
		}
		c.CardToken = tok
		if _, dup := st.cards[tok]; dup {
			return nil, info, fmt.Errorf("card token %s appears twice", tok)
		}
		st.cards[tok] = c
	}
	st.nextID = max(st.nextID, f.NextDealerCustomerID)
	st.nextSeq = max(st.nextSeq, f.NextCardSeq)

	rest := b[dec.InputOffset():]
	if f.Version == 1 && len(bytes.TrimSpace(rest)) > 0 {
		return nil, info, errors.New("data after the state (a version 1 file has no journal)")
	}
	var err error
	if info, err = replayJournal(st, rest); err != nil {
		return nil, info, err
	}
	// The code index is rebuilt once, from what the journal left.
	for id := range st.customers {
		st.nextID = max(st.nextID, id+1)
	}
	for id := range st.removed {
		st.nextID = max(st.nextID, id+1)
	}
	for _, c := range st.cards {
		st.nextSeq = max(st.nextSeq, c.Seq+1)
	}
	if err := st.foldedCodes(st.foldCodes); err != nil {
		return nil, info, err
	}
	return st, info, nil
}

// replayJournal applies the journal lines in b to st. A bad last line is
// what a crash in the middle of a write leaves, and is dropped; any other
// bad line means the file is corrupt.
func replayJournal(st *state, b []byte) (loaded, error) {
	var info loaded
	for lineNo := 0; len(b) > 0; {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			if len(bytes.TrimSpace(b)) > 0 {
				info.torn = b
			}
			break
		}
		line := b[:i]
		b = b[i+1:]
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		lineNo++
		var ch change
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		err := dec.Decode(&ch)
		if err == nil && dec.More() {
			err = errors.New("more than one value")
		}
		if err == nil {
			err = ch.apply(st)
		}
		if err != nil {
			if len(bytes.TrimSpace(b)) == 0 {
				info.torn = line
				break
			}
			return info, fmt.Errorf("journal line %d: %w", lineNo, err)
		}
		info.changes++
	}
	return info, nil
}

func loadState(path string) (*state, error) {
	st, _, err := readDataFile(path)
	return st, err
}

func readDataFile(path string) (*state, loaded, error) {
	b, err := os.ReadFile(path) //nolint:gosec // G304: the data file is the one the sandbox's user names
	if errors.Is(err, os.ErrNotExist) {
		return newState(), loaded{}, nil
	}
	if err != nil {
		return nil, loaded{}, err
	}
	st, info, err := unmarshalState(b)
	if err != nil {
		return nil, info, fmt.Errorf("sandbox: data file %s: %w", path, err)
	}
	return st, info, nil
}

// writeFileAtomic writes data to a synced temporary file renamed over path:
// a reader, or a restart after a crash, sees the old content or the new.
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
