package moka

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/terraform-moka/terraform-provider-moka/internal/mokaseeds"
	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// The test kit of this package: fixtures, a fake Moka that each test scripts,
// and clients for the sandbox.

// Distinctive values, so a leak is easy to spot in a log line or an error.
const (
	tDealer    = "SANDBOX"
	tUser      = "sandbox"
	tAPIPW     = "s3cr3t-api-pw"
	tCustPW    = "PIN-4417"
	tCardNo    = "5127541122223332"
	tToken     = "51937236-82e0-4637-a8f5-2e1ec56ec870"
	tUserAgent = "terraform-provider-moka/test"
)

var (
	tCustomer = Customer{
		DealerCustomerID: 1033,
		CustomerCode:     "C-1",
		Password:         tCustPW,
		FirstName:        "Elif",
		LastName:         "Yetimoğlu",
		Gender:           GenderFemale,
		BirthDate:        "1990-12-18",
		GsmNumber:        "5301111111",
		Email:            "elif.y@moka.com",
		Address:          "TAŞDELEN",
	}
	tCard = Card{
		CardToken:          tToken,
		CardName:           "Bonus kartım",
		BankName:           "AKBANK",
		CardNumberFirstSix: "512754",
		CardNumberLastFour: "3332",
		CardHolderFullName: "Elif Yetimoğlu",
		ExpMonth:           "12",
		ExpYear:            "2030",
	}
	tNewCard = NewCard{
		Customer:           CustomerRef{DealerCustomerID: 1033},
		CardHolderFullName: "Elif Yetimoğlu",
		CardNumber:         tCardNo,
		ExpMonth:           "12",
		ExpYear:            "2030",
		CardName:           "Bonus kartım",
	}
)

// tNewCardFields is tNewCard as its request sends it.
var tNewCardFields = map[string]any{
	"CardHolderFullName": "Elif Yetimoğlu",
	"CardNumber":         tCardNo,
	"ExpMonth":           "12",
	"ExpYear":            "2030",
	"CardName":           "Bonus kartım",
}

