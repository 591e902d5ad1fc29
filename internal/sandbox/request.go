package sandbox

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Reasons: the part of a result code after the last dot. The full code is
// "DealerCustomer.{Operation}.{Reason}", or "EX" for an unexpected error.
const (
	reasonInvalidRequest        = "InvalidRequest"
	reasonInvalidEmailFormat    = "InvalidEmailFormat"
	reasonCodeAlreadyUsing      = "CustomerCodeAlreadyUsing"
	reasonCodeOrIDMustBeGiven   = "CustomerCodeOrDealerCustomerIdMustBeGiven"
	reasonCodeDoesntMatchID     = "CustomerCodeDoesntMatchDealerCustomerId"
	reasonDealerCustomerMissing = "DealerCustomerNotFound"
	reasonCardTokenIsRequired   = "CardTokenIsRequired" //nolint:gosec // a result code, not a credential
	reasonCardNotFound          = "CardNotFound"
	codeEX                      = "EX"
	codeSuccess                 = "Success"
)

// Limits in characters (runes), from MOKA-API.md (the seed pages' limits among them).
const (
	maxCustomerCode       = 100
	maxPassword           = 50
	maxFirstName          = 50
	maxLastName           = 50
	maxGsmNumber          = 20
	maxEmail              = 100
	maxAddress            = 200
	maxCardHolderFullName = 100
	maxCardName           = 50
	maxBodyBytes          = 1 << 20
)

// result is what an operation answers before it is wrapped in the envelope.
type result struct {
	data   any    // the envelope's Data; nil is null
	reason string // "" for Success, codeEX for EX, else a reason
	msg    string // the envelope's ResultMessage
}

func ok(data any) result { return result{data: data} }

func fail(reason string) result { return result{reason: reason} }

func invalid(format string, args ...any) result {
	return result{reason: reasonInvalidRequest, msg: fmt.Sprintf(format, args...)}
}

func (r result) failed() bool { return r.reason != "" }

// envelope is the answer of every DealerCustomer call.
type envelope struct {
	Data          any     `json:"Data"`
	ResultCode    string  `json:"ResultCode"`
	ResultMessage string  `json:"ResultMessage"`
	Exception     *string `json:"Exception"`
}

// codePrefix is the part of the result codes before the reason, by default.
// The UpdateCard page lists GetCard.* codes (sic); the sandbox answers
// UpdateCard that way unless Options.UpdateCardOwnCodes.
func codePrefix(op string) string { return codePrefixFor(op, false) }

func codePrefixFor(op string, updateCardOwnCodes bool) string {
	if op == "UpdateCard" && !updateCardOwnCodes {
		op = "GetCard"
	}
	return "DealerCustomer." + op
}

func resultCode(prefix string, r result) string {
	switch r.reason {
	case "":
		return codeSuccess
	case codeEX:
		return codeEX
	}
	return prefix + "." + r.reason
}

func marshalEnvelope(prefix string, r result) []byte {
	env := envelope{ResultCode: resultCode(prefix, r), ResultMessage: r.msg}
	if !r.failed() {
		env.Data = r.data
	}
	return marshalJSON(env)
}

// marshalJSON encodes like the real (Newtonsoft) server: no HTML escaping,
// non-ASCII as UTF-8, no trailing newline.
func marshalJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only sandbox-made values are encoded here; this cannot happen.
		panic(fmt.Sprintf("sandbox: encoding answer: %v", err))
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// checkKeyFor is the CheckKey the sandbox expects: lower-case hex of
// SHA-256(DealerCode + "MK" + Username + "PD" + Password).
func checkKeyFor(dealerCode, username, password string) string {
	sum := sha256.Sum256([]byte(dealerCode + "MK" + username + "PD" + password))
	return hex.EncodeToString(sum[:])
}

type authBlock struct {
	DealerCode lstr
	Username   lstr
	Password   lstr
	CheckKey   lstr
}

