package sandbox

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Tests of the data file's journal (persist.go): a write costs its own line,
// survives kill -9, and files of every version load.

// TestOldDataFileLoads: a version 1 file, written by the sandbox before the
// journal, loads as it was, and is compacted into a version 2 file that holds
// the same.
func TestOldDataFileLoads(t *testing.T) {
	file := filepath.Join(t.TempDir(), "moka.json")
	if err := os.WriteFile(file, readTestdata(t, "state-v1.json"), 0o600); err != nil {
		t.Fatal(err)
	}
	check := func(h *harness, customers, cards int) {
		t.Helper()
		cs := h.s.Customers()
		if len(cs) != customers || cs[0].CustomerCode != "ali" || cs[0].DealerCustomerID != 1033 {
			t.Errorf("customers %+v", cs)
		}
		var d cwc
		h.ok("GetCardList", map[string]any{"CustomerCode": "ali"}, &d)
		if d.CardListCount != cards || d.CardList[0].CardName != "Maaş" || d.CardList[1].CardName != "Yeniden adlandı" {
			t.Errorf("ali's cards %+v", d.CardList)
		}
		// The card kept from the removed customer, and its owner.
		h.ok("GetCard", map[string]any{"CardToken": "043445ae-4d71-4b79-8db1-0345dd97d308"}, &d)
		if d.DealerCustomer.CustomerCode != "ayşe" {
			t.Errorf("kept card's owner %+v", d.DealerCustomer)
		}
		// The removed code is remembered, and ids and card order go on.
		if c := h.call("AddCustomer", map[string]any{"CustomerCode": "ayşe"}).ResultCode; c != "DealerCustomer.AddCustomer.CustomerCodeAlreadyUsing" {
			t.Errorf("removed code with ForbidCodeReuse: %s", c)
		}
	}
	opts := Options{DataFile: file, ForbidCodeReuse: true, KeepCardsOnRemoveCustomer: true}
	h := newHarness(t, opts)
	check(h, 1, 2)
	var d cwc
	h.ok("AddCustomer", map[string]any{"CustomerCode": "üç"}, &d)
	if d.DealerCustomer.DealerCustomerID != 1035 {
		t.Errorf("next id %d, want 1035", d.DealerCustomer.DealerCustomerID)
	}
	third := h.addCard(1033, otherCard, "üçüncü")
	_ = h.s.Close()

	raw, _ := os.ReadFile(file)
	if !bytes.HasPrefix(raw, []byte("{\n  \"version\": 2,")) {
		t.Errorf("not compacted into version 2:\n%s", raw)
	}
	h2 := newHarness(t, opts)
	check(h2, 2, 3)
	h2.ok("GetCardList", map[string]any{"CustomerCode": "ali"}, &d)
	if d.CardListCount != 3 || d.CardList[2] != third {
		t.Errorf("ali's cards after restart %+v", d.CardList)
	}
}

// TestTornLastLine: a crash in the middle of a write leaves the start of its
// line. Wherever the line is cut (even just before its newline: a line is
// whole with its newline, written in the same write), the sandbox loads
// everything before it, drops the rest and says so, and compacts the file at
// start.
func TestTornLastLine(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "moka.json")
	h := newHarness(t, Options{DataFile: file})
	setup(h)
	before := h.s.Customers()
	h.addCustomer("last")
	_ = h.s.Close()
	full, _ := os.ReadFile(file)
	lastLine := bytes.LastIndexByte(full[:len(full)-1], '\n') + 1

	for cut := lastLine; cut <= len(full); cut++ {
		torn := filepath.Join(dir, fmt.Sprintf("torn-%d.json", cut))
		if err := os.WriteFile(torn, full[:cut], 0o600); err != nil {
			t.Fatal(err)
		}
		var logged []string
		s, err := New(Options{DataFile: torn, Logf: func(f string, a ...any) { logged = append(logged, fmt.Sprintf(f, a...)) }})
		if err != nil {
			t.Fatalf("cut at %d of %d: %v", cut, len(full), err)
		}
		want := before
		if cut == len(full) {
			want = append(slices.Clone(before), Customer{DealerCustomerID: 1035, CustomerCode: "last", FirstName: "Ali"})
		}
		if got := s.Customers(); !slices.Equal(got, want) {
			t.Errorf("cut at %d of %d: customers %+v\nwant %+v", cut, len(full), got, want)
		}
		dropped := len(logged) == 1 && strings.Contains(logged[0], "dropped a torn last line")
		if wantDropped := cut > lastLine && cut < len(full); dropped != wantDropped {
			t.Errorf("cut at %d of %d: logged %q", cut, len(full), logged)
		}
		if len(s.Cards()) != 3 {
			t.Errorf("cut at %d: %d cards", cut, len(s.Cards()))
		}
		// Compacted at start: one snapshot, nothing torn left; writes go on.
		if _, err := s.PutCustomer(Customer{CustomerCode: "after"}); err != nil {
			t.Fatal(err)
		}
		_ = s.Close()
		st, info, err := readDataFile(torn)
		if err != nil || info.torn != nil || info.changes != 1 {
			t.Fatalf("cut at %d: reloaded with %d changes, torn %q, %v", cut, info.changes, info.torn, err)
		}
		if _, ok := st.byCode("after"); !ok {
			t.Errorf("cut at %d: the write after the restart is lost", cut)
		}
	}
}

