package moka

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

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
			var logged strings.Builder
			c := newTestClient(t, f.URL(), func(cfg *Config) {
				cfg.Logger = &capture{out: &logged}
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
				if strings.Contains(err.Error(), tt.forbidden) || strings.Contains(logged.String(), tt.forbidden) {
					t.Errorf("the customer password's start %q is in the error or the log: %v", tt.forbidden, err)
				}
			}
		})
	}
}

type capture struct {
	mu  sync.Mutex
	out *strings.Builder
}

func (c *capture) Debug(_ context.Context, msg string, fields map[string]any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.out.WriteString(msg)
	for k, v := range fields {
		c.out.WriteString(" " + k + "=")
		if s, ok := v.(string); ok {
			c.out.WriteString(s)
		}
	}
	c.out.WriteString("\n")
}

// TestAddCardSlowCommit: an AddCard that times out while Moka is only slow
// stores the card after the client gave up on it. The client must find that
// card instead of sending AddCard again: one call, one card.
func TestAddCardSlowCommit(t *testing.T) {
	var mu sync.Mutex
	var cards []Card
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, body []byte) {
		switch op {
		case "AddCard":
			if n == 1 {
				// Moka works on after the client's 100ms timeout and commits at 160ms,
				// before a second request_timeout has passed.
				time.Sleep(160 * time.Millisecond)
			}
			stored := tCard
			stored.CardName = sentCardName(t, body)
			mu.Lock()
			cards = append(cards, stored)
			mu.Unlock()
			writeJSON(w, success(withCards(tCustomer, stored)))
		case "UpdateCard":
			mu.Lock()
			defer mu.Unlock()
			cards[len(cards)-1].CardName = sentCardName(t, body)
			writeJSON(w, success(withCards(tCustomer, cards[len(cards)-1])))
		case "GetCardList":
			mu.Lock()
			defer mu.Unlock()
			writeJSON(w, success(withCards(tCustomer, cards...)))
		}
	})
	c := newTestClient(t, f.URL(), func(cfg *Config) { cfg.RequestTimeout = 100 * time.Millisecond })
	got, err := c.AddCard(context.Background(), tNewCard)
	if err != nil {
		t.Fatalf("AddCard: %v", err)
	}
	if got.Card != tCard {
		t.Errorf("got %+v", got.Card)
	}
	if n := f.count("AddCard"); n != 1 {
		t.Errorf("%d AddCard calls, want 1", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(cards) != 1 {
		t.Errorf("%d cards stored, want 1", len(cards))
	}
}

// sentCardName is the CardName of a request body.
func sentCardName(t *testing.T, body []byte) string {
	t.Helper()
	var req struct {
		DealerCustomerRequest struct{ CardName string }
	}
	if err := json.Unmarshal(body, &req); err != nil {
		t.Errorf("request body: %v", err)
	}
	return req.DealerCustomerRequest.CardName
}