// dcRequest holds every field any operation reads from DealerCustomerRequest.
// Unknown fields are ignored, names match case-insensitively (as ASP.NET does).
type dcRequest struct {
	DealerCustomerId lint //nolint:revive // the API's spelling
	CustomerCode     lstr
	Password         lstr
	FirstName        lstr
	LastName         lstr
	Gender           lint
	BirthDate        lstr
	GsmNumber        lstr
	Email            lstr
	Address          lstr

	CardToken          lstr
	CardName           lstr
	CardHolderFullName lstr
	CardNumber         lstr
	ExpMonth           lstr
	ExpYear            lstr
}

func isJSONObject(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

func isMissing(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || string(raw) == "null"
}

// parse decodes a request body and checks the authentication block. On
// failure it returns the InvalidRequest answer.
func (s *Server) parse(op string, body []byte) (*dcRequest, *result) {
	if !utf8.Valid(body) {
		r := invalid("request body is not valid UTF-8")
		return nil, &r
	}
	var top struct {
		Auth json.RawMessage `json:"DealerCustomerAuthentication"`
		Req  json.RawMessage `json:"DealerCustomerRequest"`
	}
	if !isJSONObject(body) {
		r := invalid("request body must be a JSON object")
		return nil, &r
	}
	if err := json.Unmarshal(body, &top); err != nil {
		r := invalid("request body is not valid JSON: %v", err)
		return nil, &r
	}
	if isMissing(top.Auth) {
		r := invalid("DealerCustomerAuthentication is required")
		return nil, &r
	}
	var a authBlock
	if !isJSONObject(top.Auth) || json.Unmarshal(top.Auth, &a) != nil || !s.authOK(a) {
		r := invalid("DealerCustomerAuthentication: wrong DealerCode, Username, Password or CheckKey")
		return nil, &r
	}
	q := &dcRequest{}
	if op == "GetCustomerList" {
		return q, nil // it takes no DealerCustomerRequest; one that is sent is ignored
	}
	if isMissing(top.Req) {
		r := invalid("DealerCustomerRequest is required")
		return nil, &r
	}
	if !isJSONObject(top.Req) || json.Unmarshal(top.Req, q) != nil {
		r := invalid("DealerCustomerRequest must be a JSON object")
		return nil, &r
	}
	return q, nil
}

func (s *Server) authOK(a authBlock) bool {
	for _, f := range []lstr{a.DealerCode, a.Username, a.Password, a.CheckKey} {
		if f.Err != "" {
			return false
		}
	}
	eq := func(x, y string) bool { return subtle.ConstantTimeCompare([]byte(x), []byte(y)) == 1 }
	// Evaluate all four so the time taken says nothing about which was wrong.
	okDealer := eq(a.DealerCode.V, s.opts.DealerCode)
	okUser := eq(a.Username.V, s.opts.Username)
	okPass := eq(a.Password.V, s.opts.Password)
	okKey := eq(a.CheckKey.V, s.checkKey)
	return okDealer && okUser && okPass && okKey
}

// --- field checks ---

func checkText(name string, f lstr, maxChars int) *result {
	if f.Err != "" {
		r := invalid("%s %s", name, f.Err)
		return &r
	}
	if n := utf8.RuneCountInString(f.V); n > maxChars {
		r := invalid("%s max %d characters", name, maxChars)
		return &r
	}
	return nil
}

func checkID(q *dcRequest) *result {
	if q.DealerCustomerId.Err != "" {
		r := invalid("DealerCustomerId %s", q.DealerCustomerId.Err)
		return &r
	}
	return checkText("CustomerCode", q.CustomerCode, maxCustomerCode)
}

// checkCustomer checks the customer fields of AddCustomer,
// AddCustomerWithCard and UpdateCustomer.
func checkCustomer(q *dcRequest, requireCode bool) *result {
	if r := checkID(q); r != nil {
		return r
	}
	if requireCode && q.CustomerCode.V == "" {
		r := invalid("CustomerCode is required")
		return &r
	}
	for _, f := range []struct {
		name string
		v    lstr
		max  int
	}{
		{"Password", q.Password, maxPassword},
		{"FirstName", q.FirstName, maxFirstName},
		{"LastName", q.LastName, maxLastName},
		{"BirthDate", q.BirthDate, 8},
		{"GsmNumber", q.GsmNumber, maxGsmNumber},
		{"Email", q.Email, maxEmail},
		{"Address", q.Address, maxAddress},
	} {
		if r := checkText(f.name, f.v, f.max); r != nil {
			return r
		}
	}
	if g := q.Gender; g.Err != "" || g.V < 0 || g.V > 2 {
		r := invalid("Gender must be 1 (male) or 2 (female)")
		return &r
	}
	if q.BirthDate.V != "" && !validBirthDate(q.BirthDate.V) {
		r := invalid("BirthDate must be empty or a date as YYYYMMDD")
		return &r
	}
	return nil
}

// checkEmail comes after every InvalidRequest check of the operation.
func checkEmail(q *dcRequest) *result {
	if q.Email.V != "" && !plausibleEmail(q.Email.V) {
		r := fail(reasonInvalidEmailFormat)
		return &r
	}
	return nil
}

func validBirthDate(s string) bool {
	if len(s) != 8 || !allDigits(s) {
		return false
	}
	t, err := time.Parse("20060102", s)
	return err == nil && t.Year() >= 1
}

// plausibleEmail is a deliberately simple check: one @, a non-empty local
// part, a domain of at least two non-empty labels, no white space.
func plausibleEmail(s string) bool {
	if strings.ContainsFunc(s, unicode.IsSpace) || strings.ContainsAny(s, "<>()[],;:\\\"") {
		return false
	}
	local, domain, found := strings.Cut(s, "@")
	if !found || local == "" || strings.Contains(domain, "@") {
		return false
	}
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return false
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return false
		}
	}
	return utf8.RuneCountInString(labels[len(labels)-1]) >= 2
}

