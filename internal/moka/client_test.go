package moka

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

func TestNewValidatesConfig(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr bool
		wantURL string
	}{
		{"ok", Config{BaseURL: "https://service.refmokaunited.com", DealerCode: "d", Username: "u", Password: "p"}, false, "https://service.refmokaunited.com"},
		{"trailing slash", Config{BaseURL: "https://x.example/", DealerCode: "d", Username: "u", Password: "p"}, false, "https://x.example"},
		{"path prefix kept", Config{BaseURL: "http://127.0.0.1:8080/moka/", DealerCode: "d", Username: "u", Password: "p"}, false, "http://127.0.0.1:8080/moka"},
		{"no scheme", Config{BaseURL: "service.mokaunited.com", DealerCode: "d", Username: "u", Password: "p"}, true, ""},
		{"ftp", Config{BaseURL: "ftp://x.example", DealerCode: "d", Username: "u", Password: "p"}, true, ""},
		{"empty", Config{DealerCode: "d", Username: "u", Password: "p"}, true, ""},
		{"no dealer", Config{BaseURL: "https://x.example", Username: "u", Password: "p"}, true, ""},
		{"no user", Config{BaseURL: "https://x.example", DealerCode: "d", Password: "p"}, true, ""},
		{"no password", Config{BaseURL: "https://x.example", DealerCode: "d", Username: "u"}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.cfg)
			if (err != nil) != tt.wantErr {
				t.Fatalf("New: err = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil {
				if tt.cfg.Password != "" && strings.Contains(err.Error(), tt.cfg.Password+"\"") {
					t.Errorf("error quotes the password: %v", err)
				}
				return
			}
			if c.baseURL != tt.wantURL {
				t.Errorf("baseURL = %q, want %q", c.baseURL, tt.wantURL)
			}
		})
	}
}

// requestShape is a call answered with data, and what it must have sent.
type requestShape struct {
	name   string
	op     string
	data   string
	call   func(ctx context.Context, c *Client) error
	want   map[string]any // nil: no DealerCustomerRequest at all
	absent []string       // keys that must not be sent
	before []string       // operations sent before this one
	after  []string       // operations sent after it
	// claimed is a field sent with a create's claim instead of want's value.
	claimed string
}

// checkRequestShapes checks, for each call of an object (customer_test.go,
// card_test.go), the method, path, headers, authentication block and the
// exact DealerCustomerRequest sent.
func checkRequestShapes(t *testing.T, tests []requestShape) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, body []byte) {
				switch op {
				case "UpdateCustomer":
					// A Moka that does what it is asked: the customer as sent.
					writeJSON(w, success(echoCustomer(t, body)))
					return
				case "UpdateCard":
					writeJSON(w, success(renamedCards(t, tt.data, body)))
					return
				}
				writeJSON(w, success(tt.data))
			})
			c := newTestClient(t, f.URL())
			if err := tt.call(context.Background(), c); err != nil {
				t.Fatalf("%s: %v", tt.op, err)
			}
			reqs := f.requests()
			if len(reqs) != 1+len(tt.before)+len(tt.after) {
				t.Fatalf("%d requests, want %d", len(reqs), 1+len(tt.before)+len(tt.after))
			}
			for i, op := range tt.after {
				if got := reqs[1+len(tt.before)+i].Op; got != op {
					t.Errorf("request %d is %s, want %s", 1+len(tt.before)+i, got, op)
				}
			}
			for i, op := range tt.before {
				if reqs[i].Op != op {
					t.Errorf("request %d is %s, want %s", i, reqs[i].Op, op)
				}
			}
			r := reqs[len(tt.before)]
			if r.Method != http.MethodPost {
				t.Errorf("method %s, want POST", r.Method)
			}
			if want := "/DealerCustomer/" + tt.op; r.Path != want {
				t.Errorf("path %s, want %s", r.Path, want)
			}
			if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
				t.Errorf("Content-Type %q, want application/json", r.Header.Get("Content-Type"))
			}
			if ua := r.Header.Get("User-Agent"); ua != tUserAgent {
				t.Errorf("User-Agent %q, want %q", ua, tUserAgent)
			}
			top, req := requestBlock(t, r.Body)
			var auth map[string]string
			if err := json.Unmarshal(top["DealerCustomerAuthentication"], &auth); err != nil {
				t.Fatalf("DealerCustomerAuthentication: %v", err)
			}
			wantAuth := map[string]string{
				"DealerCode": tDealer, "Username": tUser, "Password": tAPIPW,
				"CheckKey": CheckKey(tDealer, tUser, tAPIPW),
			}
			if !reflect.DeepEqual(auth, wantAuth) {
				t.Errorf("auth block %v, want %v", auth, wantAuth)
			}
			wantTop := 2
			if tt.want == nil {
				wantTop = 1
				if _, ok := top["DealerCustomerRequest"]; ok {
					t.Errorf("%s sent a DealerCustomerRequest: %s", tt.op, r.Body)
				}
			}
			if len(top) != wantTop {
				t.Errorf("top-level keys %v, want %d", keys(top), wantTop)
			}
			if tt.claimed != "" {
				if claim, _ := req[tt.claimed].(string); !IsClaim(claim) {
					t.Errorf("%s sent %s %q, want a claim", tt.op, tt.claimed, claim)
				}
				req[tt.claimed] = tt.want[tt.claimed]
			}
			if tt.want != nil && !reflect.DeepEqual(req, tt.want) {
				t.Errorf("DealerCustomerRequest\n got %v\nwant %v", req, tt.want)
			}
			for _, k := range tt.absent {
				if _, ok := req[k]; ok {
					t.Errorf("%s sent %s", tt.op, k)
				}
			}
		})
	}
}

