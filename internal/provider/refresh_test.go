package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
)

// The reader's tests run against the sandbox (in-process, on loopback) and
// count what it answered from its own statistics. Where a test needs the API to
// behave otherwise (a list without passwords, a failing list, a slow list) a
// thin handler in front of the sandbox changes that one answer.

// readerFixture is a sandbox seeded with customers and a providerData whose
// client talks to it through an optional handler wrapper.
type readerFixture struct {
	srv       *sandbox.Server
	data      *providerData
	customers []sandbox.Customer
	// needPassword is what reads tell readCustomer (true unless a test says).
	needPassword bool
}

func newReaderFixture(t *testing.T, customers int, wrap func(http.Handler) http.Handler) *readerFixture {
	t.Helper()
	srv, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	var h http.Handler = srv
	if wrap != nil {
		h = wrap(srv)
	}
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)

	f := &readerFixture{srv: srv, needPassword: true}
	for i := 0; i < customers; i++ {
		c, err := srv.PutCustomer(sandbox.Customer{
			CustomerCode: fmt.Sprintf("R-%04d", i),
			Password:     fmt.Sprintf("PIN%04d", i),
			FirstName:    "Ayşe",
			LastName:     fmt.Sprintf("Yılmaz %d", i),
			Gender:       2,
			BirthDate:    "19901218",
			Email:        fmt.Sprintf("ayse.%d@example.com", i),
		})
		if err != nil {
			t.Fatal(err)
		}
		f.customers = append(f.customers, c)
	}
	client, err := moka.New(moka.Config{
		BaseURL: hs.URL, DealerCode: "SANDBOX", Username: "sandbox", Password: "sandbox",
		HTTPClient: hs.Client(), MaxRetries: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	f.data = &providerData{client: client, dealerCode: "SANDBOX"}
	return f
}

// calls is the sandbox's count of op so far.
func (f *readerFixture) calls(op string) int {
	return f.srv.Stats().Calls[op]
}

// read reads the fixture's customer i by id and checks that the answer is what
// the sandbox holds now (or held when want is given).
func (f *readerFixture) read(t *testing.T, ref moka.CustomerRef, want sandbox.Customer) {
	t.Helper()
	got, err := f.data.readCustomer(t.Context(), ref, f.needPassword)
	if err != nil {
		t.Errorf("readCustomer(%v): %v", ref, err)
		return
	}
	if got.DealerCustomerID != want.DealerCustomerID || got.CustomerCode != want.CustomerCode ||
		(f.needPassword && got.Password != want.Password) || got.FirstName != want.FirstName || got.LastName != want.LastName ||
		int(got.Gender) != want.Gender || got.BirthDate != moka.ISODate(want.BirthDate) || got.Email != want.Email {
		t.Errorf("readCustomer(%v) = %+v, want %+v", ref, *got, want)
	}
}

func byID(c sandbox.Customer) moka.CustomerRef {
	return moka.CustomerRef{DealerCustomerID: c.DealerCustomerID}
}

func byCode(c sandbox.Customer) moka.CustomerRef {
	return moka.CustomerRef{CustomerCode: c.CustomerCode}
}

// readAll reads every given customer concurrently, ten at a time like
// Terraform's default parallelism (or all at once when parallel is 0).
func (f *readerFixture) readAll(t *testing.T, customers []sandbox.Customer, parallel int, ref func(sandbox.Customer) moka.CustomerRef) {
	t.Helper()
	if parallel == 0 {
		parallel = len(customers)
	}
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for _, c := range customers {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			f.read(t, ref(c), c)
		}()
	}
	wg.Wait()
}

func TestCustomerReaderCalls(t *testing.T) {
	tests := []struct {
		name      string
		customers int // in the account
		reads     int // the first reads of them
		parallel  int
		ref       func(sandbox.Customer) moka.CustomerRef
		wantGet   int
		wantList  int
	}{
		{"one customer: one GetCustomer", 5, 1, 1, byID, 1, 0},
		{"small state of a large account: no list", 500, snapshotAfterReads, 10, byID, snapshotAfterReads, 0},
		{"one read past the threshold lists once", 50, snapshotAfterReads + 1, 1, byID, snapshotAfterReads, 1},
		{"200 concurrent reads: one list (single flight)", 200, 200, 0, byID, snapshotAfterReads, 1},
		{"1000 reads ten at a time", 1000, 1000, 10, byID, snapshotAfterReads, 1},
		{"by customer code", 100, 100, 10, byCode, snapshotAfterReads, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newReaderFixture(t, tt.customers, nil)
			f.readAll(t, f.customers[:tt.reads], tt.parallel, tt.ref)
			if got := f.calls("GetCustomer"); got != tt.wantGet {
				t.Errorf("GetCustomer calls = %d, want %d", got, tt.wantGet)
			}
			if got := f.calls("GetCustomerList"); got != tt.wantList {
				t.Errorf("GetCustomerList calls = %d, want %d", got, tt.wantList)
			}
		})
	}
}

