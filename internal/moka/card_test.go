package moka

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// TestCardRequestShape: what each card call sends (checkRequestShapes).
func TestCardRequestShape(t *testing.T) {
	full := withCards(tCustomer, tCard)
	checkRequestShapes(t, []requestShape{
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
			name: "AddCard", op: "AddCard", data: full,
			call: func(ctx context.Context, c *Client) error {
				got, err := c.AddCard(ctx, tNewCard)
				if err == nil && got.Card != tCard {
					err = fmt.Errorf("got %+v", got.Card)
				}
				return err
			},
			want: merge(map[string]any{"DealerCustomerId": float64(1033)}, tNewCardFields), absent: []string{"CustomerCode"},
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
	})
}

// TestCardSeedSamples decodes the card answers printed in the seed documents
// (internal/mokaseeds).
func TestCardSeedSamples(t *testing.T) {
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