func TestDefaultUserAgent(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, body []byte) {
		writeJSON(w, success("true"))
	})
	c := newTestClient(t, f.URL(), func(cfg *Config) { cfg.UserAgent = "" })
	if err := c.RemoveCard(context.Background(), tToken); err != nil {
		t.Fatal(err)
	}
	if ua := f.requests()[0].Header.Get("User-Agent"); !strings.HasPrefix(ua, "terraform-provider-moka") {
		t.Errorf("default User-Agent %q", ua)
	}
}

// TestOddAnswers: answers that are not a clean Moka envelope give an error
// that says what came back, without a secret in it, or decode when they can.
func TestOddAnswers(t *testing.T) {
	full := withCards(tCustomer)
	tests := []struct {
		name      string
		body      string
		wantErr   string // "" = success
		retried   bool
		forbidden string
	}{
		{name: "byte order mark before the JSON", body: "\xef\xbb\xbf" + success(full)},
		{name: "empty body", body: "", wantErr: "an empty body", retried: true},
		{
			// Cut off inside the customer's password, which this read did not send.
			name:    "cut off inside a password",
			body:    success(full)[:strings.Index(success(full), tCustPW)+3],
			wantErr: "not a Moka answer", retried: true, forbidden: tCustPW[:3],
		},
		{name: "larger than any Moka answer", body: `{"Data":"` + strings.Repeat("x", maxBodyBytes) + `"}`, wantErr: "larger than 64 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ string, _ int, _ []byte) {
				writeJSON(w, tt.body)
			})
			logger := &captureLogger{}
			c := newTestClient(t, f.URL(), func(cfg *Config) {
				cfg.Logger = logger
				// Generous: reading the 64 MiB answer takes seconds under -race
				// on a loaded machine, and no case here waits for a timeout.
				cfg.RequestTimeout = time.Minute
			})
			_, err := c.GetCustomer(context.Background(), CustomerRef{DealerCustomerID: 1033})
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("GetCustomer: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("err = %v, want one saying %q", err, tt.wantErr)
			}
			if calls, want := f.count("GetCustomer"), map[bool]int{false: 1, true: 4}[tt.retried]; calls != want {
				t.Errorf("%d calls, want %d", calls, want)
			}
			if tt.forbidden != "" {
				if strings.Contains(err.Error(), tt.forbidden) || strings.Contains(logger.all(), tt.forbidden) {
					t.Errorf("the customer password's start %q is in the error or the log: %v", tt.forbidden, err)
				}
			}
		})
	}
}