// rtClient is a client for srv with a short per-attempt timeout and a large,
// fast retry budget, on a transport of its own that the test closes.
func rtClient(t *testing.T, srv *sandbox.Server, password string) *Client {
	t.Helper()
	hc := NewHTTPClient()
	t.Cleanup(hc.CloseIdleConnections)
	c, err := New(Config{
		BaseURL:        srv.URL(),
		DealerCode:     "SANDBOX",
		Username:       "sandbox",
		Password:       password,
		HTTPClient:     hc,
		MaxRetries:     12,
		RequestTimeout: 400 * time.Millisecond,
		RetryBaseDelay: 5 * time.Millisecond,
		RetryMaxDelay:  100 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// rtCustomer and rtCard are the i-th customer and card of the tests that run
// many of them against the sandbox; their card numbers pass the Luhn check.
func rtCustomer(i int) Customer {
	return Customer{
		CustomerCode: fmt.Sprintf("RT-%03d", i),
		Password:     fmt.Sprintf("PIN-%04d", i),
		FirstName:    "Şükrü",
		LastName:     fmt.Sprintf("Öztürk %d", i),
		Gender:       GenderMale,
		BirthDate:    "1985-12-31",
		GsmNumber:    fmt.Sprintf("5320%06d", i),
		Email:        fmt.Sprintf("sukru.%d@example.com.tr", i),
		Address:      fmt.Sprintf("İstiklal Cd. %d, Beyoğlu", i),
	}
}

func rtCard(i int) NewCard {
	return NewCard{
		Customer:           CustomerRef{CustomerCode: fmt.Sprintf("RT-%03d", i)},
		CardHolderFullName: fmt.Sprintf("Şükrü Öztürk %d", i),
		CardNumber:         testsupport.CardNumber("512754", i, 16),
		ExpMonth:           "12",
		ExpYear:            "2030",
		CardName:           fmt.Sprintf("Kartım %d", i),
	}
}

// seenRequest is one request the fake server received.
type seenRequest struct {
	Method string
	Path   string
	Op     string
	Header http.Header
	Body   []byte
}

// handlerFunc answers one request; n counts the calls of op so far, from 1.
type handlerFunc func(w http.ResponseWriter, r *http.Request, op string, n int, body []byte)

// fakeMoka is an httptest.Server that records what it is sent and lets each
// test script the answers. It is not a model of Moka; the sandbox is.
type fakeMoka struct {
	srv    *httptest.Server
	mu     sync.Mutex
	reqs   []seenRequest
	counts map[string]int
}

func newFake(t *testing.T, h handlerFunc) *fakeMoka {
	t.Helper()
	f := &fakeMoka{counts: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		op := strings.TrimPrefix(r.URL.Path, "/DealerCustomer/")
		f.mu.Lock()
		f.counts[op]++
		n := f.counts[op]
		f.reqs = append(f.reqs, seenRequest{Method: r.Method, Path: r.URL.Path, Op: op, Header: r.Header.Clone(), Body: body})
		f.mu.Unlock()
		h(w, r, op, n, body)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeMoka) URL() string { return f.srv.URL }

func (f *fakeMoka) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.counts[op]
}

func (f *fakeMoka) requests() []seenRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seenRequest(nil), f.reqs...)
}

func newTestClient(t *testing.T, baseURL string, mods ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		BaseURL:        baseURL,
		DealerCode:     tDealer,
		Username:       tUser,
		Password:       tAPIPW,
		UserAgent:      tUserAgent,
		MaxRetries:     3,
		RequestTimeout: 5 * time.Second,
		RetryBaseDelay: time.Millisecond,
		RetryMaxDelay:  5 * time.Millisecond,
	}
	for _, m := range mods {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func writeBody(w http.ResponseWriter, status int, contentType, body string) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func writeJSON(w http.ResponseWriter, body string) {
	writeBody(w, http.StatusOK, "application/json; charset=utf-8", body)
}

func success(data string) string {
	return `{"Data":` + data + `,"ResultCode":"Success","ResultMessage":"","Exception":null}`
}

func failure(code, message string) string {
	m, _ := json.Marshal(message)
	return `{"Data":null,"ResultCode":"` + code + `","ResultMessage":` + string(m) + `,"Exception":null}`
}

// customerJSON is c as Moka sends it, its date in Moka's YYYYMMDD.
func customerJSON(c Customer) map[string]any {
	return map[string]any{
		"DealerCustomerId": c.DealerCustomerID,
		"CustomerCode":     c.CustomerCode,
		"Password":         c.Password,
		"FirstName":        c.FirstName,
		"LastName":         c.LastName,
		"Gender":           int(c.Gender),
		"BirthDate":        strings.ReplaceAll(c.BirthDate, "-", ""),
		"GsmNumber":        c.GsmNumber,
		"Email":            c.Email,
		"Address":          c.Address,
	}
}

func cardJSON(c Card) map[string]any {
	return map[string]any{
		"CardToken":          c.CardToken,
		"CardName":           c.CardName,
		"BankName":           c.BankName,
		"CardNumberFirstSix": c.CardNumberFirstSix,
		"CardNumberLastFour": c.CardNumberLastFour,
		"CardHolderFullName": c.CardHolderFullName,
		"ExpMonth":           c.ExpMonth,
		"ExpYear":            c.ExpYear,
	}
}

// withCards is the Data of a CustomerWithCard answer.
func withCards(c Customer, cards ...Card) string {
	list := make([]any, 0, len(cards))
	for _, card := range cards {
		list = append(list, cardJSON(card))
	}
	b, err := json.Marshal(map[string]any{
		"DealerCustomer": customerJSON(c),
		"CardListCount":  len(cards),
		"CardList":       list,
	})
	if err != nil {
		panic(err)
	}
	return string(b)
}

// loseReply takes the connection away from net/http and closes it without a
// word: the request arrived, whatever it did is done, and the answer is lost.
func loseReply(t *testing.T, w http.ResponseWriter) {
	conn := hijack(t, w)
	_ = conn.Close()
}

// truncatedReply sends a 200 whose body stops half way, then closes.
func truncatedReply(t *testing.T, w http.ResponseWriter) {
	conn := hijack(t, w)
	_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 1000\r\n\r\n{\"Data\":{\"DealerCustomer\":{")
	_ = conn.Close()
}

func hijack(t *testing.T, w http.ResponseWriter) net.Conn {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Errorf("response writer cannot be hijacked")
		panic(http.ErrAbortHandler)
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		panic(http.ErrAbortHandler)
	}
	_ = buf.Flush()
	return conn
}

// hang holds the request until the client goes away (or a long while passes).
func hang(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(10 * time.Second):
	}
}

// captureLogger keeps every log line, formatted every way a sink might.
type captureLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *captureLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf("%s %v %#v", msg, fields, fields))
}

func (l *captureLogger) all() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// readSeed is a sample of Moka's seed pages (internal/mokaseeds).
func readSeed(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := mokaseeds.Read(name)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func requestBlock(t *testing.T, body []byte) (map[string]json.RawMessage, map[string]any) {
	t.Helper()
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		t.Fatalf("request body is not a JSON object: %v\n%s", err, body)
	}
	var req map[string]any
	if raw, ok := top["DealerCustomerRequest"]; ok {
		if err := json.Unmarshal(raw, &req); err != nil {
			t.Fatalf("DealerCustomerRequest is not an object: %v", err)
		}
	}
	return top, req
}

func keys[M ~map[string]V, V any](m M) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// merge is one map holding the keys of all of ms, the last one's value winning.
func merge(ms ...map[string]any) map[string]any {
	out := map[string]any{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// AddCardSettled (exported for the moka_test package too) is AddCard as an apply and the next ones do it: a create
// left pending (a timed-out AddCard may still land, so it is not sent again)
// is looked for, and stored again only when it is not there.
func AddCardSettled(ctx context.Context, c *Client, card NewCard) (*CardWithCustomer, error) {
	for apply := 0; ; apply++ {
		got, err := c.AddCard(ctx, card)
		claim := PendingClaim(err)
		if claim == "" || apply == 10 {
			return got, err
		}
		found, ours, ferr := c.FindClaimedCard(ctx, card.Customer, claim)
		if ferr == nil && ours {
			return found, nil
		}
	}
}
