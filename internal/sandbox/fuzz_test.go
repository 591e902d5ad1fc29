package sandbox

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/terraform-moka/terraform-provider-moka/internal/mokaseeds"
)

// FuzzParseRequest feeds arbitrary bodies to every operation, either as the
// whole body or as the DealerCustomerRequest next to a valid authentication
// block. Whatever comes in, the answer is a 4xx or a well-formed HTTP 200
// envelope, nothing panics, and what is stored stays within the limits.
func FuzzParseRequest(f *testing.F) {
	seeds, err := mokaseeds.Names("seed_*_request.json")
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seed samples (%v)", err)
	}
	for i, name := range seeds {
		b, err := mokaseeds.Read(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), false, b)
		f.Add(uint8(i+7), false, withValidAuth(f, b)) // 0: AddCustomer, 7: UpdateCard
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(0), true, []byte(m["DealerCustomerRequest"]))
		f.Add(uint8(7), true, []byte(m["DealerCustomerRequest"]))
		f.Add(uint8(8), true, []byte(m["DealerCustomerRequest"]))
		f.Add(uint8(10), true, []byte(m["DealerCustomerRequest"]))
	}
	for i, req := range []string{
		`{"CustomerCode":"Customer","DealerCustomerId":"1033","Gender":"2","BirthDate":"19901218"}`,
		`{"DealerCustomerId":1033,"CardHolderFullName":"Elif Y","CardNumber":"5127541122223332","ExpMonth":"12","ExpYear":"2030","CardName":"Bonus"}`,
		`{"CustomerCode":"x","CardNumber":9792061122223337,"ExpMonth":12,"ExpYear":2030,"Email":"a@b.co"}`,
		`{"CardToken":"{51937236-82E0-4637-A8F5-2E1EC56EC870}","CardName":"\ud800"}`,
		`{"FirstName":"\u015e","Gender":[],"DealerCustomerId":{}}`,
		`null`, `[]`, `"x"`, `{`, ``, "{\"CustomerCode\":\"\xff\"}",
	} {
		for op := range allOps {
			f.Add(uint8(op), true, []byte(req))
			if i == 0 {
				f.Add(uint8(op), false, []byte(req))
			}
		}
	}

	auth := string(mustJSON(validAuth(Options{})))
	var s *Server
	fresh := func() {
		var err error
		if s, err = New(Options{}); err != nil {
			f.Fatal(err)
		}
		// Something to find: the seeds' customer and card.
		if _, err := s.PutCustomer(Customer{DealerCustomerID: 1033, CustomerCode: "Customer"}); err != nil {
			f.Fatal(err)
		}
		if _, err := s.AddCardWithToken(Card{CardToken: "51937236-82e0-4637-a8f5-2e1ec56ec870", DealerCustomerID: 1033}); err != nil {
			f.Fatal(err)
		}
	}
	fresh()

	f.Fuzz(func(t *testing.T, opIndex uint8, wrap bool, b []byte) {
		if len(s.Customers()) > 200 {
			fresh()
		}
		op := allOps[int(opIndex)%len(allOps)]
		if wrap {
			b = []byte(`{"DealerCustomerAuthentication":` + auth + `,"DealerCustomerRequest":` + string(b) + `}`)
		}
		rec := newRecorder()
		s.ServeHTTP(rec, mustRequest("POST", "/DealerCustomer/"+op, b))
		if rec.Code >= 400 && rec.Code < 500 {
			return
		}
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json; charset=utf-8" {
			t.Fatalf("HTTP %d %q", rec.Code, rec.Header().Get("Content-Type"))
		}
		checkEnvelope(t, op, rec.Body.Bytes())
		checkInvariants(t, s)
	})
}

func checkEnvelope(t *testing.T, op string, raw []byte) {
	t.Helper()
	a := answer{Raw: raw}
	if err := a.decodeEnvelope(); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	switch {
	case a.ResultCode == "Success":
		if string(a.Data) == "null" {
			t.Fatalf("Success without Data: %s", raw)
		}
	case !strings.HasPrefix(a.ResultCode, codePrefix(op)+"."):
		t.Fatalf("ResultCode %q for %s", a.ResultCode, op)
	}
}

func checkInvariants(t *testing.T, s *Server) {
	t.Helper()
	codes := map[string]bool{}
	for _, c := range s.Customers() {
		if codes[c.CustomerCode] || c.CustomerCode == "" {
			t.Fatalf("CustomerCode %q empty or twice", c.CustomerCode)
		}
		codes[c.CustomerCode] = true
		if err := checkCustomerValues(c); err != nil {
			t.Fatalf("stored customer %+v: %v", c, err)
		}
	}
	for _, c := range s.Cards() {
		for _, v := range []string{c.CardName, c.CardHolderFullName, c.CardNumberFirstSix, c.CardNumberLastFour} {
			if !utf8.ValidString(v) {
				t.Fatalf("stored card %+v", c)
			}
		}
		if utf8.RuneCountInString(c.CardName) > maxCardName || utf8.RuneCountInString(c.CardHolderFullName) > maxCardHolderFullName {
			t.Fatalf("stored card %+v over a limit", c)
		}
		if _, ok := normalizeToken(c.CardToken); !ok || strings.ToLower(c.CardToken) != c.CardToken {
			t.Fatalf("stored token %q", c.CardToken)
		}
	}
}