func TestNonMokaBodies(t *testing.T) {
	page := `<!DOCTYPE html>
<html><head><title>503 Service Unavailable</title></head>
<body><h1>Service Unavailable</h1>
<p>The server is temporarily unable to service your request due to maintenance downtime or capacity problems. Please try again later.</p>
` + strings.Repeat("<p>padding padding padding</p>\n", 200) + `</body></html>`
	tests := []struct {
		name        string
		status      int
		ctype       string
		body        string
		wantExcerpt string
	}{
		{"HTML 503", 503, "text/html", page, "503 Service Unavailable"},
		{"HTML 502 with control bytes", 502, "text/html", "<h1>Bad\x00\x01 Gateway</h1>\r\n\t\xff\xfe", "Bad Gateway"},
		{"IIS 503 page: its text, not its DOCTYPE", 503, "text/html; charset=us-ascii", iis503, "Service Unavailable HTTP Error 503. The service is unavailable."},
		{"XHTML with entities", 502, "text/html", `<?xml version="1.0"?><html><body><p>Proxy &amp; gateway error &#8212; try later</p></body></html>`, "Proxy & gateway error \u2014 try later"},
		{"empty 504", 504, "text/plain", "", ""},
		{"JSON null", 500, "application/json", "null", "null"},
		{"ASP.NET error object", 500, "application/json", `{"Message":"An error has occurred."}`, `{"Message":"An error has occurred."}`},
		{"404 page", 404, "text/html", "<h1>Not Found</h1>", "Not Found"},
		{"plain text", 502, "text/plain", "upstream connect error or disconnect/reset before headers", "upstream connect error or disconnect/reset before headers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, _ []byte) {
				writeBody(w, tt.status, tt.ctype, tt.body)
			})
			c := newTestClient(t, f.URL(), func(cfg *Config) { cfg.MaxRetries = -1 })
			_, err := c.GetCustomer(context.Background(), CustomerRef{DealerCustomerID: 1})
			var te *TransportError
			if !errors.As(err, &te) {
				t.Fatalf("err = %#v, want *TransportError", err)
			}
			if te.HTTPStatus != tt.status {
				t.Errorf("HTTPStatus %d, want %d", te.HTTPStatus, tt.status)
			}
			if !strings.Contains(err.Error(), fmt.Sprint(tt.status)) {
				t.Errorf("Error() %q does not quote the status", err)
			}
			if !strings.Contains(te.Excerpt, tt.wantExcerpt) {
				t.Errorf("Excerpt %q lacks %q", te.Excerpt, tt.wantExcerpt)
			}
			if tt.wantExcerpt != "" && !strings.Contains(err.Error(), "Service Unavailable") && tt.status == 503 {
				t.Errorf("Error() %q does not quote the page", err)
			}
			if n := utf8.RuneCountInString(te.Excerpt); n > 123 || !utf8.ValidString(te.Excerpt) {
				t.Errorf("Excerpt is %d runes (valid UTF-8: %v): %q", n, utf8.ValidString(te.Excerpt), te.Excerpt)
			}
			if strings.ContainsAny(te.Excerpt, "\x00\r\n\t") {
				t.Errorf("Excerpt has control characters: %q", te.Excerpt)
			}
			if Reason(err) != "" {
				t.Errorf("a non-Moka body has a Reason")
			}
		})
	}
}

// iis503 is what HTTP.sys answers when an IIS application pool is down.
const iis503 = `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">
<HTML><HEAD><TITLE>Service Unavailable</TITLE>
<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>
<BODY><h2>Service Unavailable</h2>
<hr><p>HTTP Error 503. The service is unavailable.</p>
</BODY></HTML>
`

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"0", 0, true},
		{"2", 2 * time.Second, true},
		{" 3 ", 3 * time.Second, true},
		{now.Add(7 * time.Second).Format(http.TimeFormat), 7 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

// TestBackoff: exponential growth from the base delay, capped, with jitter
// that spreads retries over the upper half of each step.
func TestBackoff(t *testing.T) {
	c := &Client{baseDelay: 100 * time.Millisecond, maxDelay: 2 * time.Second}
	plain := errors.New("boom")
	for attempt, ms := range []int{100, 200, 400, 800, 1600, 2000, 2000} {
		ceiling := time.Duration(ms) * time.Millisecond
		seen := map[time.Duration]bool{}
		for range 200 {
			d := c.backoff(attempt, plain)
			if d < ceiling/2 || d > ceiling {
				t.Fatalf("attempt %d: backoff %v outside [%v, %v]", attempt, d, ceiling/2, ceiling)
			}
			seen[d] = true
		}
		if len(seen) < 50 {
			t.Errorf("attempt %d: only %d distinct delays in 200: no jitter", attempt, len(seen))
		}
	}
	if d := c.backoff(1000, plain); d > 2*time.Second || d < time.Second {
		t.Errorf("attempt 1000: %v, want the cap", d)
	}
	// Retry-After wins over the computed delay, and is capped.
	for _, tt := range []struct {
		header string
		want   time.Duration
	}{{"3", 3 * time.Second}, {"0", 0}, {"86400", maxRetryAfter}} {
		if d := c.backoff(0, &TransportError{HTTPStatus: 503, RetryAfter: tt.header}); d != tt.want {
			t.Errorf("Retry-After %q: %v, want %v", tt.header, d, tt.want)
		}
	}
}

// TestClassify: what may be retried, and what may have been acted on.
func TestClassify(t *testing.T) {
	tests := []struct {
		name                 string
		err                  error
		retryable, uncertain bool
	}{
		{"refused dial", &TransportError{Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}}, true, false},
		{"DNS", &TransportError{Err: &net.DNSError{Err: "no such host", Name: "x"}}, true, false},
		{"reset", &TransportError{Err: &net.OpError{Op: "read", Err: errors.New("connection reset by peer")}}, true, true},
		{"timeout", &TransportError{Err: errors.New("no answer within 1s (request_timeout)")}, true, true},
		{"HTML 503", &TransportError{HTTPStatus: 503}, true, true},
		{"HTML 502", &TransportError{HTTPStatus: 502}, true, true},
		{"429", &TransportError{HTTPStatus: http.StatusTooManyRequests}, true, true},
		{"408", &TransportError{HTTPStatus: http.StatusRequestTimeout}, true, true},
		{"404 page", &TransportError{HTTPStatus: 404}, false, false},
		{"401 page", &TransportError{HTTPStatus: 401}, false, false},
		{"cancelled", &TransportError{Err: context.Canceled}, false, true},
		{"EX", newAPIError("AddCustomer", "EX", ""), true, true},
		{"business error", newAPIError("AddCustomer", "DealerCustomer.AddCustomer.CustomerCodeAlreadyUsing", ""), false, false},
		{"InvalidRequest", newAPIError("GetCard", "DealerCustomer.GetCard.InvalidRequest", ""), false, false},
		{"other", errors.New("decoding"), false, false},
	}
	for _, tt := range tests {
		if r, u := Classify(tt.err); r != tt.retryable || u != tt.uncertain {
			t.Errorf("%s: classify = %v, %v; want %v, %v", tt.name, r, u, tt.retryable, tt.uncertain)
		}
	}
}

