package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// longText is what the text rows write: 47 characters, mixed case, shaped
// like the provider's claim marks, longer than the 40 that truncate-text
// keeps and within the limits of Address (200) and CardName (50).
const longText = "a1B2c3D4e5F6a7 tfmoka 20261207102644 Mixed-Case"

// Where the text rows read longText back.
const (
	readAddCard      = "AddCard's answer"
	readCardList     = "GetCardList"
	readGetCard      = "GetCard"
	readGetCustomer  = "GetCustomer"
	readCustomerList = "GetCustomerList"
)

// textRead is one read of longText: the value, or that the field was missing.
type textRead struct {
	where   string
	value   string
	missing bool
}

type textRoundTripResult struct {
	reads []textRead
	err   error
}

// textRoundTrip writes longText into a customer's Address and a card's
// CardName, and reads it back wherever an answer shows it. It runs once per
// session; truncate-text, upper-case-text and lists-omit-fields each settle
// their own question from its reads.
func (s *session) textRoundTrip(ctx context.Context) ([]textRead, error) {
	if r, ok := s.cache["text"].(textRoundTripResult); ok {
		return r.reads, r.err
	}
	reads, err := s.doTextRoundTrip(ctx)
	s.cache["text"] = textRoundTripResult{reads, err}
	return reads, err
}

func (s *session) doTextRoundTrip(ctx context.Context) ([]textRead, error) {
	code, id, err := s.addCustomer(ctx, "TEXT", map[string]any{"Address": longText})
	if err != nil {
		return nil, err
	}
	data, tokens, err := s.addCardData(ctx, code, testCard, "12", "2030", longText)
	if err != nil {
		return nil, err
	}
	if len(tokens) == 0 {
		return nil, fmt.Errorf("the AddCard answer shows no card")
	}
	token := tokens[len(tokens)-1]
	var reads []textRead
	field := func(where string, obj map[string]json.RawMessage, name string) {
		raw, ok := obj[name]
		reads = append(reads, textRead{where: where, value: text(raw), missing: !ok})
	}
	cardIn := func(where string, data json.RawMessage) error {
		var v struct {
			CardList []map[string]json.RawMessage `json:"CardList"`
		}
		if err := json.Unmarshal(data, &v); err != nil {
			return fmt.Errorf("%s: the answer is not a customer with cards: %s", where, shortJSON(data))
		}
		for _, c := range v.CardList {
			if moka.NormalizeCardToken(text(c["CardToken"])) == moka.NormalizeCardToken(token) {
				field(where, c, "CardName")
				return nil
			}
		}
		return fmt.Errorf("%s does not show the card just stored", where)
	}
	if data != nil { // nil: the answer was lost, and the card found by a read
		if err := cardIn(readAddCard, data); err != nil {
			return nil, err
		}
	}
	list, err := s.call(ctx, "GetCardList", map[string]any{"CustomerCode": code})
	if err != nil {
		return nil, err
	}
	if err := cardIn(readCardList, list); err != nil {
		return nil, err
	}
	one, err := s.call(ctx, "GetCard", map[string]any{"CardToken": token})
	if err != nil {
		return nil, err
	}
	if err := cardIn(readGetCard, one); err != nil {
		return nil, err
	}
	got, err := s.customer(ctx, code)
	if err != nil {
		return nil, err
	}
	field(readGetCustomer, got, "Address")
	all, err := s.call(ctx, "GetCustomerList", nil)
	if err != nil {
		return nil, err
	}
	var v struct {
		DealerCustomerList []map[string]json.RawMessage `json:"DealerCustomerList"`
	}
	if err := json.Unmarshal(all, &v); err != nil {
		return nil, fmt.Errorf("the GetCustomerList answer is not a list of customers: %s", shortJSON(all))
	}
	found := false
	for _, c := range v.DealerCustomerList {
		if cid, err := customerIDOf(c); err == nil && cid == id {
			field(readCustomerList, c, "Address")
			found = true
		}
	}
	if !found {
		return nil, fmt.Errorf("GetCustomerList does not list DealerCustomerId %d", id)
	}
	return reads, nil
}

func customerIDOf(c map[string]json.RawMessage) (int64, error) {
	var n json.Number
	if err := json.Unmarshal(c["DealerCustomerId"], &n); err != nil {
		return 0, err
	}
	return n.Int64()
}

// describeReads describes the reads that carried the text by what: in one
// phrase when all agree, else read by read.
func describeReads(reads []textRead, what func(textRead) string) string {
	var parts []string
	var first string
	same := true
	for _, r := range reads {
		if r.missing {
			continue
		}
		d := what(r)
		if first == "" {
			first = d
		} else if d != first {
			same = false
		}
		parts = append(parts, r.where+": "+d)
	}
	if len(parts) == 0 {
		return "no answer shows the text"
	}
	if same {
		return first
	}
	return strings.Join(parts, "; ")
}