// TestCorruptJournalLine: a line that is not a change and not the last one is
// corruption, not a torn write: New refuses the file and leaves it alone.
func TestCorruptJournalLine(t *testing.T) {
	file := filepath.Join(t.TempDir(), "moka.json")
	h := newHarness(t, Options{DataFile: file})
	setup(h)
	_ = h.s.Close()
	raw, _ := os.ReadFile(file)
	bad := bytes.Replace(raw, []byte(`"CustomerCode":"ayşe"`), []byte(`"CustomerCode":"ayşe`), 1)
	if bytes.Equal(bad, raw) {
		t.Fatal("no line to break")
	}
	if err := os.WriteFile(file, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err := New(Options{DataFile: file}); err == nil {
		_ = s.Close()
		t.Fatal("loaded a file with a broken line in the middle")
	} else if !strings.Contains(err.Error(), "journal line 2") {
		t.Errorf("error %v does not name the line", err)
	}
	if b, _ := os.ReadFile(file); !bytes.Equal(b, bad) {
		t.Error("the corrupt file was overwritten")
	}
}

// TestKill9: a sandbox process with a data file is killed with SIGKILL while
// ten clients write to it. Every write it answered is in the file, which
// loads (a torn last line, if the kill left one, dropped).
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	file := filepath.Join(t.TempDir(), "moka.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestKill9Child$") //nolint:gosec // this test's own binary
	cmd.Env = append(os.Environ(), "SANDBOX_KILL9_CHILD="+file)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	var url string
	for url == "" && sc.Scan() {
		url, _ = strings.CutPrefix(sc.Text(), "listening on ")
	}
	if url == "" {
		t.Fatal("the sandbox process did not start")
	}
	go func() {
		for sc.Scan() { // keep its stdout drained
		}
	}()

	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	h := &harness{t: t, url: url, tr: tr, client: &http.Client{Transport: tr, Timeout: 10 * time.Second}}
	var (
		mu       sync.Mutex
		answered []string
		n        atomic.Int64
		wg       sync.WaitGroup
	)
	for w := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				code := fmt.Sprintf("w%d-%d", w, i)
				_, raw, err := h.post("AddCustomer", body(map[string]any{"CustomerCode": code, "Address": strings.Repeat("x", 150)}))
				if err != nil {
					return // killed
				}
				if !bytes.Contains(raw, []byte(`"ResultCode":"Success"`)) {
					t.Errorf("%s: %s", code, raw)
					return
				}
				mu.Lock()
				answered = append(answered, code)
				mu.Unlock()
				n.Add(1)
			}
		}()
	}
	for n.Load() < 300 {
		time.Sleep(time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	_ = cmd.Wait()

	st, info, err := readDataFile(file)
	if err != nil {
		t.Fatalf("the file of a killed sandbox does not load: %v", err)
	}
	for _, code := range answered {
		if _, ok := st.byCode(code); !ok {
			t.Errorf("%s was answered but is not in the file", code)
		}
	}
	t.Logf("%d writes answered before the kill, %d customers in the file (%d journal lines, torn tail %d bytes)",
		len(answered), len(st.customers), info.changes, len(info.torn))
}

// TestKill9Child is the sandbox process of TestKill9.
func TestKill9Child(t *testing.T) {
	file := os.Getenv("SANDBOX_KILL9_CHILD")
	if file == "" {
		t.Skip("the process TestKill9 starts")
	}
	os.Exit(Main([]string{"--listen", "127.0.0.1:0", "--data", file, "--quiet"}, os.Stdout, os.Stderr))
}

// TestCompaction: the journal is compacted when it outgrows its snapshot, so
// the file stays within a few times the state's size, and what it holds after
// any number of compactions is the state.
func TestCompaction(t *testing.T) {
	file := filepath.Join(t.TempDir(), "moka.json")
	h := newHarness(t, Options{DataFile: file})
	h.s.mu.Lock()
	h.s.j.minJournal = 4 << 10
	h.s.j.compactAt = h.s.j.size + h.s.j.minJournal
	h.s.mu.Unlock()
	gen := func() uint64 {
		h.s.j.mu.Lock()
		defer h.s.j.mu.Unlock()
		return h.s.j.gen
	}
	start := gen()
	w := setup(h)
	for i := range 200 {
		h.ok("UpdateCustomer", map[string]any{"CustomerCode": "ali", "LastName": fmt.Sprintf("Veli %d", i)}, nil)
		h.ok("UpdateCard", map[string]any{"CardToken": w.card1.CardToken, "CardName": fmt.Sprintf("Maaş %d", i)}, nil)
		if i%20 == 0 {
			h.addCustomer(fmt.Sprintf("c%d", i))
		}
	}
	h.ok("RemoveCustomer", map[string]any{"CustomerCode": "c20"}, nil)
	if gen()-start < 3 {
		t.Errorf("%d compactions for 400 writes over a 4 KiB journal", gen()-start)
	}
	snapshot, err := h.s.st.marshal()
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(file); fi.Size() > (journalFactor+2)*int64(len(snapshot))+8<<10 {
		t.Errorf("file of %d bytes for a state of %d", fi.Size(), len(snapshot))
	}
	customers, cards := h.s.Customers(), h.s.Cards()
	_ = h.s.Close()
	h2 := newHarness(t, Options{DataFile: file})
	if got := h2.s.Customers(); !slices.Equal(got, customers) {
		t.Errorf("customers after restart %+v\nwant %+v", got, customers)
	}
	if got := h2.s.Cards(); !slices.Equal(got, cards) {
		t.Errorf("cards after restart %+v\nwant %+v", got, cards)
	}
}

// TestConcurrentWritesWithDataFile: many clients write and read at once
// (under -race: the journal's locks and group commit), compactions happen
// meanwhile, and the file then holds exactly the state the sandbox had.
func TestConcurrentWritesWithDataFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "moka.json")
	opts := Options{DataFile: file, KeepCardsOnRemoveCustomer: true}
	h := newHarness(t, opts)
	h.s.mu.Lock()
	h.s.j.minJournal = 16 << 10
	h.s.j.compactAt = h.s.j.size + h.s.j.minJournal
	h.s.mu.Unlock()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				code := fmt.Sprintf("w%d-%d", w, i)
				c := h.addCustomer(code)
				card := h.addCard(c.DealerCustomerID, akbankCard, "a")
				h.ok("UpdateCustomer", map[string]any{"CustomerCode": code, "Address": "Bağdat Caddesi " + code}, nil)
				h.ok("GetCustomerList", nil, nil)
				switch i % 3 {
				case 0:
					h.ok("RemoveCustomer", map[string]any{"CustomerCode": code}, nil)
				case 1:
					h.ok("RemoveCard", map[string]any{"CardToken": card.CardToken}, nil)
				default:
					if !h.s.RenameCard(card.CardToken, "b") {
						t.Error("RenameCard")
					}
				}
			}
		}()
	}
	wg.Wait()
	customers, cards := h.s.Customers(), h.s.Cards()
	if len(customers) != 8*16 || len(cards) != 8*17 {
		t.Errorf("%d customers, %d cards", len(customers), len(cards))
	}
	_ = h.s.Close()
	h2 := newHarness(t, opts)
	if got := h2.s.Customers(); !slices.Equal(got, customers) {
		t.Errorf("customers after restart differ: %d, want %d", len(got), len(customers))
	}
	if got := h2.s.Cards(); !slices.Equal(got, cards) {
		t.Errorf("cards after restart differ: %d, want %d", len(got), len(cards))
	}
}