func TestRetries(t *testing.T) {
	html503 := func(w http.ResponseWriter) {
		writeBody(w, http.StatusServiceUnavailable, "text/html", "<h1>Service Unavailable</h1>")
	}
	ok := func(w http.ResponseWriter) { writeJSON(w, success(withCards(tCustomer))) }
	tests := []struct {
		name       string
		maxRetries int
		answer     func(w http.ResponseWriter, n int)
		wantCalls  int
		wantErr    func(error) bool
	}{
		{
			name: "503 then success", maxRetries: 3,
			answer: func(w http.ResponseWriter, n int) {
				if n == 1 {
					html503(w)
					return
				}
				ok(w)
			},
			wantCalls: 2,
		},
		{
			name: "503 until the budget is spent", maxRetries: 2,
			answer:    func(w http.ResponseWriter, n int) { html503(w) },
			wantCalls: 3,
			wantErr:   func(err error) bool { var te *TransportError; return errors.As(err, &te) && te.HTTPStatus == 503 },
		},
		{
			name: "no retries when MaxRetries is -1", maxRetries: -1,
			answer:    func(w http.ResponseWriter, n int) { html503(w) },
			wantCalls: 1,
			wantErr:   func(err error) bool { var te *TransportError; return errors.As(err, &te) },
		},
		{
			name: "429 is retried", maxRetries: 3,
			answer: func(w http.ResponseWriter, n int) {
				if n == 1 {
					writeBody(w, http.StatusTooManyRequests, "text/plain", "slow down")
					return
				}
				ok(w)
			},
			wantCalls: 2,
		},
		{
			name: "400 page is not retried", maxRetries: 3,
			answer: func(w http.ResponseWriter, n int) {
				writeBody(w, http.StatusBadRequest, "text/html", "<h1>Bad Request</h1>")
			},
			wantCalls: 1,
			wantErr:   func(err error) bool { var te *TransportError; return errors.As(err, &te) && te.HTTPStatus == 400 },
		},
		{
			name: "business error is not retried", maxRetries: 3,
			answer: func(w http.ResponseWriter, n int) {
				writeJSON(w, failure("DealerCustomer.GetCustomer.DealerCustomerNotFound", ""))
			},
			wantCalls: 1,
			wantErr:   IsNotFound,
		},
		{
			name: "InvalidRequest is not retried", maxRetries: 3,
			answer: func(w http.ResponseWriter, n int) {
				writeJSON(w, failure("DealerCustomer.GetCustomer.InvalidRequest", ""))
			},
			wantCalls: 1,
			wantErr:   func(err error) bool { return Reason(err) == ReasonInvalidRequest },
		},
		{
			name: "EX then success", maxRetries: 3,
			answer: func(w http.ResponseWriter, n int) {
				if n == 1 {
					writeJSON(w, failure("EX", "deadlock victim"))
					return
				}
				ok(w)
			},
			wantCalls: 2,
		},
		{
			name: "EX every time", maxRetries: 2,
			answer:    func(w http.ResponseWriter, n int) { writeJSON(w, failure("EX", "boom")) },
			wantCalls: 3,
			wantErr:   func(err error) bool { return Reason(err) == ResultCodeEX },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, _ []byte) {
				tt.answer(w, n)
			})
			c := newTestClient(t, f.URL(), func(cfg *Config) { cfg.MaxRetries = tt.maxRetries })
			_, err := c.GetCustomer(context.Background(), CustomerRef{DealerCustomerID: 1033})
			if tt.wantErr == nil && err != nil {
				t.Errorf("err = %v", err)
			}
			if tt.wantErr != nil && !tt.wantErr(err) {
				t.Errorf("err = %#v, not the expected kind", err)
			}
			if n := f.count("GetCustomer"); n != tt.wantCalls {
				t.Errorf("%d calls, want %d", n, tt.wantCalls)
			}
		})
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	var mu sync.Mutex
	var times []time.Time
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, _ []byte) {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			writeBody(w, http.StatusServiceUnavailable, "text/html", "busy")
			return
		}
		writeJSON(w, success(withCards(tCustomer)))
	})
	// Backoff of its own would be a millisecond or so; only Retry-After explains a second.
	c := newTestClient(t, f.URL())
	if _, err := c.GetCustomer(context.Background(), CustomerRef{DealerCustomerID: 1}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(times) != 2 {
		t.Fatalf("%d calls, want 2", len(times))
	}
	if gap := times[1].Sub(times[0]); gap < 900*time.Millisecond || gap > 3*time.Second {
		t.Errorf("retried after %v, want about the 1s of Retry-After", gap)
	}
}

