package moka

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

func TestCheckKeyKnownVectors(t *testing.T) {
	tests := []struct {
		dealer, user, password string
		want                   string
	}{
		// printf 'SANDBOXMKsandboxPDsandbox' | sha256sum
		{"SANDBOX", "sandbox", "sandbox", "a0e8057650c11002a03f5d6829e4e3e1e05f97aba7350aa9d8735bbbfd940fee"},
		// printf 'ELİFMKElifPDElif123' | sha256sum  (the UpdateCard seed's account; UTF-8)
		{"ELİF", "Elif", "Elif123", "07816769d45b8bfac43459cff2c621b866d3a2af46fa1afe3e39665945a6fc20"},
	}
	for _, tt := range tests {
		t.Run(tt.dealer, func(t *testing.T) {
			got := CheckKey(tt.dealer, tt.user, tt.password)
			if got != tt.want {
				t.Errorf("CheckKey(%q, %q, %q) = %s, want %s", tt.dealer, tt.user, tt.password, got, tt.want)
			}
			if len(got) != 64 || strings.ToLower(got) != got {
				t.Errorf("CheckKey is not 64 lower-case hex digits: %q", got)
			}
		})
	}
}

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

// TestRequestShape checks, for each of the eleven operations, the method, path,
// headers, authentication block and the exact DealerCustomerRequest sent.
func TestRequestShape(t *testing.T) {
	custFields := func(withID bool, withPassword bool) map[string]any {
		m := map[string]any{
			"CustomerCode": "C-1",
			"FirstName":    "Elif",
			"LastName":     "Yetimoğlu",
			"Gender":       float64(2),
			"BirthDate":    "19901218",
			"GsmNumber":    "5301111111",
			"Email":        "elif.y@moka.com",
			"Address":      "TAŞDELEN",
		}
		if withID {
			m["DealerCustomerId"] = float64(1033)
		}
		if withPassword {
			m["Password"] = tCustPW
		}
		return m
	}
	cardFields := map[string]any{
		"CardHolderFullName": "Elif Yetimoğlu",
		"CardNumber":         tCardNo,
		"ExpMonth":           "12",
		"ExpYear":            "2030",
		"CardName":           "Bonus kartım",
	}
	merge := func(ms ...map[string]any) map[string]any {
		out := map[string]any{}
		for _, m := range ms {
			for k, v := range m {
				out[k] = v
			}
		}
		return out
	}
	sparse := Customer{DealerCustomerID: 1033, CustomerCode: "C-1", Password: tCustPW}
	sparseFields := map[string]any{
		"DealerCustomerId": float64(1033), "CustomerCode": "C-1", "Password": tCustPW,
		"FirstName": "", "LastName": "", "Gender": float64(0), "BirthDate": "",
		"GsmNumber": "", "Email": "", "Address": "",
	}
	sparseNoPW := merge(sparseFields)
	delete(sparseNoPW, "Password")
	noGender := custFields(false, true)
	delete(noGender, "Gender")

	full := withCards(tCustomer, tCard)
	tests := []struct {
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
	}{
		{
			name: "AddCustomer", op: "AddCustomer", data: withCards(tCustomer),
			call: func(ctx context.Context, c *Client) error {
				got, err := c.AddCustomer(ctx, tCustomer)
				if err == nil && got.Customer != tCustomer {
					err = fmt.Errorf("got %+v", got.Customer)
				}
				return err
			},
			want: custFields(false, true), absent: []string{"DealerCustomerId"},
			// Stored under the create's claim, then given its address (create.go).
			claimed: "Address", after: []string{"UpdateCustomer"},
		},
		{
			name: "AddCustomer without gender", op: "AddCustomer", data: withCards(tCustomer),
			call: func(ctx context.Context, c *Client) error {
				cust := tCustomer
				cust.Gender = GenderUnspecified
				_, err := c.AddCustomer(ctx, cust)
				return err
			},
			want: noGender, claimed: "Address", after: []string{"UpdateCustomer"},
		},
		{
			name: "AddCustomerWithCard", op: "AddCustomerWithCard", data: full,
			call: func(ctx context.Context, c *Client) error {
				got, err := c.AddCustomerWithCard(ctx, tCustomer, tNewCard)
				if err == nil && got.Card != tCard {
					err = fmt.Errorf("got card %+v", got.Card)
				}
				return err
			},
			want: merge(custFields(false, true), cardFields), absent: []string{"DealerCustomerId"},
		},
		{
			name: "UpdateCustomer sends every field", op: "UpdateCustomer", data: full,
			call: func(ctx context.Context, c *Client) error {
				_, err := c.UpdateCustomer(ctx, CustomerUpdate{Customer: tCustomer})
				return err
			},
			want: custFields(true, true),
		},
		{
			name: "UpdateCustomer sends empty fields too", op: "UpdateCustomer", data: full,
			call: func(ctx context.Context, c *Client) error {
				_, err := c.UpdateCustomer(ctx, CustomerUpdate{Customer: sparse})
				return err
			},
			want: sparseFields,
		},
		{
			name: "UpdateCustomer without Previous clears every empty field", op: "UpdateCustomer", data: full,
			call: func(ctx context.Context, c *Client) error {
				_, err := c.UpdateCustomer(ctx, CustomerUpdate{Customer: sparse, Previous: nil})
				return err
			},
			want: sparseFields,
		},
		{
			name: "UpdateCustomer clears only what Previous held", op: "UpdateCustomer", data: full,
			call: func(ctx context.Context, c *Client) error {
				previous := Customer{DealerCustomerID: 1033, CustomerCode: "C-1", FirstName: "Old", Gender: GenderMale}
				_, err := c.UpdateCustomer(ctx, CustomerUpdate{Customer: sparse, Previous: &previous})
				return err
			},
			want: map[string]any{
				"DealerCustomerId": float64(1033), "CustomerCode": "C-1", "Password": tCustPW,
				"FirstName": "", "Gender": float64(0),
			},
			absent: []string{"LastName", "BirthDate", "GsmNumber", "Email", "Address"},
		},
		{
			name: "UpdateCustomer sends an empty password: it may not be known what it was", op: "UpdateCustomer", data: full,
			call: func(ctx context.Context, c *Client) error {
				noPW := sparse
				noPW.Password = ""
				_, err := c.UpdateCustomer(ctx, CustomerUpdate{Customer: noPW, Previous: &noPW})
				return err
			},
			want: map[string]any{"DealerCustomerId": float64(1033), "CustomerCode": "C-1", "Password": ""},
		},
		{
			// The password Moka holds is read and sent back, so that it stays
			// whether this Moka keeps an omitted field or clears it.
			name: "UpdateCustomer KeepPassword", op: "UpdateCustomer", data: full,
			call: func(ctx context.Context, c *Client) error {
				other := sparse
				other.Password = "not-what-moka-holds"
				_, err := c.UpdateCustomer(ctx, CustomerUpdate{Customer: other, KeepPassword: true})
				return err
			},
			want:   merge(sparseNoPW, map[string]any{"Password": tCustomer.Password}),
			before: []string{"GetCustomer"},
		},
		{
			name: "AddCustomer leaves out what is not set", op: "AddCustomer", data: withCards(tCustomer),
			call: func(ctx context.Context, c *Client) error {
				_, err := c.AddCustomer(ctx, Customer{CustomerCode: "C-1"})
				return err
			},
			want:   map[string]any{"CustomerCode": "C-1", "Address": "(the create's claim)"},
			absent: []string{"DealerCustomerId", "Password", "FirstName", "LastName", "Gender", "BirthDate", "GsmNumber", "Email"},
			// Stored under the create's claim, then given its (empty) address.
			claimed: "Address", after: []string{"UpdateCustomer"},
		},
		{
			name: "AddCard leaves out an empty holder name", op: "AddCard", data: full,
			call: func(ctx context.Context, c *Client) error {
				card := tNewCard
				card.CardHolderFullName, card.CardName = "", ""
				_, err := c.AddCard(ctx, card)
				return err
			},
			want:   map[string]any{"DealerCustomerId": float64(1033), "CardNumber": tCardNo, "ExpMonth": "12", "ExpYear": "2030", "CardName": "(the create's claim)"},
			absent: []string{"CustomerCode", "CardHolderFullName"},
			// Stored under the create's claim, then given its (empty) name.
			claimed: "CardName", after: []string{"UpdateCard"},
		},
		{
			name: "GetCustomer by id", op: "GetCustomer", data: full,
			call: func(ctx context.Context, c *Client) error {
				got, err := c.GetCustomer(ctx, CustomerRef{DealerCustomerID: 1033})
				if err == nil && (got.Customer != tCustomer || len(got.Cards) != 1 || got.Cards[0] != tCard) {
					err = fmt.Errorf("got %+v", got)
				}
				return err
			},
			want: map[string]any{"DealerCustomerId": float64(1033)},
		},
		{
			name: "GetCustomer by code", op: "GetCustomer", data: full,
			call: func(ctx context.Context, c *Client) error {
				_, err := c.GetCustomer(ctx, CustomerRef{CustomerCode: "C-1"})
				return err
			},
			want: map[string]any{"CustomerCode": "C-1"},
		},
		{
			name: "GetCustomerList", op: "GetCustomerList",
			data: `{"DealerCustomerListCount":1,"DealerCustomerList":[` + mustJSON(customerJSON(tCustomer)) + `]}`,
			call: func(ctx context.Context, c *Client) error {
				got, err := c.GetCustomerList(ctx)
				if err == nil && (len(got) != 1 || got[0] != tCustomer) {
					err = fmt.Errorf("got %+v", got)
				}
				return err
			},
			want: nil,
		},
		{
			name: "RemoveCustomer", op: "RemoveCustomer", data: `{}`,
			call: func(ctx context.Context, c *Client) error {
				return c.RemoveCustomer(ctx, CustomerRef{DealerCustomerID: 1033, CustomerCode: "C-1"})
			},
			want: map[string]any{"DealerCustomerId": float64(1033), "CustomerCode": "C-1"},
		},
		{
			name: "AddCard", op: "AddCard", data: full,
			call: func(ctx context.Context, c *Client) error {
				got, err := c.AddCard(ctx, tNewCard)
				if err == nil && got.Card != tCard {
					err = fmt.Errorf("got %+v", got.Card)
				}
				return err
			},
			want: merge(map[string]any{"DealerCustomerId": float64(1033)}, cardFields), absent: []string{"CustomerCode"},
			// Stored under the create's claim, then renamed (create.go).
			claimed: "CardName", after: []string{"UpdateCard"},
		},
		{
			name: "UpdateCard", op: "UpdateCard", data: full,
			call: func(ctx context.Context, c *Client) error {
				_, err := c.UpdateCard(ctx, tToken, "Yeni ad")
				return err
			},
			want: map[string]any{"CardToken": tToken, "CardName": "Yeni ad"},
		},
		{
			name: "GetCard", op: "GetCard", data: full,
			call: func(ctx context.Context, c *Client) error {
				got, err := c.GetCard(ctx, tToken)
				if err == nil && got.Card != tCard {
					err = fmt.Errorf("got %+v", got.Card)
				}
				return err
			},
			want: map[string]any{"CardToken": tToken},
		},
		{
			name: "GetCardList", op: "GetCardList", data: full,
			call: func(ctx context.Context, c *Client) error {
				_, err := c.GetCardList(ctx, CustomerRef{CustomerCode: "C-1"})
				return err
			},
			want: map[string]any{"CustomerCode": "C-1"},
		},
		{
			name: "RemoveCard", op: "RemoveCard", data: `true`,
			call: func(ctx context.Context, c *Client) error {
				return c.RemoveCard(ctx, tToken)
			},
			want: map[string]any{"CardToken": tToken},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, body []byte) {
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

// TestSeedSamples decodes the answers printed in the two seed documents.
func TestSeedSamples(t *testing.T) {
	seedCustomer := Customer{
		DealerCustomerID: 1033, CustomerCode: "Customer", Password: "Elif1234",
		FirstName: "Elif", LastName: "Y", Gender: GenderFemale, BirthDate: "1990-12-18",
		GsmNumber: "5301111111", Email: "elif.y@moka.com", Address: "TAŞDELEN",
	}

	t.Run("AddCustomer success", func(t *testing.T) {
		body := readSeed(t, "seed_addcustomer_success.json")
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, _ []byte) {
			writeJSON(w, string(body))
		})
		got, err := newTestClient(t, f.URL()).AddCustomer(context.Background(), Customer{CustomerCode: "Customer"})
		if err != nil {
			t.Fatal(err)
		}
		if got.Customer != seedCustomer {
			t.Errorf("customer\n got %+v\nwant %+v", got.Customer, seedCustomer)
		}
		if len(got.Cards) != 0 {
			t.Errorf("cards %v, want none", got.Cards)
		}
	})

	t.Run("AddCustomer failure", func(t *testing.T) {
		_, err := decodeEnvelope("AddCustomer", 200, "", readSeed(t, "seed_addcustomer_failure.json"), nil)
		var apiErr *APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("err = %v, want *APIError", err)
		}
		want := APIError{Operation: "AddCustomer", ResultCode: "DealerCustomer.AddCustomer.CustomerCodeAlreadyUsing", Reason: ReasonCustomerCodeAlreadyUsing}
		if *apiErr != want {
			t.Errorf("got %+v, want %+v", *apiErr, want)
		}
		if !IsAlreadyExists(err) || IsNotFound(err) {
			t.Errorf("IsAlreadyExists=%v IsNotFound=%v", IsAlreadyExists(err), IsNotFound(err))
		}
	})

	t.Run("AddCustomer request sample is lenient input", func(t *testing.T) {
		// The sample sends "Gender": "2"; our decoder for Moka's objects takes it.
		_, req := requestBlock(t, readSeed(t, "seed_addcustomer_request.json"))
		var w wireCustomer
		if err := json.Unmarshal([]byte(mustJSON(req)), &w); err != nil {
			t.Fatal(err)
		}
		if got := w.customer(); got.Gender != GenderFemale || got.LastName != "Yetimoğlu" || got.Address != "TAŞDELEN" {
			t.Errorf("got %+v", got)
		}
	})

	t.Run("UpdateCard success: braces and upper case in, lower case out", func(t *testing.T) {
		body := readSeed(t, "seed_updatecard_success.json")
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, _ []byte) {
			writeJSON(w, string(body))
		})
		_, sample := requestBlock(t, readSeed(t, "seed_updatecard_request.json"))
		sentToken, ok := sample["CardToken"].(string)
		if !ok {
			t.Fatalf("seed request CardToken is %T, want a string", sample["CardToken"])
		}
		got, err := newTestClient(t, f.URL()).UpdateCard(context.Background(), sentToken, "Bonus kartım")
		if err != nil {
			t.Fatal(err)
		}
		_, req := requestBlock(t, f.requests()[0].Body)
		if !reflect.DeepEqual(req, sample) {
			t.Errorf("request %v, want the seed's %v", req, sample)
		}
		wantCard := Card{
			CardToken: "51937236-82e0-4637-a8f5-2e1ec56ec870", CardName: "Bonus kartım", BankName: "BANKAADI",
			CardNumberFirstSix: "112233", CardNumberLastFour: "7788", CardHolderFullName: "elif y",
			ExpMonth: "01", ExpYear: "2018",
		}
		if got.Card != wantCard {
			t.Errorf("card\n got %+v\nwant %+v", got.Card, wantCard)
		}
		wantCust := seedCustomer
		wantCust.DealerCustomerID, wantCust.BirthDate = 1034, "1985-07-10"
		if got.Customer != wantCust {
			t.Errorf("customer\n got %+v\nwant %+v", got.Customer, wantCust)
		}
	})

	t.Run("UpdateCard failure with a GetCard prefix", func(t *testing.T) {
		body := readSeed(t, "seed_updatecard_failure.json")
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, _ []byte) {
			writeJSON(w, string(body))
		})
		_, err := newTestClient(t, f.URL()).UpdateCard(context.Background(), "", "Bonus kartım")
		var apiErr *APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("err = %v, want *APIError", err)
		}
		if apiErr.Reason != ReasonCardTokenIsRequired || Reason(err) != ReasonCardTokenIsRequired {
			t.Errorf("Reason = %q", apiErr.Reason)
		}
		if apiErr.ResultCode != "DealerCustomer.GetCard.CardTokenIsRequired" || apiErr.Operation != "UpdateCard" {
			t.Errorf("got %+v", apiErr)
		}
		if n := f.count("UpdateCard"); n != 1 {
			t.Errorf("%d UpdateCard calls: a business error must not be retried", n)
		}
	})
}