// primeSnapshot makes the reads that take the reader past its threshold and
// checks that it listed the account once.
func (f *readerFixture) primeSnapshot(t *testing.T) {
	t.Helper()
	f.readAll(t, f.customers[:snapshotAfterReads+1], 1, byID)
	if got := f.calls("GetCustomerList"); got != 1 {
		t.Fatalf("GetCustomerList calls after %d reads = %d, want 1", snapshotAfterReads+1, got)
	}
}

func TestCustomerReaderSnapshotIsConsistent(t *testing.T) {
	f := newReaderFixture(t, 40, nil)
	f.primeSnapshot(t)
	// A change behind the provider's back after the list is not seen by this
	// refresh (it reads the account as it was at one moment) ...
	before := f.customers[30]
	changed := before
	changed.FirstName = "Changed"
	if _, err := f.srv.PutCustomer(changed); err != nil {
		t.Fatal(err)
	}
	f.read(t, byID(before), before)
	if got := f.calls("GetCustomer"); got != snapshotAfterReads {
		t.Errorf("GetCustomer calls = %d, want %d (the snapshot answers)", got, snapshotAfterReads)
	}
}

func TestCustomerReaderWriteInvalidates(t *testing.T) {
	f := newReaderFixture(t, 60, nil)
	f.primeSnapshot(t)

	changed := f.customers[40]
	changed.FirstName = "Changed"
	changed.Password = "NEWPIN"
	if _, err := f.srv.PutCustomer(changed); err != nil {
		t.Fatal(err)
	}
	f.data.customerWritten()
	// After the write, reads go to Moka again one by one ...
	f.read(t, byID(changed), changed)
	if got := f.calls("GetCustomer"); got != snapshotAfterReads+1 {
		t.Errorf("GetCustomer calls = %d, want %d", got, snapshotAfterReads+1)
	}
	// ... and past the threshold the account is listed anew, with the change.
	rest := append([]sandbox.Customer{}, f.customers[:snapshotAfterReads]...)
	f.readAll(t, rest, 1, byID)
	f.read(t, byCode(changed), changed)
	if got := f.calls("GetCustomerList"); got != 2 {
		t.Errorf("GetCustomerList calls = %d, want 2", got)
	}
	if got := f.calls("GetCustomer"); got != 2*snapshotAfterReads {
		t.Errorf("GetCustomer calls = %d, want %d", got, 2*snapshotAfterReads)
	}
}

// gate holds the answer to GetCustomerList (computed by the sandbox before the
// hold) until release is closed.
type gate struct {
	started     chan struct{}
	release     chan struct{}
	once        sync.Once
	releaseOnce sync.Once
}

// open lets the held answer go; it may be called more than once.
func (g *gate) open() { g.releaseOnce.Do(func() { close(g.release) }) }

func (g *gate) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/GetCustomerList") {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		g.once.Do(func() { close(g.started) })
		<-g.release
		copyRecorded(w, rec, rec.Body.Bytes())
	})
}

func copyRecorded(w http.ResponseWriter, rec *httptest.ResponseRecorder, body []byte) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Del("Content-Length")
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body)
}