func TestCancellation(t *testing.T) {
	tests := []struct {
		name   string
		answer func(w http.ResponseWriter, r *http.Request)
	}{
		{"while the server hangs", func(w http.ResponseWriter, r *http.Request) { hang(r) }},
		{"while waiting out Retry-After", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "30")
			writeBody(w, http.StatusServiceUnavailable, "text/plain", "later")
		}},
		{"while waiting out a long backoff", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, failure("EX", ""))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, _ []byte) {
				tt.answer(w, r)
			})
			c := newTestClient(t, f.URL(), func(cfg *Config) {
				cfg.RetryBaseDelay, cfg.RetryMaxDelay = 30*time.Second, time.Minute
			})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() {
				time.Sleep(100 * time.Millisecond)
				cancel()
			}()
			start := time.Now()
			_, err := c.GetCustomer(ctx, CustomerRef{DealerCustomerID: 1})
			if took := time.Since(start); took > 100*time.Millisecond+200*time.Millisecond {
				t.Errorf("returned %v after the start, %v after cancel", took, took-100*time.Millisecond)
			}
			if !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want context.Canceled in the chain", err)
			}
			if n := f.count("GetCustomer"); n != 1 {
				t.Errorf("%d calls, want 1", n)
			}
		})
	}
}

func TestDeadline(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, _ []byte) { hang(r) })
	c := newTestClient(t, f.URL())
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.GetCustomer(ctx, CustomerRef{DealerCustomerID: 1})
	// The answer never comes: anything but an early return hangs until the
	// test's end. The bound is loose on purpose, for a loaded machine.
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("returned after %v", took)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded in the chain", err)
	}
}

func TestRequestTimeoutPerAttempt(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, _ []byte) {
		if n == 1 {
			hang(r)
			return
		}
		writeJSON(w, success(withCards(tCustomer)))
	})
	c := newTestClient(t, f.URL(), func(cfg *Config) { cfg.RequestTimeout = 100 * time.Millisecond })
	if _, err := c.GetCustomer(context.Background(), CustomerRef{DealerCustomerID: 1}); err != nil {
		t.Fatalf("a timed-out attempt was not retried: %v", err)
	}

	f2 := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, _ []byte) { hang(r) })
	c2 := newTestClient(t, f2.URL(), func(cfg *Config) { cfg.RequestTimeout = 50 * time.Millisecond; cfg.MaxRetries = 1 })
	_, err := c2.GetCustomer(context.Background(), CustomerRef{DealerCustomerID: 1})
	var te *TransportError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "request_timeout") {
		t.Errorf("err = %v, want a TransportError naming request_timeout", err)
	}
	if n := f2.count("GetCustomer"); n != 2 {
		t.Errorf("%d calls, want 2", n)
	}
}

