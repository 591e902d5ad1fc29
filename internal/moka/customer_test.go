package moka

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"testing"
)

// seedCustomer is the customer of the seed documents' answers
// (internal/mokaseeds), as the client reads it.
var seedCustomer = Customer{
	DealerCustomerID: 1033, CustomerCode: "Customer", Password: "Elif1234",
	FirstName: "Elif", LastName: "Y", Gender: GenderFemale, BirthDate: "1990-12-18",
	GsmNumber: "5301111111", Email: "elif.y@moka.com", Address: "TAŞDELEN",
}

// TestCustomerRequestShape: what each customer call sends (checkRequestShapes).
func TestCustomerRequestShape(t *testing.T) {
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
	checkRequestShapes(t, []requestShape{
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
			want: merge(custFields(false, true), tNewCardFields), absent: []string{"DealerCustomerId"},
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
	})
}

// TestCustomerSeedSamples decodes the customer answers printed in the seed
// documents (internal/mokaseeds).
func TestCustomerSeedSamples(t *testing.T) {
	t.Run("AddCustomer success", func(t *testing.T) {
		body := readSeed(t, "seed_addcustomer_success.json")
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, _ []byte) {
			writeJSON(w, string(body))
		})
		sent := seedCustomer
		sent.DealerCustomerID = 0
		got, err := newTestClient(t, f.URL()).AddCustomer(context.Background(), sent)
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
