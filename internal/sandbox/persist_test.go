package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestPersistAcrossRestart(t *testing.T) {
	file := filepath.Join(t.TempDir(), "moka.json")
	o := Options{DataFile: file}
	h := newHarness(t, o)
	w := setup(h)
	h.ok("RemoveCustomer", map[string]any{"CustomerCode": "ayşe"}, nil)
	h.ok("UpdateCard", map[string]any{"CardToken": w.card2.CardToken, "CardName": "Yeniden adlandı"}, nil)
	customers, cards := h.s.Customers(), h.s.Cards()
	if err := h.s.Close(); err != nil {
		t.Fatal(err)
	}

	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, full := range []string{akbankCard, troyCard, otherCard} {
		if bytes.Contains(raw, []byte(full)) {
			t.Errorf("data file holds a full card number")
		}
	}

	h2 := newHarness(t, Options{DataFile: file, ForbidCodeReuse: true})
	if got := h2.s.Customers(); !slices.Equal(got, customers) {
		t.Errorf("customers after restart %+v\nwant %+v", got, customers)
	}
	if got := h2.s.Cards(); !slices.Equal(got, cards) {
		t.Errorf("cards after restart %+v\nwant %+v", got, cards)
	}
	// Ids go on where they stopped; removed codes are remembered; card order too.
	var d cwc
	h2.ok("AddCustomer", map[string]any{"CustomerCode": "üç"}, &d)
	if d.DealerCustomer.DealerCustomerID != 1035 {
		t.Errorf("next id %d, want 1035", d.DealerCustomer.DealerCustomerID)
	}
	if c := h2.call("AddCustomer", map[string]any{"CustomerCode": "ayşe"}).ResultCode; c != "DealerCustomer.AddCustomer.CustomerCodeAlreadyUsing" {
		t.Errorf("removed code with ForbidCodeReuse: %s", c)
	}
	h2.ok("GetCardList", map[string]any{"CustomerCode": "ali"}, &d)
	c2 := w.card2
	c2.CardName = "Yeniden adlandı"
	wantCards(t, d, w.card1, c2)
}

// TestPersistedBeforeAnswer: once a write is answered, it is in the file.
func TestPersistedBeforeAnswer(t *testing.T) {
	file := filepath.Join(t.TempDir(), "moka.json")
	h := newHarness(t, Options{DataFile: file})
	for _, code := range []string{"a", "b", "c"} {
		h.ok("AddCustomer", map[string]any{"CustomerCode": code}, nil)
		st, err := loadState(file)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := st.byCode(code); !ok {
			t.Fatalf("customer %s answered but not in the file", code)
		}
	}
	// Out-of-band changes are persisted too.
	c, err := h.s.AddCardDirect(1033, "A B", akbankCard, "12", "2030", "n")
	if err != nil {
		t.Fatal(err)
	}
	if !h.s.RenameCard(strings.ToUpper(c.CardToken), "m") {
		t.Fatal("RenameCard")
	}
	st, _ := loadState(file)
	if st.cards[c.CardToken].CardName != "m" {
		t.Errorf("rename not persisted")
	}
	if !h.s.DeleteCustomer(1034) || !h.s.DeleteCard(c.CardToken) {
		t.Fatal("delete")
	}
	st, _ = loadState(file)
	if len(st.customers) != 2 || len(st.cards) != 0 {
		t.Errorf("deletes not persisted: %d customers, %d cards", len(st.customers), len(st.cards))
	}
}

func TestTornTempFileIsIgnored(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "moka.json")
	h := newHarness(t, Options{DataFile: file})
	h.addCustomer("ali")
	_ = h.s.Close()
	good, _ := os.ReadFile(file)
	// A crash in the middle of a write leaves a partial temporary file.
	if err := os.WriteFile(filepath.Join(dir, ".moka.json.tmp-123"), good[:len(good)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{DataFile: file})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if cs := s.Customers(); len(cs) != 1 || cs[0].CustomerCode != "ali" {
		t.Errorf("customers %+v", cs)
	}
	// No temporary file of ours is left after a write.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "moka.json" && e.Name() != ".moka.json.tmp-123" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func TestDataFileEdgeCases(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Missing and empty files are an empty sandbox (and get written).
	for _, p := range []string{filepath.Join(dir, "new.json"), write("empty.json", "")} {
		s, err := New(Options{DataFile: p})
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if len(s.Customers()) != 0 {
			t.Errorf("%s: not empty", p)
		}
		_ = s.Close()
		if _, err := loadState(p); err != nil {
			t.Errorf("%s: not written: %v", p, err)
		}
	}
	// A corrupt file is an error, and is left alone.
	for name, content := range map[string]string{
		"torn.json":    `{"version":1,"customers":[{"DealerCustomerId":1033,`,
		"version.json": `{"version":3}`,
		"v1tail.json":  `{"version":1}` + "\n" + `{"nextDealerCustomerId":1040}` + "\n",
		"midline.json": `{"version":2}` + "\n" + `{"nextDealerCustomerId":1040,"x":1}` + "\n" + `{"nextDealerCustomerId":1041}` + "\n",
		"dupcode.json": `{"version":2,"customers":[{"DealerCustomerId":1033,"CustomerCode":"a"}]}` + "\n" + `{"customers":[{"DealerCustomerId":1034,"CustomerCode":"a"}]}` + "\n",
		"dup.json":     `{"version":1,"customers":[{"DealerCustomerId":1033,"CustomerCode":"a"},{"DealerCustomerId":1034,"CustomerCode":"a"}]}`,
		"token.json":   `{"version":1,"customers":[{"DealerCustomerId":1033,"CustomerCode":"a"}],"cards":[{"CardToken":"x","DealerCustomerId":1033}]}`,
		"unknown.json": `{"version":1,"customerz":[]}`,
	} {
		p := write(name, content)
		if s, err := New(Options{DataFile: p}); err == nil {
			_ = s.Close()
			t.Errorf("%s: loaded", name)
		}
		if b, _ := os.ReadFile(p); string(b) != content {
			t.Errorf("%s: overwritten", name)
		}
	}
	// A directory that cannot be written: New says so.
	if _, err := New(Options{DataFile: filepath.Join(dir, "no", "such", "dir", "x.json")}); err == nil {
		t.Error("New with an unwritable data file succeeded")
	}
}