// TestCancelDuringSandboxTimeout: Ctrl-C while the sandbox holds a request
// (a timeout fault) or while the client waits to retry ends the call at once.
func TestCancelDuringSandboxTimeout(t *testing.T) {
	srv := testsupport.StartSandbox(t, sandbox.Options{FaultRate: 1, FaultKinds: []sandbox.FaultKind{sandbox.FaultTimeout}, TimeoutHang: time.Minute})
	hc := NewHTTPClient()
	t.Cleanup(hc.CloseIdleConnections)
	c, err := New(Config{BaseURL: srv.URL(), DealerCode: "SANDBOX", Username: "sandbox", Password: "sandbox", HTTPClient: hc,
		MaxRetries: 50, RequestTimeout: 150 * time.Millisecond, RetryBaseDelay: 10 * time.Second, RetryMaxDelay: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	for _, after := range []time.Duration{50 * time.Millisecond, 400 * time.Millisecond} {
		ctx, cancel := context.WithCancel(context.Background())
		timer := time.AfterFunc(after, cancel)
		start := time.Now()
		_, err := c.AddCustomer(ctx, rtCustomer(1))
		took := time.Since(start)
		timer.Stop()
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancel after %v: err = %v, want context.Canceled", after, err)
		}
		if took > after+300*time.Millisecond {
			t.Errorf("cancel after %v: the call returned only after %v", after, took)
		}
	}
	if n := len(srv.Customers()); n != 0 {
		t.Errorf("%d customers stored by held requests", n)
	}
}

// firstAttempt is what happens to the first attempt of a write in the
// lost-answer tests; every kind except "refused" reaches the server and commits.
type firstAttempt string

const (
	firstNone      firstAttempt = "answered"  // no earlier failure
	firstLost      firstAttempt = "lost"      // committed, connection closed without an answer
	firstTruncated firstAttempt = "truncated" // committed, 200 whose body is cut short
	firstEX        firstAttempt = "EX"        // committed, then EX
	firstRefused   firstAttempt = "refused"   // connection refused: the request never left
)

// failFirst plays out kind on w; it reports whether it answered.
func failFirst(t *testing.T, kind firstAttempt, w http.ResponseWriter) bool {
	switch kind {
	case firstLost:
		loseReply(t, w)
	case firstTruncated:
		truncatedReply(t, w)
	case firstEX:
		writeJSON(w, failure("EX", "Transaction (Process ID 66) was deadlocked"))
	default:
		return false
	}
	return true
}

func TestRemoveAfterALostAnswer(t *testing.T) {
	type remover struct {
		op       string
		notFound string
		remove   func(context.Context, *Client) error
	}
	removers := []remover{
		{"RemoveCustomer", "DealerCustomer.RemoveCustomer.DealerCustomerNotFound", func(ctx context.Context, c *Client) error {
			return c.RemoveCustomer(ctx, CustomerRef{DealerCustomerID: 1033})
		}},
		{"RemoveCard", "DealerCustomer.RemoveCard.CardNotFound", func(ctx context.Context, c *Client) error {
			return c.RemoveCard(ctx, tToken)
		}},
		{"RemoveCard", "DealerCustomer.GetCard.CardNotFound", func(ctx context.Context, c *Client) error {
			return c.RemoveCard(ctx, tToken)
		}},
	}
	for _, rm := range removers {
		for _, first := range []firstAttempt{firstLost, firstEX, firstNone} {
			t.Run(rm.notFound+"/"+string(first), func(t *testing.T) {
				f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, _ []byte) {
					if op != rm.op {
						t.Errorf("unexpected %s", op)
					}
					if n == 1 && failFirst(t, first, w) {
						return
					}
					writeJSON(w, failure(rm.notFound, ""))
				})
				err := rm.remove(context.Background(), newTestClient(t, f.URL()))
				if first == firstNone {
					if !IsNotFound(err) {
						t.Errorf("err = %v, want a not-found error when nothing was lost", err)
					}
					return
				}
				if err != nil {
					t.Errorf("err = %v, want nil: the lost attempt removed it", err)
				}
				if n := f.count(rm.op); n != 2 {
					t.Errorf("%d calls, want 2", n)
				}
			})
		}
	}
}

