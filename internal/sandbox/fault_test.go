package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// noKeepAlive gives each request its own connection, so that a dropped one
// is never retried on another.
func noKeepAlive(h *harness) {
	h.tr.DisableKeepAlives = true
}

func TestFaultKinds(t *testing.T) {
	req := body(map[string]any{"CustomerCode": "x"})
	cases := []struct {
		kind      FaultKind
		committed bool
		check     func(t *testing.T, resp *http.Response, raw []byte, err error, took time.Duration)
	}{
		{FaultHTML503, false, func(t *testing.T, resp *http.Response, raw []byte, err error, _ time.Duration) {
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 503 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !bytes.Contains(raw, []byte("Service Unavailable")) {
				t.Errorf("HTTP %d %q: %s", resp.StatusCode, resp.Header.Get("Content-Type"), raw)
			}
		}},
		{FaultEX, false, func(t *testing.T, resp *http.Response, raw []byte, err error, _ time.Duration) {
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" ||
				!bytes.HasPrefix(raw, []byte(`{"Data":null,"ResultCode":"EX","ResultMessage":"`)) || !bytes.HasSuffix(raw, []byte(`","Exception":null}`)) {
				t.Errorf("HTTP %d: %s", resp.StatusCode, raw)
			}
		}},
		{FaultReset, false, func(t *testing.T, _ *http.Response, _ []byte, err error, _ time.Duration) {
			if !errors.Is(err, syscall.ECONNRESET) {
				t.Errorf("error %v, want connection reset", err)
			}
		}},
		{FaultTimeout, false, func(t *testing.T, _ *http.Response, _ []byte, err error, took time.Duration) {
			if err == nil || took < 300*time.Millisecond {
				t.Errorf("error %v after %v, want an error after the 300ms hang", err, took)
			}
		}},
		{FaultLostReply, true, func(t *testing.T, _ *http.Response, _ []byte, err error, _ time.Duration) {
			if err == nil || errors.Is(err, syscall.ECONNRESET) {
				t.Errorf("error %v, want a closed connection", err)
			}
		}},
		{FaultLateCommit, true, func(t *testing.T, _ *http.Response, _ []byte, err error, took time.Duration) {
			if err == nil || took < 300*time.Millisecond {
				t.Errorf("error %v after %v, want an error after the 300ms hang", err, took)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(string(tc.kind), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, Options{FaultRate: 1, FaultKinds: []FaultKind{tc.kind}, TimeoutHang: 300 * time.Millisecond})
			noKeepAlive(h)
			start := time.Now()
			resp, raw, err := h.post("AddCustomer", req)
			tc.check(t, resp, raw, err, time.Since(start))
			if got := len(h.s.Customers()) == 1; got != tc.committed {
				t.Errorf("committed %v, want %v", got, tc.committed)
			}
			if n := h.s.Stats().Calls["AddCustomer"]; n != 1 {
				t.Errorf("%d calls counted", n)
			}
			// Faults off: the same call answers, and says what was committed.
			h.s.SetFaultRate(0)
			a := h.call("AddCustomer", map[string]any{"CustomerCode": "x"})
			want := "Success"
			if tc.committed {
				want = "DealerCustomer.AddCustomer.CustomerCodeAlreadyUsing"
			}
			if a.ResultCode != want {
				t.Errorf("retry: %s, want %s", a.ResultCode, want)
			}
			if n := h.s.Stats().Calls["AddCustomer"]; n != 2 {
				t.Errorf("%d calls counted", n)
			}
		})
	}
}

func TestFaultsNeverOnInspection(t *testing.T) {
	h := newHarness(t, Options{FaultRate: 1, FaultKinds: []FaultKind{FaultReset}})
	for _, p := range []string{"/sandbox/stats", "/sandbox/state"} {
		resp, err := h.client.Get(h.url + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
}

func TestTimeoutEndsWithRequestContext(t *testing.T) {
	h := newHarness(t, Options{FaultRate: 1, FaultKinds: []FaultKind{FaultTimeout}}) // default 30s hang
	noKeepAlive(h)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	r, _ := http.NewRequestWithContext(ctx, "POST", h.url+"/DealerCustomer/GetCustomerList", bytes.NewReader(body(nil)))
	resp, err := h.client.Do(r)
	if err == nil {
		_ = resp.Body.Close()
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v", err)
	}
	// The handler notices the closed connection and returns: Close is quick.
	start := time.Now()
	if err := h.s.Close(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("Close took %v", took)
	}
}

func TestCloseEndsHeldRequests(t *testing.T) {
	for _, o := range []Options{
		{FaultRate: 1, FaultKinds: []FaultKind{FaultTimeout}, TimeoutHang: time.Minute},
		{FaultRate: 1, FaultKinds: []FaultKind{FaultLateCommit}, TimeoutHang: time.Minute},
		{Latency: time.Minute},
	} {
		h := newHarness(t, o)
		noKeepAlive(h)
		errc := make(chan error, 1)
		go func() {
			_, _, err := h.post("GetCustomerList", body(nil))
			errc <- err
		}()
		for h.s.Stats().Calls["GetCustomerList"] == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		start := time.Now()
		if err := h.s.Close(); err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("%+v: Close took %v", o, took)
		}
		if err := <-errc; err == nil {
			t.Errorf("%+v: held request got an answer", o)
		}
	}
}

// A late commit outlives the client that gave up on it: the call fails on
// the client's side, and the write lands later. Closed first, the server
// ends the hold without committing.
func TestFaultLateCommit(t *testing.T) {
	t.Run("commits after the client gave up", func(t *testing.T) {
		h := newHarness(t, Options{FaultRate: 1, FaultKinds: []FaultKind{FaultLateCommit}, TimeoutHang: 400 * time.Millisecond})
		noKeepAlive(h)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		r, _ := http.NewRequestWithContext(ctx, "POST", h.url+"/DealerCustomer/AddCustomer", bytes.NewReader(body(map[string]any{"CustomerCode": "late"})))
		if resp, err := h.client.Do(r); err == nil {
			_ = resp.Body.Close()
			t.Fatal("the held call was answered")
		}
		if n := len(h.s.Customers()); n != 0 {
			t.Fatalf("committed before the hold ended")
		}
		deadline := time.Now().Add(5 * time.Second)
		for len(h.s.Customers()) == 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if cs := h.s.Customers(); len(cs) != 1 || cs[0].CustomerCode != "late" {
			t.Errorf("customers %+v, want the late one", cs)
		}
	})
	t.Run("close ends the hold without committing", func(t *testing.T) {
		h := newHarness(t, Options{FaultRate: 1, FaultKinds: []FaultKind{FaultLateCommit}, TimeoutHang: time.Minute})
		noKeepAlive(h)
		errc := make(chan error, 1)
		go func() {
			_, _, err := h.post("AddCustomer", body(map[string]any{"CustomerCode": "never"}))
			errc <- err
		}()
		for h.s.Stats().Calls["AddCustomer"] == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		if err := h.s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := <-errc; err == nil {
			t.Error("the held call was answered")
		}
		if n := len(h.s.Customers()); n != 0 {
			t.Errorf("%d customers: a hold ended by Close committed", n)
		}
	})
	t.Run("not among the default kinds", func(t *testing.T) {
		if slices.Contains(AllFaultKinds, FaultLateCommit) || !slices.Contains(KnownFaultKinds, FaultLateCommit) {
			t.Errorf("AllFaultKinds %v, KnownFaultKinds %v", AllFaultKinds, KnownFaultKinds)
		}
		if k, err := parseKinds("latecommit"); err != nil || len(k) != 1 || k[0] != FaultLateCommit {
			t.Errorf("parseKinds(latecommit) = %v, %v", k, err)
		}
	})
}

func TestLatency(t *testing.T) {
	h := newHarness(t, Options{Latency: 200 * time.Millisecond})
	start := time.Now()
	h.call("GetCustomerList", nil)
	if took := time.Since(start); took < 200*time.Millisecond {
		t.Errorf("answered after %v", took)
	}
	// A client that gives up early is not kept waiting.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	r, _ := http.NewRequestWithContext(ctx, "POST", h.url+"/DealerCustomer/AddCustomer", bytes.NewReader(body(map[string]any{"CustomerCode": "x"})))
	if resp, err := h.client.Do(r); err == nil {
		_ = resp.Body.Close()
		t.Fatal("no error")
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(h.s.Customers()); n != 0 {
		t.Errorf("a call given up during latency committed")
	}
}

func TestFaultRateAndSeed(t *testing.T) {
	pattern := func(seed int64) string {
		h := newHarness(t, Options{FaultRate: 0.5, FaultKinds: []FaultKind{FaultEX, FaultHTML503}, Seed: seed})
		var sb strings.Builder
		for i := 0; i < 200; i++ {
			resp, raw, err := h.post("GetCustomerList", body(nil))
			switch {
			case err != nil:
				t.Fatal(err)
			case resp.StatusCode == 503:
				sb.WriteByte('h')
			case bytes.Contains(raw, []byte(`"EX"`)):
				sb.WriteByte('e')
			default:
				sb.WriteByte('.')
			}
		}
		if n := h.s.Stats().Calls["GetCustomerList"]; n != 200 {
			t.Errorf("%d calls counted", n)
		}
		return sb.String()
	}
	a, b, c := pattern(7), pattern(7), pattern(8)
	if a != b {
		t.Errorf("same seed, different faults:\n%s\n%s", a, b)
	}
	if a == c {
		t.Errorf("different seeds, same faults")
	}
	ok, ex, html := strings.Count(a, "."), strings.Count(a, "e"), strings.Count(a, "h")
	if ok < 60 || ok > 140 || ex < 20 || html < 20 {
		t.Errorf("200 calls at rate 0.5: %d answered, %d EX, %d 503", ok, ex, html)
	}
}

func TestSetFaultRate(t *testing.T) {
	h := newHarness(t, Options{FaultKinds: []FaultKind{FaultEX}})
	code := func() string { return h.call("GetCustomerList", nil).ResultCode }
	if c := code(); c != "Success" {
		t.Fatal(c)
	}
	h.s.SetFaultRate(1)
	if c := code(); c != "EX" {
		t.Fatal(c)
	}
	h.s.SetFaultRate(7) // clamped to 1
	if c := code(); c != "EX" {
		t.Fatal(c)
	}
	h.s.SetFaultRate(-1)
	if c := code(); c != "Success" {
		t.Fatal(c)
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	for _, o := range []Options{
		{FaultRate: 1.5}, {FaultRate: -0.1}, {Latency: -1}, {TimeoutHang: -1},
		{FaultKinds: []FaultKind{"boom"}}, {FaultKinds: []FaultKind{}},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) succeeded", o)
		}
	}
}

// TestConcurrentCalls runs many clients against one sandbox with faults that
// do not commit, switching the rate meanwhile: every answered AddCustomer
// committed once, ids are unique. Run with -race.
func TestConcurrentCalls(t *testing.T) {
	h := newHarness(t, Options{FaultRate: 0.3, FaultKinds: []FaultKind{FaultEX, FaultHTML503, FaultReset}, Seed: 3})
	noKeepAlive(h)
	var mu sync.Mutex
	succeeded := map[string]bool{}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 15; i++ {
				code := fmt.Sprintf("c%d-%d", g, i)
				resp, raw, err := h.post("AddCustomer", body(map[string]any{"CustomerCode": code}))
				if err == nil && resp.StatusCode == 200 && bytes.Contains(raw, []byte(`"Success"`)) {
					mu.Lock()
					succeeded[code] = true
					mu.Unlock()
				}
				_ = h.s.Stats()
				_ = h.s.Customers()
				if i == 7 {
					h.s.SetFaultRate(0.1)
				}
			}
		}()
	}
	wg.Wait()
	cs := h.s.Customers()
	if len(cs) != len(succeeded) {
		t.Errorf("%d customers, %d successes", len(cs), len(succeeded))
	}
	ids := map[int64]bool{}
	for _, c := range cs {
		if ids[c.DealerCustomerID] || !succeeded[c.CustomerCode] {
			t.Errorf("customer %+v", c)
		}
		ids[c.DealerCustomerID] = true
	}
	if n := h.s.Stats().Calls["AddCustomer"]; n != 120 {
		t.Errorf("%d calls counted", n)
	}
}