// TestPersistFailure: when the state cannot be saved, the call answers EX
// and nothing changes, in memory either.
func TestPersistFailure(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "d")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Options{DataFile: filepath.Join(dir, "moka.json")})
	h.addCustomer("ali")
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	a := h.call("AddCustomer", map[string]any{"CustomerCode": "veli"})
	if a.ResultCode != "EX" || a.ResultMessage == "" {
		t.Errorf("%s %q, want EX", a.ResultCode, a.ResultMessage)
	}
	if cs := h.s.Customers(); len(cs) != 1 {
		t.Errorf("customers %+v", cs)
	}
	if _, err := h.s.PutCustomer(Customer{CustomerCode: "x"}); err == nil {
		t.Error("PutCustomer succeeded")
	}
	// Reads still work.
	h.ok("GetCustomer", map[string]any{"CustomerCode": "ali"}, nil)
	// Once the directory is back, writes work again.
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	var d cwc
	h.ok("AddCustomer", map[string]any{"CustomerCode": "veli"}, &d)
	if d.DealerCustomer.DealerCustomerID != 1034 {
		t.Errorf("id %d, want 1034", d.DealerCustomer.DealerCustomerID)
	}
}

// TestStateFileFormat: the file is a snapshot (one indented JSON object, as
// version 1 files were) followed by one compact line per write; a restart
// compacts it into a snapshot again.
func TestStateFileFormat(t *testing.T) {
	file := filepath.Join(t.TempDir(), "moka.json")
	h := newHarness(t, Options{DataFile: file})
	setup(h)
	raw, _ := os.ReadFile(file)
	dec := json.NewDecoder(bytes.NewReader(raw))
	var snap map[string]json.RawMessage
	if err := dec.Decode(&snap); err != nil {
		t.Fatal(err)
	}
	if string(snap["version"]) != "2" || string(snap["customers"]) != "[]" {
		t.Errorf("snapshot of a new sandbox: %s", raw[:dec.InputOffset()])
	}
	lines := strings.Split(strings.TrimSpace(string(raw[dec.InputOffset():])), "\n")
	if len(lines) != 5 { // two customers, three cards
		t.Fatalf("%d journal lines, want 5:\n%s", len(lines), raw)
	}
	if !strings.Contains(lines[1], `"customers":[{"DealerCustomerId":1034,"CustomerCode":"ayşe"`) {
		t.Errorf("second line %s", lines[1])
	}
	_ = h.s.Close()

	newHarness(t, Options{DataFile: file})
	raw, _ = os.ReadFile(file)
	var f map[string]json.RawMessage
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("not one JSON object after a restart: %v", err)
	}
	for _, k := range []string{"version", "nextDealerCustomerId", "nextCardSeq", "customers", "cards", "removedCustomers"} {
		if _, ok := f[k]; !ok {
			t.Errorf("no %q in %s", k, raw)
		}
	}
	if !bytes.Contains(raw, []byte(`"CustomerCode": "ayşe"`)) {
		t.Errorf("Turkish letters escaped: %s", raw)
	}
}

// TestReadsDoNotCopyTheState: with a DataFile a write works on a copy of the
// state, but a read must not, or each GetCustomer costs as much as the whole
// account (measured in bytes allocated per call, which do not depend on the
// machine's speed).
func TestReadsDoNotCopyTheState(t *testing.T) {
	s, err := New(Options{DataFile: filepath.Join(t.TempDir(), "moka.json")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	put := func(from, to int) {
		for i := from; i < to; i++ {
			if _, err := s.PutCustomer(Customer{CustomerCode: fmt.Sprintf("c-%04d", i), FirstName: "Ayşe"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	get := body(map[string]any{"CustomerCode": "c-0000"})
	bytesPerRead := func() uint64 {
		const reads = 50
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range reads {
			if res := s.handle("GetCustomer", get); res.reason != "" {
				t.Fatalf("GetCustomer: %s %s", res.reason, res.msg)
			}
		}
		runtime.ReadMemStats(&after)
		return (after.TotalAlloc - before.TotalAlloc) / reads
	}
	put(0, 10)
	small := bytesPerRead()
	put(10, 500)
	large := bytesPerRead()
	if large > 2*small+4096 {
		t.Errorf("a GetCustomer allocates %d bytes with 500 customers, %d with 10: reads copy the state", large, small)
	}
}