// TestSecretsStayOut drives every path that handles a secret (requests, answers
// that echo them, HTML pages, EX messages, undecodable Data) and then looks for
// the secrets in everything the client logged or returned.
func TestSecretsStayOut(t *testing.T) {
	checkKey := CheckKey(tDealer, tUser, tAPIPW)
	secrets := map[string]string{
		"API password":      tAPIPW,
		"CheckKey":          checkKey,
		"customer password": tCustPW,
		"card number":       tCardNo,
	}
	// A call can only cut out what it knows: the API password and CheckKey always,
	// and the customer password or card number of the request it sends.
	echo := func(extra ...string) string {
		return fmt.Sprintf("<html><body><h1>Runtime Error</h1><pre>user=%s password=%s checkkey=%s %s</pre></body></html>",
			tUser, tAPIPW, checkKey, strings.Join(extra, " "))
	}
	echoMsg := func(extra ...string) string {
		return fmt.Sprintf("System.Data.SqlClient.SqlException: pw %s key %s %s", tAPIPW, checkKey, strings.Join(extra, " "))
	}
	pin, card := "pin="+tCustPW, "card="+tCardNo
	badData := `{"DealerCustomer":{"DealerCustomerId":"` + tCardNo + `x","Password":"` + tCustPW + `"}}`

	f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, _ []byte) {
		switch {
		case op == "AddCustomer" && n == 1:
			writeBody(w, 503, "text/html", echo(pin))
		case op == "AddCustomer" && n == 2:
			writeJSON(w, failure("EX", echoMsg(pin)))
		case op == "AddCustomer":
			writeJSON(w, success(withCards(tCustomer)))
		case op == "AddCustomerWithCard" && n == 1:
			writeBody(w, 500, "application/json", `{"Message":"An error has occurred.","ExceptionMessage":"`+echoMsg(pin, card)+`"}`)
		case op == "AddCustomerWithCard":
			writeJSON(w, failure("DealerCustomer.AddCustomerWithCard.InvalidRequest", echoMsg(pin, card)))
		case op == "UpdateCustomer":
			writeJSON(w, failure("DealerCustomer.UpdateCustomer.InvalidRequest", echoMsg(pin)))
		case op == "AddCard" && n == 1:
			writeJSON(w, failure("EX", echoMsg(card)))
		case op == "AddCard" && n == 2:
			writeBody(w, 502, "text/html", echo(card))
		case op == "AddCard":
			writeJSON(w, success(badData))
		case op == "GetCardList":
			writeJSON(w, success(withCards(tCustomer)))
		case op == "GetCustomer":
			writeJSON(w, success(withCards(tCustomer, tCard)))
		case op == "GetCustomerList":
			writeJSON(w, success(`{"DealerCustomerListCount":1,"DealerCustomerList":[`+mustJSON(customerJSON(tCustomer))+`]}`))
		default:
			writeJSON(w, success(withCards(tCustomer, tCard)))
		}
	})
	logger := &captureLogger{}
	c := newTestClient(t, f.URL(), func(cfg *Config) { cfg.Logger = logger; cfg.MaxRetries = 2 })
	ctx := context.Background()

	var errs []error
	collect := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	_, err := c.AddCustomer(ctx, tCustomer)
	collect(err)
	_, err = c.AddCustomerWithCard(ctx, tCustomer, tNewCard)
	collect(err)
	_, err = c.UpdateCustomer(ctx, CustomerUpdate{Customer: tCustomer})
	collect(err)
	_, err = c.AddCard(ctx, tNewCard)
	collect(err)
	_, err = c.GetCustomer(ctx, CustomerRef{DealerCustomerID: 1033})
	collect(err)
	_, err = c.GetCustomerList(ctx)
	collect(err)

	// The HTML page went through the excerpt with the password cut out.
	excerptSeen := false
	for _, err := range errs {
		var te *TransportError
		if errors.As(err, &te) && strings.Contains(te.Excerpt, "Runtime Error") {
			excerptSeen = true
			if !strings.Contains(te.Excerpt, "password=***") {
				t.Errorf("excerpt %q does not show the redaction", te.Excerpt)
			}
		}
	}
	if len(errs) < 3 {
		t.Errorf("only %d errors came back; the scenario is broken: %v", len(errs), errs)
	}

	var everything strings.Builder
	everything.WriteString(logger.all())
	for _, err := range errs {
		fmt.Fprintf(&everything, "\n%v\n%+v\n%#v\n", err, err, err)
		for e := err; e != nil; e = errors.Unwrap(e) {
			fmt.Fprintf(&everything, "%v\n", e)
		}
		var te *TransportError
		if errors.As(err, &te) {
			everything.WriteString(te.Excerpt + "\n")
		}
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			fmt.Fprintf(&everything, "%s %s\n", apiErr.ResultCode, apiErr.Message)
		}
	}
	all := everything.String()
	if !strings.Contains(all, "AddCustomer") || !strings.Contains(all, masked) {
		t.Fatalf("the logger saw nothing useful:\n%s", all)
	}
	for what, secret := range secrets {
		if i := strings.Index(all, secret); i >= 0 {
			lo, hi := max(i-200, 0), min(i+len(secret)+50, len(all))
			t.Errorf("the %s appears in a log line or error: ...%s...", what, all[lo:hi])
		}
	}
	if !excerptSeen {
		// AddCustomer's HTML page is retried away; check the excerpt path directly.
		_, err := decodeEnvelope("AddCustomer", 503, "", []byte(echo(pin, card)), []string{tAPIPW, checkKey, tCustPW, tCardNo})
		var te *TransportError
		if !errors.As(err, &te) {
			t.Fatalf("err = %v", err)
		}
		if strings.Contains(te.Excerpt, tAPIPW) || !strings.Contains(te.Excerpt, "password=***") {
			t.Errorf("excerpt %q", te.Excerpt)
		}
	}
}

func TestHTMLPageEchoingThePasswordIsRedacted(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, _ []byte) {
		writeBody(w, 503, "text/html", "<html><title>Error</title><body>Login for "+tUser+" with password "+tAPIPW+" failed</body></html>")
	})
	c := newTestClient(t, f.URL(), func(cfg *Config) { cfg.MaxRetries = -1 })
	_, err := c.GetCustomerList(context.Background())
	var te *TransportError
	if !errors.As(err, &te) {
		t.Fatalf("err = %#v", err)
	}
	if strings.Contains(err.Error(), tAPIPW) || strings.Contains(te.Excerpt, tAPIPW) {
		t.Errorf("the API password is in the error: %v", err)
	}
	if !strings.Contains(te.Excerpt, "with password *** failed") {
		t.Errorf("excerpt %q", te.Excerpt)
	}

	// Markup or entities inside the secret must not let it through either.
	for _, page := range []string{
		"<p>pw=s3cr3t&#45;api-pw</p>",
		"<p>pw=s3cr3t&#x2d;api&#x2D;pw</p>",
		"<p>pw=<!-- -->s3cr3t-api-pw</p>",
		"<p>pw=s3cr3t-api-pw</p>",
	} {
		_, err := decodeEnvelope("Op", 503, "", []byte(page), []string{tAPIPW})
		if errors.As(err, &te); strings.Contains(te.Excerpt, tAPIPW) || strings.Contains(err.Error(), tAPIPW) {
			t.Errorf("%s: excerpt %q", page, te.Excerpt)
		}
	}
}