func TestCustomerReaderWriteDuringListing(t *testing.T) {
	g := &gate{started: make(chan struct{}), release: make(chan struct{})}
	f := newReaderFixture(t, 40, g.wrap)
	t.Cleanup(g.open) // runs before the server's Close, which waits for the held answer
	f.readAll(t, f.customers[:snapshotAfterReads], 1, byID)

	// Read number threshold+1 starts the list, whose answer (the account as it
	// was before the change below) is held back.
	leader := make(chan struct{})
	go func() {
		defer close(leader)
		f.read(t, byID(f.customers[25]), f.customers[25])
	}()
	<-g.started

	changed := f.customers[30]
	changed.LastName = "Changed"
	if _, err := f.srv.PutCustomer(changed); err != nil {
		t.Fatal(err)
	}
	f.data.customerWritten()
	// A read after the write must not wait for, nor use, the older list.
	f.read(t, byID(changed), changed)
	g.open()
	<-leader
	f.read(t, byID(changed), changed)
	if got := f.calls("GetCustomerList"); got != 1 {
		t.Errorf("GetCustomerList calls = %d, want 1", got)
	}
	if got := f.calls("GetCustomer"); got != snapshotAfterReads+2 {
		t.Errorf("GetCustomer calls = %d, want %d", got, snapshotAfterReads+2)
	}
}

func TestCustomerReaderNotInListAsksGetCustomer(t *testing.T) {
	f := newReaderFixture(t, 30, nil)
	f.primeSnapshot(t)
	get := f.calls("GetCustomer")

	// Created after the list: found by GetCustomer.
	late, err := f.srv.PutCustomer(sandbox.Customer{CustomerCode: "LATE", Password: "PIN", FirstName: "Late"})
	if err != nil {
		t.Fatal(err)
	}
	f.read(t, byID(late), late)
	f.read(t, byCode(late), late)
	// Never existed: GetCustomer is what says it is gone.
	for _, ref := range []moka.CustomerRef{{DealerCustomerID: 999999}, {CustomerCode: "NO-SUCH-CODE"}} {
		if _, err := f.data.readCustomer(t.Context(), ref, f.needPassword); !moka.IsNotFound(err) {
			t.Errorf("readCustomer(%v) error = %v, want not found", ref, err)
		}
	}
	// An id and a code that name different customers: Moka decides.
	mixed := moka.CustomerRef{DealerCustomerID: f.customers[1].DealerCustomerID, CustomerCode: f.customers[2].CustomerCode}
	_, _ = f.data.readCustomer(t.Context(), mixed, f.needPassword)
	if got := f.calls("GetCustomer") - get; got != 5 {
		t.Errorf("GetCustomer calls after the list = %d, want 5 (one per read the list cannot answer)", got)
	}
	if got := f.calls("GetCustomerList"); got != 1 {
		t.Errorf("GetCustomerList calls = %d, want 1", got)
	}
}

// editList rewrites the GetCustomerList answer's customers with edit.
func editList(edit func(customer map[string]any)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasSuffix(r.URL.Path, "/GetCustomerList") {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			var env struct {
				Data struct {
					DealerCustomerListCount int
					DealerCustomerList      []map[string]any
				}
				ResultCode, ResultMessage string
				Exception                 any
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			for _, c := range env.Data.DealerCustomerList {
				edit(c)
			}
			body, _ := json.Marshal(env)
			copyRecorded(w, rec, body)
		})
	}
}

func TestCustomerReaderPasswords(t *testing.T) {
	tests := []struct {
		name string
		edit func(map[string]any)
		// some: customers R-0000..R-0009 have no password in the sandbox
		some bool
		// unmanaged: no read needs the password (no password in the configuration)
		unmanaged bool
		wantGet   int // GetCustomer calls for the reads after the list
	}{
		{"list carries passwords", nil, false, false, 0},
		{"list without the Password field", func(c map[string]any) { delete(c, "Password") }, false, false, 30},
		{"list with null passwords", func(c map[string]any) { c["Password"] = nil }, false, false, 30},
		{"some customers have no password", nil, true, false, 0},
		{"list without the Password field, no password managed", func(c map[string]any) { delete(c, "Password") }, false, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var wrap func(http.Handler) http.Handler
			if tt.edit != nil {
				wrap = editList(tt.edit)
			}
			f := newReaderFixture(t, 60, wrap)
			f.needPassword = !tt.unmanaged
			if tt.some {
				for i := range 10 {
					f.customers[i].Password = ""
					if _, err := f.srv.PutCustomer(f.customers[i]); err != nil {
						t.Fatal(err)
					}
				}
			}
			f.readAll(t, f.customers[30:], 10, byID)
			get := f.calls("GetCustomer")
			f.readAll(t, f.customers[:30], 10, byID)
			if got := f.calls("GetCustomer") - get; got != tt.wantGet {
				t.Errorf("GetCustomer calls after the list = %d, want %d", got, tt.wantGet)
			}
			if got := f.calls("GetCustomerList"); got != 1 {
				t.Errorf("GetCustomerList calls = %d, want 1", got)
			}
		})
	}
}