// cardInput is a validated new card.
type cardInput struct {
	holder, number, month, year, name string
}

// checkCard checks the card fields of AddCard and AddCustomerWithCard.
func (s *Server) checkCard(holder, number, month, year, name lstr) (cardInput, *result) {
	if r := checkText("CardHolderFullName", holder, maxCardHolderFullName); r != nil {
		return cardInput{}, r
	}
	if r := checkText("CardName", name, maxCardName); r != nil {
		return cardInput{}, r
	}
	for _, f := range []struct {
		name string
		v    lstr
	}{{"CardNumber", number}, {"ExpMonth", month}, {"ExpYear", year}} {
		if f.v.Err != "" {
			r := invalid("%s %s", f.name, f.v.Err)
			return cardInput{}, &r
		}
		if f.v.V == "" {
			r := invalid("%s is required", f.name)
			return cardInput{}, &r
		}
	}
	in := cardInput{holder: holder.V, number: number.V, month: month.V, year: year.V, name: name.V}
	if r := s.checkCardValues(in); r != nil {
		return cardInput{}, r
	}
	return in, nil
}

func (s *Server) checkCardValues(in cardInput) *result {
	if !allDigits(in.number) || len(in.number) < 12 || len(in.number) > 19 {
		r := invalid("CardNumber must be 12 to 19 digits")
		return &r
	}
	if !s.opts.SkipLuhnCheck && !luhnValid(in.number) {
		r := invalid("CardNumber fails the Luhn check")
		return &r
	}
	if len(in.month) != 2 || !allDigits(in.month) || in.month < "01" || in.month > "12" {
		r := invalid("ExpMonth must be MM, 01 to 12")
		return &r
	}
	if len(in.year) != 4 || !allDigits(in.year) {
		r := invalid("ExpYear must be YYYY")
		return &r
	}
	if !s.opts.SkipExpiryCheck {
		m := int(in.month[0]-'0')*10 + int(in.month[1]-'0')
		y := 0
		for i := 0; i < 4; i++ {
			y = y*10 + int(in.year[i]-'0')
		}
		if expired(m, y, s.now()) {
			r := invalid("card expired %s/%s", in.month, in.year)
			return &r
		}
	}
	return nil
}

func (in cardInput) card(customerID int64) Card {
	return Card{
		CardToken:          newToken(),
		DealerCustomerID:   customerID,
		CardName:           in.name,
		BankName:           bankName(in.number[:6]),
		CardNumberFirstSix: in.number[:6],
		CardNumberLastFour: in.number[len(in.number)-4:],
		CardHolderFullName: in.holder,
		ExpMonth:           in.month,
		ExpYear:            in.year,
	}
}
