package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/terraform-moka/terraform-provider-moka/internal/mokaseeds"
)

// The tests talk to the sandbox over real HTTP on loopback, the way the
// client will.

// Test cards from MOKA-API.md (expiry 12/2030).
const (
	akbankCard = "5127541122223332"
	troyCard   = "9792061122223337"
	otherCard  = "4531441122223338"
)

var fixedNow = time.Date(2026, time.June, 15, 12, 0, 0, 0, time.UTC)

type harness struct {
	t      testing.TB
	s      *Server
	url    string
	tr     *http.Transport
	client *http.Client
}

// newHarness starts a sandbox (clock fixed at fixedNow) and a client with its
// own transport; both are closed when the test ends.
func newHarness(t testing.TB, opts Options) *harness {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	s.now = func() time.Time { return fixedNow }
	url, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	tr := &http.Transport{}
	h := &harness{t: t, s: s, url: url, tr: tr, client: &http.Client{Transport: tr, Timeout: 20 * time.Second}}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return h
}

func validAuth(o Options) map[string]any {
	if o.DealerCode == "" {
		o.DealerCode, o.Username, o.Password = "SANDBOX", "sandbox", "sandbox"
	}
	return map[string]any{
		"DealerCode": o.DealerCode,
		"Username":   o.Username,
		"Password":   o.Password,
		"CheckKey":   checkKeyFor(o.DealerCode, o.Username, o.Password),
	}
}

// body builds a request body with the default account's valid auth block;
// req == nil leaves DealerCustomerRequest out.
func body(req any) []byte {
	m := map[string]any{"DealerCustomerAuthentication": validAuth(Options{})}
	if req != nil {
		m["DealerCustomerRequest"] = req
	}
	return mustJSON(m)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

type answer struct {
	Status        int
	ContentType   string
	Raw           []byte
	Data          json.RawMessage
	ResultCode    string
	ResultMessage string
	Exception     json.RawMessage
}

func (h *harness) post(op string, b []byte) (*http.Response, []byte, error) {
	return postOp(h.client, h.url, op, b)
}

// postOp posts body b to operation op of the sandbox at baseURL and reads the
// whole answer.
func postOp(client *http.Client, baseURL, op string, b []byte) (*http.Response, []byte, error) {
	resp, err := client.Post(baseURL+"/DealerCustomer/"+op, "application/json", bytes.NewReader(b))
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp, raw, err
}

// raw posts a body and decodes the envelope, failing the test unless it is a
// well-formed HTTP 200 JSON envelope.
func (h *harness) raw(op string, b []byte) answer {
	h.t.Helper()
	resp, raw, err := h.post(op, b)
	if err != nil {
		h.t.Fatalf("%s: %v", op, err)
	}
	a := answer{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Raw: raw}
	if a.Status != http.StatusOK || a.ContentType != "application/json; charset=utf-8" {
		h.t.Fatalf("%s: HTTP %d %q: %s", op, a.Status, a.ContentType, raw)
	}
	if err := a.decodeEnvelope(); err != nil {
		h.t.Fatalf("%s: %v: %s", op, err, raw)
	}
	return a
}

// decodeEnvelope fills a's envelope fields from a.Raw, or says how it is not
// the envelope every call answers with: one JSON object of exactly Data,
// ResultCode, ResultMessage and Exception, the two texts strings, Exception
// null, and Data null unless the call succeeded.
func (a *answer) decodeEnvelope() error {
	var env map[string]json.RawMessage
	if err := json.Unmarshal(a.Raw, &env); err != nil {
		return fmt.Errorf("answer is not one JSON object: %w", err)
	}
	for _, k := range []string{"Data", "ResultCode", "ResultMessage", "Exception"} {
		if _, ok := env[k]; !ok {
			return fmt.Errorf("answer has no %s", k)
		}
	}
	if len(env) != 4 {
		return errors.New("answer has extra keys")
	}
	a.Data, a.Exception = env["Data"], env["Exception"]
	if json.Unmarshal(env["ResultCode"], &a.ResultCode) != nil || json.Unmarshal(env["ResultMessage"], &a.ResultMessage) != nil {
		return errors.New("ResultCode or ResultMessage is not a string")
	}
	if string(a.Exception) != "null" {
		return fmt.Errorf("Exception is %s", a.Exception)
	}
	if a.ResultCode != "Success" && string(a.Data) != "null" {
		return fmt.Errorf("failed with Data %s", a.Data)
	}
	return nil
}

func (h *harness) call(op string, req any) answer {
	h.t.Helper()
	return h.raw(op, body(req))
}

// ok calls and fails the test unless the answer is Success; it decodes Data into out (if non-nil).
func (h *harness) ok(op string, req any, out any) answer {
	h.t.Helper()
	a := h.call(op, req)
	if a.ResultCode != "Success" {
		h.t.Fatalf("%s: %s %q, want Success", op, a.ResultCode, a.ResultMessage)
	}
	if out != nil {
		if err := json.Unmarshal(a.Data, out); err != nil {
			h.t.Fatalf("%s: Data: %v: %s", op, err, a.Data)
		}
	}
	return a
}

// Decoded Data shapes.

// cardOut is a Card as the API shows it.
type cardOut struct {
	CardToken          string
	CardName           string
	BankName           string
	CardNumberFirstSix string
	CardNumberLastFour string
	CardHolderFullName string
	ExpMonth           string
	ExpYear            string
}
type cwc struct {
	DealerCustomer Customer
	CardListCount  int
	CardList       []cardOut
}

type list struct {
	DealerCustomerListCount int
	DealerCustomerList      []Customer
}

func (h *harness) addCustomer(code string) Customer {
	h.t.Helper()
	var d cwc
	h.ok("AddCustomer", map[string]any{"CustomerCode": code, "FirstName": "Ali"}, &d)
	return d.DealerCustomer
}

func (h *harness) addCard(id int64, number, name string) cardOut {
	h.t.Helper()
	var d cwc
	h.ok("AddCard", map[string]any{
		"DealerCustomerId": id, "CardHolderFullName": "Ali Veli", "CardNumber": number,
		"ExpMonth": "12", "ExpYear": "2030", "CardName": name,
	}, &d)
	if d.CardListCount != 1 || len(d.CardList) != 1 {
		h.t.Fatalf("AddCard: %d cards, want 1", d.CardListCount)
	}
	return d.CardList[0]
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readSeed is a sample of Moka's seed pages (internal/mokaseeds).
func readSeed(t testing.TB, name string) []byte {
	t.Helper()
	b, err := mokaseeds.Read(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withValidAuth replaces a seed request's placeholder authentication block.
func withValidAuth(t testing.TB, seed []byte) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(seed, &m); err != nil {
		t.Fatal(err)
	}
	auth, _ := json.Marshal(validAuth(Options{}))
	m["DealerCustomerAuthentication"] = auth
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func compact(t testing.TB, b []byte) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatalf("compact: %v: %s", err, b)
	}
	return buf.String()
}

func runes(r string, n int) string { return strings.Repeat(r, n) }

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

func mustRequest(method, path string, b []byte) *http.Request {
	r := httptest.NewRequest(method, path, bytes.NewReader(b))
	r.Header.Set("Content-Type", "application/json")
	return r
}