func TestCustomerReaderListFails(t *testing.T) {
	failing := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/GetCustomerList") {
				_, _ = io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				_, _ = io.Copy(w, bytes.NewReader([]byte(`{"Data":null,"ResultCode":"EX","ResultMessage":"boom","Exception":null}`)))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	var listed int
	var mu sync.Mutex
	counting := func(next http.Handler) http.Handler {
		inner := failing(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/GetCustomerList") {
				mu.Lock()
				listed++
				mu.Unlock()
			}
			inner.ServeHTTP(w, r)
		})
	}
	f := newReaderFixture(t, 80, counting)
	f.readAll(t, f.customers, 10, byID)
	if got := f.calls("GetCustomer"); got != len(f.customers) {
		t.Errorf("GetCustomer calls = %d, want %d (every read, the list having failed)", got, len(f.customers))
	}
	mu.Lock()
	defer mu.Unlock()
	if listed != 1 {
		t.Errorf("GetCustomerList attempts = %d, want 1 (not retried until a write)", listed)
	}
}

// TestAccCustomerRefreshBatches refreshes 60 customers, two of them changed or
// removed behind Terraform's back, and counts the calls: at most the reads made
// before the threshold, one list, and one GetCustomer that confirms the removal.
func TestAccCustomerRefreshBatches(t *testing.T) {
	t.Parallel()
	// With PINs, and without (the common case, whose list carries no
	// password at all): both batched.
	for _, pins := range []bool{true, false} {
		t.Run(fmt.Sprintf("pins=%t", pins), func(t *testing.T) { testRefreshBatches(t, pins) })
	}
}

func testRefreshBatches(t *testing.T, pins bool) {
	const n = 60
	srv := accSandbox(t, sandbox.Options{})
	password := ""
	if pins {
		password = `password      = format("PIN-%%04d", count.index)`
	}
	cfg := providerBlock(srv) + fmt.Sprintf(`
resource "moka_dealer_customer" "c" {
  count         = %d
  customer_code = format("BATCH-%%03d", count.index)
  first_name    = "Ayşe"
  last_name     = format("Yılmaz %%d", count.index)
  `+password+`
}
`, n)
	var before map[string]int
	var changedID, removedID int64
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					before = srv.Stats().Calls
					for _, c := range srv.Customers() {
						switch c.CustomerCode {
						case "BATCH-007":
							c.FirstName = "Changed"
							if pins {
								c.Password = "NEWPIN"
							}
							changedID = c.DealerCustomerID
							if _, err := srv.PutCustomer(c); err != nil {
								t.Fatal(err)
							}
						case "BATCH-042":
							removedID = c.DealerCustomerID
							srv.DeleteCustomer(c.DealerCustomerID)
						}
					}
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: func(s *terraform.State) error {
					after := srv.Stats().Calls
					delta := map[string]int{}
					total := 0
					for op, v := range after {
						if d := v - before[op]; d != 0 {
							delta[op] = d
							total += d
						}
					}
					t.Logf("refresh of %d customers: %d calls %v", n, total, delta)
					if delta["GetCustomerList"] != 1 || delta["GetCustomer"] > snapshotAfterReads+1 || total != delta["GetCustomerList"]+delta["GetCustomer"]+delta[credentialsCheck] {
						return fmt.Errorf("refresh of %d customers made calls %v; want one GetCustomerList and at most %d GetCustomer", n, delta, snapshotAfterReads+1)
					}
					left := 0
					for _, rs := range s.RootModule().Resources {
						if rs.Type != "moka_dealer_customer" {
							continue
						}
						left++
						id := rs.Primary.Attributes["dealer_customer_id"]
						switch id {
						case fmt.Sprint(removedID):
							return fmt.Errorf("customer %s was removed from Moka but is still in state", id)
						case fmt.Sprint(changedID):
							if rs.Primary.Attributes["first_name"] != "Changed" || (pins && rs.Primary.Attributes["password"] != "NEWPIN") {
								return fmt.Errorf("customer %s changed in Moka, state has first_name %q and a password that is not Moka's",
									id, rs.Primary.Attributes["first_name"])
							}
						}
					}
					if left != n-1 {
						return fmt.Errorf("%d customers in state after the refresh, want %d", left, n-1)
					}
					return nil
				},
			},
		},
	})
}