type birthDateResult struct {
	form, raw string
	err       error
}

// dotNetDate is 1992-04-23 as .NET's JSON date of its midnight UTC.
var dotNetDate = regexp.MustCompile(`^/Date\(703987200000([+-][0-9]{4})?\)/$`)

// birthDateForm stores BirthDate 19920423 and names the form GetCustomer
// answers it in: "YYYYMMDD", "DD.MM.YYYY", "/Date(ms)/", or "" with the raw
// value. It runs once per session for both date rows.
func (s *session) birthDateForm(ctx context.Context) (form, raw string, err error) {
	if r, ok := s.cache["birth"].(birthDateResult); ok {
		return r.form, r.raw, r.err
	}
	form, raw, err = s.doBirthDateForm(ctx)
	s.cache["birth"] = birthDateResult{form, raw, err}
	return form, raw, err
}

func (s *session) doBirthDateForm(ctx context.Context) (string, string, error) {
	code, _, err := s.addCustomer(ctx, "BIRTH", map[string]any{"BirthDate": "19920423"})
	if err != nil {
		return "", "", err
	}
	got, err := s.customer(ctx, code)
	if err != nil {
		return "", "", err
	}
	raw := shown(got, "BirthDate")
	switch v := text(got["BirthDate"]); {
	case v == "19920423":
		return "YYYYMMDD", raw, nil
	case v == "23.04.1992":
		return "DD.MM.YYYY", raw, nil
	case dotNetDate.MatchString(v):
		return "/Date(ms)/", raw, nil
	}
	return "", raw, nil
}

// removeCustomer removes a customer of this run; NotFound after an attempt
// whose answer was lost means that attempt removed it.
func (s *session) removeCustomer(ctx context.Context, id int64, code string) error {
	_, uncertain, err := s.callTracked(ctx, "RemoveCustomer", map[string]any{"DealerCustomerId": id, "CustomerCode": code})
	if err != nil && uncertain && moka.IsNotFound(err) {
		return nil
	}
	return err
}

func sameTokens(a, b []string) bool {
	norm := func(ts []string) []string {
		out := make([]string, len(ts))
		for i, t := range ts {
			out[i] = moka.NormalizeCardToken(t)
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(norm(a), norm(b))
}

// errNotObserved is a behaviour the run had no occasion to see; such a row
// neither passes nor fails the run.
var errNotObserved = errors.New("not observed")

// exWatch is the run's HTTP transport: it passes every answer through
// unchanged and notes where each EX answer carried its text. Moka answers EX
// only when something goes wrong on its side, so the run can only watch for
// one, never provoke it.
type exWatch struct {
	base http.RoundTripper

	mu                                sync.Mutex
	inMessage, inException, elsewhere int
	sample                            string
}

func (w *exWatch) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := w.base.RoundTrip(r)
	if err != nil || resp.Body == nil {
		return resp, err
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	_ = resp.Body.Close()
	if rerr != nil {
		// The body's reader gets the read error, where the client meets it.
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{rerr}))
		return resp, nil //nolint:nilerr // see above
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	w.note(body)
	return resp, nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func (w *exWatch) note(body []byte) {
	var env struct {
		ResultCode    string          `json:"ResultCode"`
		ResultMessage *string         `json:"ResultMessage"`
		Exception     json.RawMessage `json:"Exception"`
	}
	if json.Unmarshal(body, &env) != nil || env.ResultCode != moka.ResultCodeEX {
		return
	}
	var exception string
	exceptionIsText := json.Unmarshal(env.Exception, &exception) == nil && exception != ""
	message := env.ResultMessage != nil && *env.ResultMessage != ""
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case message && !exceptionIsText && (len(env.Exception) == 0 || string(env.Exception) == "null"):
		w.inMessage++
	case exceptionIsText && !message:
		w.inException++
	default:
		w.elsewhere++
		if w.sample == "" {
			w.sample = fmt.Sprintf("ResultMessage %s, Exception %s", shownPtr(env.ResultMessage), shortJSON(env.Exception))
		}
	}
}

func shownPtr(p *string) string {
	if p == nil {
		return "absent"
	}
	b, _ := json.Marshal(*p)
	return string(b)
}

// exSeen describes the EX answers seen so far.
func (s *session) exSeen() (string, error) {
	w := s.ex
	if w == nil {
		return "", errNotObserved
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case w.inMessage+w.inException+w.elsewhere == 0:
		return "", errNotObserved
	case w.inException == 0 && w.elsewhere == 0:
		return "text in ResultMessage", nil
	case w.inMessage == 0 && w.elsewhere == 0:
		return "text in Exception", nil
	}
	d := fmt.Sprintf("%d in ResultMessage, %d in Exception, %d otherwise", w.inMessage, w.inException, w.elsewhere)
	if w.sample != "" {
		d += " (" + w.sample + ")"
	}
	return d, nil
}