func TestLenientDecoding(t *testing.T) {
	base := func(customer string, rest string) string {
		return `{"DealerCustomer":` + customer + rest + `}`
	}
	tests := []struct {
		name    string
		data    string
		want    *CustomerWithCards
		wantErr bool
	}{
		{
			name: "numbers as strings",
			data: base(`{"DealerCustomerId":"1033","CustomerCode":"C","Gender":"2"}`, `,"CardListCount":"0","CardList":[]`),
			want: &CustomerWithCards{Customer: Customer{DealerCustomerID: 1033, CustomerCode: "C", Gender: GenderFemale}, Cards: []Card{}},
		},
		{
			name: "empty id",
			data: base(`{"DealerCustomerId":"","CustomerCode":"C","Gender":""}`, ``),
			want: &CustomerWithCards{Customer: Customer{CustomerCode: "C"}, Cards: []Card{}},
		},
		{
			name: "GsmNumber and CustomerCode as bare numbers",
			data: base(`{"DealerCustomerId":7,"CustomerCode":12345,"GsmNumber":5301111111,"BirthDate":19901218}`, ``),
			want: &CustomerWithCards{Customer: Customer{DealerCustomerID: 7, CustomerCode: "12345", GsmNumber: "5301111111", BirthDate: "1990-12-18"}, Cards: []Card{}},
		},
		{
			name: "null fields",
			data: base(`{"DealerCustomerId":null,"CustomerCode":"C","Password":null,"FirstName":null,"LastName":null,"Gender":null,"BirthDate":null,"GsmNumber":null,"Email":null,"Address":null}`, `,"CardListCount":null,"CardList":null`),
			want: &CustomerWithCards{Customer: Customer{CustomerCode: "C"}, Cards: []Card{}},
		},
		{
			name: "integer written as float",
			data: base(`{"DealerCustomerId":1033.0,"Gender":1e0}`, ``),
			want: &CustomerWithCards{Customer: Customer{DealerCustomerID: 1033, Gender: GenderMale}, Cards: []Card{}},
		},
		{
			name: "spaces in a quoted number",
			data: base(`{"DealerCustomerId":" 1033 "}`, ``),
			want: &CustomerWithCards{Customer: Customer{DealerCustomerID: 1033}, Cards: []Card{}},
		},
		{
			name: "fields other clients see are ignored",
			data: base(`{"DealerCustomerId":1,"MasterCode":"M","DealerId":5}`, `,"CardList":[{"CardToken":"{ABC-DEF}","ExpMonth":1,"ExpYear":2030,"CardType":"MasterCard","CreditType":"CreditCard","ProductCategory":"Bonus","MaxInstallmentNumber":12,"CardCode":"x"}]`),
			want: &CustomerWithCards{Customer: Customer{DealerCustomerID: 1}, Cards: []Card{{CardToken: "abc-def", ExpMonth: "1", ExpYear: "2030"}}},
		},
		{name: "no DealerCustomer", data: `{"CardListCount":0,"CardList":[]}`, wantErr: true},
		{name: "null Data", data: `null`, wantErr: true},
		{name: "gender not a number", data: base(`{"Gender":"female"}`, ``), wantErr: true},
		{name: "id with a fraction", data: base(`{"DealerCustomerId":1.5}`, ``), wantErr: true},
		{name: "name as an object", data: base(`{"FirstName":{"x":1}}`, ``), wantErr: true},
		{name: "CardList not a list", data: base(`{}`, `,"CardList":{}`), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, _ []byte) {
				writeJSON(w, success(tt.data))
			})
			got, err := newTestClient(t, f.URL()).GetCustomer(context.Background(), CustomerRef{DealerCustomerID: 1})
			if tt.wantErr {
				if err == nil {
					t.Fatalf("got %+v, want an error", got)
				}
				if n := f.count("GetCustomer"); n != 1 {
					t.Errorf("an undecodable Success was tried %d times", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestGetCustomerListLenient(t *testing.T) {
	data := `{"DealerCustomerListCount":"2","DealerCustomerList":[{"DealerCustomerId":"1","CustomerCode":"a","GsmNumber":530},{"DealerCustomerId":2,"CustomerCode":"b","Email":null}]}`
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, _ []byte) {
		writeJSON(w, success(data))
	})
	got, err := newTestClient(t, f.URL()).GetCustomerList(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []Customer{{DealerCustomerID: 1, CustomerCode: "a", GsmNumber: "530"}, {DealerCustomerID: 2, CustomerCode: "b"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	for _, empty := range []string{`{"DealerCustomerListCount":0,"DealerCustomerList":null}`, `{}`} {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, _ []byte) {
			writeJSON(w, success(empty))
		})
		got, err := newTestClient(t, f.URL()).GetCustomerList(context.Background())
		if err != nil || len(got) != 0 {
			t.Errorf("%s: got %v, %v", empty, got, err)
		}
	}
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		code          string
		message       string
		wantReason    string
		notFound      bool
		alreadyExists bool
		invalidEmail  bool
	}{
		{code: "DealerCustomer.GetCustomer.DealerCustomerNotFound", wantReason: ReasonDealerCustomerNotFound, notFound: true},
		{code: "DealerCustomer.RemoveCustomer.DealerCustomerNotFound", wantReason: ReasonDealerCustomerNotFound, notFound: true},
		{code: "DealerCustomer.UpdateCustomer.DealerCustomerNotFound", wantReason: ReasonDealerCustomerNotFound, notFound: true},
		{code: "DealerCustomer.GetCard.CardNotFound", wantReason: ReasonCardNotFound, notFound: true},
		{code: "DealerCustomer.UpdateCard.CardNotFound", wantReason: ReasonCardNotFound, notFound: true},
		{code: "DealerCustomer.RemoveCard.CardNotFound", wantReason: ReasonCardNotFound, notFound: true},
		{code: "Some.Other.Prefix.CardNotFound", wantReason: ReasonCardNotFound, notFound: true},
		{code: "CardNotFound", wantReason: ReasonCardNotFound, notFound: true},
		{code: "DealerCustomer.AddCustomer.CustomerCodeAlreadyUsing", wantReason: ReasonCustomerCodeAlreadyUsing, alreadyExists: true},
		{code: "DealerCustomer.AddCustomerWithCard.CustomerCodeAlreadyUsing", wantReason: ReasonCustomerCodeAlreadyUsing, alreadyExists: true},
		{code: "DealerCustomer.AddCustomer.InvalidEmailFormat", wantReason: ReasonInvalidEmailFormat, invalidEmail: true},
		{code: "DealerCustomer.AddCustomer.InvalidRequest", wantReason: ReasonInvalidRequest},
		{code: "DealerCustomer.RemoveCustomer.CustomerCodeOrDealerCustomerIdMustBeGiven", wantReason: ReasonCustomerCodeOrDealerCustomerIDMustBeGiven},
		{code: "DealerCustomer.RemoveCustomer.CustomerCodeDoesntMatchDealerCustomerId", wantReason: ReasonCustomerCodeDoesntMatchDealerCustomerID},
		{code: "DealerCustomer.GetCard.CardTokenIsRequired", wantReason: ReasonCardTokenIsRequired},
		{code: "DealerCustomer.X.DealerCustomerNotFoundish", wantReason: "DealerCustomerNotFoundish"},
		{code: "EX", message: "Object reference not set to an instance of an object.", wantReason: ResultCodeEX},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			_, err := decodeEnvelope("Op", 200, "", []byte(failure(tt.code, tt.message)), nil)
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %#v, want *APIError", err)
			}
			if apiErr.ResultCode != tt.code || apiErr.Reason != tt.wantReason || apiErr.Message != tt.message {
				t.Errorf("got %+v", apiErr)
			}
			wrapped := fmt.Errorf("outer: %w", err)
			if Reason(wrapped) != tt.wantReason {
				t.Errorf("Reason(wrapped) = %q", Reason(wrapped))
			}
			if IsNotFound(wrapped) != tt.notFound || IsAlreadyExists(wrapped) != tt.alreadyExists || IsInvalidEmail(wrapped) != tt.invalidEmail {
				t.Errorf("IsNotFound=%v IsAlreadyExists=%v IsInvalidEmail=%v", IsNotFound(wrapped), IsAlreadyExists(wrapped), IsInvalidEmail(wrapped))
			}
			msg := err.Error()
			if !strings.Contains(msg, "Op") || !strings.Contains(msg, tt.code) || (tt.message != "" && !strings.Contains(msg, tt.message)) {
				t.Errorf("Error() = %q lacks the operation, code or message", msg)
			}
		})
	}

	t.Run("helpers on other errors", func(t *testing.T) {
		for _, err := range []error{nil, errors.New("x"), &TransportError{Operation: "Op", Err: errors.New("x")}} {
			if Reason(err) != "" || IsNotFound(err) || IsAlreadyExists(err) || IsInvalidEmail(err) {
				t.Errorf("%v classified as a Moka answer", err)
			}
		}
		conflict := fmt.Errorf("wrapped: %w", &ConflictError{CustomerCode: "c", DealerCustomerID: 5})
		if !IsAlreadyExists(conflict) || IsNotFound(conflict) {
			t.Errorf("ConflictError: IsAlreadyExists=%v", IsAlreadyExists(conflict))
		}
	})

	t.Run("business error under a non-200 status is still an APIError", func(t *testing.T) {
		_, err := decodeEnvelope("Op", 500, "", []byte(failure("EX", "boom")), nil)
		if Reason(err) != ResultCodeEX {
			t.Errorf("err = %v", err)
		}
	})

	t.Run("Success with a failing status is a TransportError", func(t *testing.T) {
		_, err := decodeEnvelope("Op", 502, "", []byte(success("{}")), nil)
		var te *TransportError
		if !errors.As(err, &te) || te.HTTPStatus != 502 {
			t.Errorf("err = %#v", err)
		}
	})
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

func TestCardTokens(t *testing.T) {
	tests := []struct{ in, want string }{
		{"{51937236-82E0-4637-A8F5-2E1EC56EC870}", tToken},
		{"51937236-82E0-4637-A8F5-2E1EC56EC870", tToken},
		{" {" + tToken + "} ", tToken},
		{tToken, tToken},
		{"", ""},
	}
	for _, tt := range tests {
		if got := NormalizeCardToken(tt.in); got != tt.want {
			t.Errorf("NormalizeCardToken(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if !SameCardToken(tt.in, tt.want) {
			t.Errorf("SameCardToken(%q, %q) = false", tt.in, tt.want)
		}
	}
	if SameCardToken(tToken, "51937236-82e0-4637-a8f5-2e1ec56ec871") {
		t.Error("different tokens compare equal")
	}
}

func TestGetCardAnswerWithoutTheCard(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, _ []byte) {
		writeJSON(w, success(withCards(tCustomer)))
	})
	_, err := newTestClient(t, f.URL()).GetCard(context.Background(), "{"+strings.ToUpper(tToken)+"}")
	if !IsNotFound(err) {
		t.Errorf("err = %v, want not found", err)
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
