package moka

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/terraform-moka/terraform-provider-moka/internal/mokaseeds"
)

// FuzzDecodeEnvelope feeds arbitrary answers through decodeEnvelope and, for a
// Success, through the decoding of its Data into both shapes Moka sends. It must
// never panic; an error must be an *APIError or a *TransportError with a short,
// valid, secret-free excerpt; a Success must either decode or error.
func FuzzDecodeEnvelope(f *testing.F) {
	seeds, err := mokaseeds.Names("seed_*.json")
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seed samples (%v)", err)
	}
	for _, name := range seeds {
		b, err := mokaseeds.Read(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(200, b)
	}
	for _, s := range []string{
		success(withCards(tCustomer, tCard)),
		success(`{"DealerCustomer":{"DealerCustomerId":"","Gender":"2","GsmNumber":5301111111,"Email":null},"CardListCount":"1","CardList":[{"CardToken":"{51937236-82E0-4637-A8F5-2E1EC56EC870}"}]}`),
		success(`{"DealerCustomerListCount":"2","DealerCustomerList":[{"DealerCustomerId":1},{"DealerCustomerId":"2"}]}`),
		success(`{}`),
		success(`true`),
		success(`null`),
		success(`{"DealerCustomer":{"DealerCustomerId":1e400}}`),
		success(`{"DealerCustomer":{"DealerCustomerId":9223372036854775808}}`),
		success(`{"DealerCustomer":{"Gender":-1.5}}`),
		failure("DealerCustomer.GetCard.CardNotFound", ""),
		failure("EX", "s3cr3t-api-pw"),
		`{"Data":null,"ResultCode":7,"ResultMessage":true}`,
		`{"Message":"An error has occurred."}`,
		"<html><body>password=s3cr3t-api-pw</body></html>",
		"\xef\xbb\xbf" + success(`{}`),
		"",
		"null",
		`{"ResultCode":"Success"`,
	} {
		f.Add(200, []byte(s))
	}
	f.Add(503, []byte("<h1>Service Unavailable</h1>"))
	f.Add(500, []byte(failure("EX", "boom")))

	secrets := []string{tAPIPW, tCustPW}
	f.Fuzz(func(t *testing.T, status int, raw []byte) {
		if status < 100 || status > 599 {
			status = 100 + (status%500+500)%500
		}
		data, err := decodeEnvelope("Op", status, "", raw, secrets)
		if err != nil {
			if data != nil {
				t.Errorf("an error with Data")
			}
			msg := err.Error()
			for _, s := range secrets {
				if strings.Contains(msg, s) {
					t.Errorf("secret %q in %q", s, msg)
				}
			}
			var apiErr *APIError
			var te *TransportError
			switch {
			case errors.As(err, &apiErr):
				if apiErr.ResultCode == "" || apiErr.ResultCode == "Success" || strings.Contains(apiErr.Reason, ".") {
					t.Errorf("odd APIError %+v", apiErr)
				}
			case errors.As(err, &te):
				if te.HTTPStatus != status {
					t.Errorf("HTTPStatus %d, want %d", te.HTTPStatus, status)
				}
				if !utf8.ValidString(te.Excerpt) || utf8.RuneCountInString(te.Excerpt) > 123 {
					t.Errorf("bad excerpt %q", te.Excerpt)
				}
			default:
				t.Errorf("error of type %T: %v", err, err)
			}
			return
		}
		if status != 200 {
			t.Errorf("a Success under HTTP %d", status)
		}
		var cwc wireCustomerWithCards
		if jerr := json.Unmarshal(data, &cwc); jerr == nil {
			if v, verr := cwc.value(); verr == nil {
				if v == nil || len(v.Cards) != len(cwc.CardList) {
					t.Errorf("value() = %+v", v)
				}
				for _, c := range v.Cards {
					if c.CardToken != NormalizeCardToken(c.CardToken) {
						t.Errorf("token %q not normalized", c.CardToken)
					}
				}
			}
		}
		var list wireCustomerList
		if jerr := json.Unmarshal(data, &list); jerr == nil {
			for _, w := range list.DealerCustomerList {
				_ = w.customer()
			}
		}
	})
}