// TestCloseLeavesNoGoroutines exercises every fault kind and then checks
// that Close leaves no goroutine behind. It must not run in parallel.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		s, err := New(Options{FaultRate: 0.7, TimeoutHang: 100 * time.Millisecond, Seed: 5, Latency: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		url, err := s.Start("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		tr := &http.Transport{}
		client := &http.Client{Transport: tr, Timeout: 5 * time.Second}
		for i := 0; i < 40; i++ {
			resp, err := client.Post(url+"/DealerCustomer/AddCustomer", "application/json",
				bytes.NewReader(body(map[string]any{"CustomerCode": fmt.Sprint(i)})))
			if err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}
		// One more request, racing Close.
		s.SetFaultRate(0)
		go func() {
			resp, err := client.Post(url+"/DealerCustomer/GetCustomerList", "application/json", bytes.NewReader(body(nil)))
			if err == nil {
				resp.Body.Close()
			}
		}()
		if st := s.Stats(); st.Calls["AddCustomer"] != 40 || st.Connections < 2 {
			t.Errorf("stats %+v", st)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil { // twice is fine
			t.Fatal(err)
		}
		tr.CloseIdleConnections()
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= before {
			break
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines before, %d after Close:\n%s", before, n, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestServeHTTPAfterClose(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	if _, err := s.Start("127.0.0.1:0"); err == nil {
		t.Error("Start after Close succeeded")
	}
	rec := newRecorder()
	s.ServeHTTP(rec, mustRequest("POST", "/DealerCustomer/GetCustomerList", body(nil)))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("after Close: %d", rec.Code)
	}
}