// TestWriteCostDoesNotGrow: what a write adds to the file and allocates is
// the same with 10 customers as with 3000 (bytes, which do not depend on the
// machine's speed). Before the journal, each write wrote the whole state.
func TestWriteCostDoesNotGrow(t *testing.T) {
	file := filepath.Join(t.TempDir(), "moka.json")
	s, err := New(Options{DataFile: file})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	s.mu.Lock()
	s.j.compactAt = 1 << 40 // no compaction in the middle of a measure
	s.mu.Unlock()
	next := 0
	put := func(to int) { // in one write, one journal line: quicker than a write each
		err := s.write(func(st *state) bool {
			for ; next < to; next++ {
				st.addCustomer(Customer{CustomerCode: fmt.Sprintf("c-%05d", next), FirstName: "Ayşe"})
			}
			return true
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	perWrite := func() (fileBytes int64, allocBytes uint64) {
		const writes = 50
		fi0, _ := os.Stat(file)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for i := range writes {
			b := body(map[string]any{"CustomerCode": fmt.Sprintf("c-%05d", i%10), "LastName": fmt.Sprintf("Yılmaz %d", next)})
			if res := s.handle("UpdateCustomer", b); res.reason != "" {
				t.Fatalf("UpdateCustomer: %s %s", res.reason, res.msg)
			}
		}
		runtime.ReadMemStats(&after)
		fi1, _ := os.Stat(file)
		return (fi1.Size() - fi0.Size()) / writes, (after.TotalAlloc - before.TotalAlloc) / writes
	}
	put(10)
	smallFile, smallAlloc := perWrite()
	put(3000)
	largeFile, largeAlloc := perWrite()
	if largeFile > smallFile+8 {
		t.Errorf("a write adds %d bytes to the file with 3000 customers, %d with 10", largeFile, smallFile)
	}
	if largeAlloc > 2*smallAlloc+4096 {
		t.Errorf("a write allocates %d bytes with 3000 customers, %d with 10", largeAlloc, smallAlloc)
	}
}

// TestFailedAppendChangesNothing: a line that cannot be written is answered
// EX and leaves the state and the file as they were; the next write rewrites
// the file whole. So does a write after the file was replaced under the
// sandbox.
func TestFailedAppendChangesNothing(t *testing.T) {
	file := filepath.Join(t.TempDir(), "moka.json")
	h := newHarness(t, Options{DataFile: file})
	w := setup(h)
	customers, cards := h.s.Customers(), h.s.Cards()
	raw, _ := os.ReadFile(file)

	h.s.mu.Lock()
	j := h.s.j
	j.mu.Lock()
	for j.syncing { // a background fsync of setup's writes would see the closed file, mark it failed and make the next write rewrite it whole
		j.cond.Wait()
	}
	j.mu.Unlock()
	_ = j.f.Close() // every write to it now fails
	h.s.mu.Unlock()
	// A write that touches several entries: the customer and its two cards.
	if a := h.call("RemoveCustomer", map[string]any{"CustomerCode": "ali"}); a.ResultCode != "EX" {
		t.Fatalf("RemoveCustomer on a closed file: %s", a.ResultCode)
	}
	if got := h.s.Customers(); !slices.Equal(got, customers) {
		t.Errorf("customers changed by a failed write: %+v", got)
	}
	if got := h.s.Cards(); !slices.Equal(got, cards) {
		t.Errorf("cards changed by a failed write: %+v", got)
	}
	if b, _ := os.ReadFile(file); !bytes.Equal(b, raw) {
		t.Error("the file changed")
	}
	h.ok("GetCustomer", map[string]any{"CustomerCode": "ali"}, nil) // the code index too

	// The next write rewrites the file; so does one after the file was
	// replaced by another.
	h.ok("RemoveCard", map[string]any{"CardToken": w.card3.CardToken}, nil)
	if err := os.WriteFile(file+".other", []byte(`{"version":2}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(file+".other", file); err != nil {
		t.Fatal(err)
	}
	h.ok("UpdateCustomer", map[string]any{"CustomerCode": "ali", "LastName": "Veli"}, nil)
	st, err := loadState(file)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := st.byCode("ali"); c.LastName != "Veli" || len(st.customers) != 2 || len(st.cards) != 2 {
		t.Errorf("file after the rewrite: %+v, %d customers, %d cards", c, len(st.customers), len(st.cards))
	}
}

// TestBackgroundSync: what is written gets fsync'd without a write waiting
// for it, and after an fsync failed the next write rewrites the file whole
// (a new snapshot, synced before it replaces the file).
func TestBackgroundSync(t *testing.T) {
	file := filepath.Join(t.TempDir(), "moka.json")
	h := newHarness(t, Options{DataFile: file})
	setup(h)
	j := h.s.j
	deadline := time.Now().Add(10 * time.Second)
	for {
		j.mu.Lock()
		done := !j.syncing && j.synced == j.written && j.written > 0
		j.mu.Unlock()
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("what was written is not synced after 10 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	j.mu.Lock()
	j.failed = true // as an fsync that failed
	gen := j.gen
	j.mu.Unlock()
	h.addCustomer("after")
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.gen != gen+1 || j.failed || j.synced != j.written {
		t.Errorf("after a failed fsync: generation %d (was %d), failed %v, synced %d of %d", j.gen, gen, j.failed, j.synced, j.written)
	}
	raw, _ := os.ReadFile(file)
	var f stateFile
	if err := json.Unmarshal(raw, &f); err != nil || len(f.Customers) != 3 {
		t.Errorf("not one snapshot of 3 customers (%v):\n%s", err, raw)
	}
}