func TestConcurrentGetCustomer(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, body []byte) {
		var req struct {
			DealerCustomerRequest struct{ DealerCustomerId int64 }
		}
		if err := json.Unmarshal(body, &req); err != nil {
			t.Errorf("bad request: %v", err)
		}
		cust := tCustomer
		cust.DealerCustomerID = req.DealerCustomerRequest.DealerCustomerId
		cust.CustomerCode = fmt.Sprintf("C-%d", cust.DealerCustomerID)
		if cust.DealerCustomerID%7 == 0 && n%2 == 1 {
			writeBody(w, 503, "text/html", "busy")
			return
		}
		writeJSON(w, success(withCards(cust, tCard)))
	})
	logger := &captureLogger{}
	c := newTestClient(t, f.URL(), func(cfg *Config) { cfg.Logger = logger; cfg.MaxRetries = 10 })
	const n = 50
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 1; i <= n; i++ {
		wg.Add(1)
		go func(id int64) {
			defer wg.Done()
			got, err := c.GetCustomer(context.Background(), CustomerRef{DealerCustomerID: id})
			switch {
			case err != nil:
				errs <- err
			case got.Customer.DealerCustomerID != id || got.Customer.CustomerCode != fmt.Sprintf("C-%d", id):
				errs <- fmt.Errorf("asked for %d, got %+v", id, got.Customer)
			}
		}(int64(i))
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := f.count("GetCustomer"); got < n {
		t.Errorf("%d calls for %d goroutines", got, n)
	}
}

// Call goes through the one request path and gives the answer's Data as Moka
// sent it, nulls and unknown fields included; a failure is the typed error,
// with the secrets of the request masked.
func TestCallGivesDataAsSent(t *testing.T) {
	tests := []struct {
		name       string
		answer     string
		wantData   string
		wantReason string
	}{
		{"success", success(`{"DealerCustomer":{"FirstName":null,"MasterCode":"M"},"CardList":null}`), `{"DealerCustomer":{"FirstName":null,"MasterCode":"M"},"CardList":null}`, ""},
		{"failure", failure("DealerCustomer.UpdateCard.CardNotFound", "no card PIN-9"), "", ReasonCardNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, body []byte) {
				writeJSON(w, tt.answer)
			})
			c := newTestClient(t, f.URL())
			data, err := c.Call(context.Background(), "UpdateCard", map[string]any{"CardToken": tToken, "CardName": "PIN-9"}, "PIN-9")
			if Reason(err) != tt.wantReason {
				t.Fatalf("err = %v, want reason %q", err, tt.wantReason)
			}
			if err != nil && strings.Contains(err.Error(), "PIN-9") {
				t.Errorf("the error shows a secret: %v", err)
			}
			if string(data) != tt.wantData {
				t.Errorf("data %s, want %s", data, tt.wantData)
			}
			if reqs := f.requests(); len(reqs) != 1 || reqs[0].Op != "UpdateCard" {
				t.Errorf("requests %+v", reqs)
			}
		})
	}
}

// echoCustomer is the Data of an UpdateCustomer that did what body asked: the
// customer with the fields sent, and nothing in those sent empty or left out.
func echoCustomer(t *testing.T, body []byte) string {
	t.Helper()
	var req struct {
		DealerCustomerRequest map[string]any
	}
	if err := json.Unmarshal(body, &req); err != nil {
		t.Fatalf("request body: %v", err)
	}
	cust := map[string]any{"DealerCustomerId": 1033}
	for k, v := range req.DealerCustomerRequest {
		if v != nil {
			cust[k] = v
		}
	}
	return mustJSON(map[string]any{"DealerCustomer": cust, "CardListCount": 0, "CardList": []any{}})
}

// renamedCards is data with every card named as body's UpdateCard asked.
func renamedCards(t *testing.T, data string, body []byte) string {
	t.Helper()
	var req struct{ DealerCustomerRequest struct{ CardName string } }
	var v map[string]any
	if err := json.Unmarshal(body, &req); err != nil || json.Unmarshal([]byte(data), &v) != nil {
		t.Fatalf("renamedCards: %v", err)
	}
	cards, _ := v["CardList"].([]any)
	for _, c := range cards {
		if card, ok := c.(map[string]any); ok {
			card["CardName"] = req.DealerCustomerRequest.CardName
		}
	}
	return mustJSON(v)
}
