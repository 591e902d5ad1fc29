package provider

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
)

// slowAnswers serves srv on its own port; the named operation is carried out
// at once and its answer sent after delay: an answer on its way.
func slowAnswers(t *testing.T, srv *sandbox.Server, op string, delay time.Duration, seen *atomic.Int32) string {
	t.Helper()
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if path.Base(r.URL.Path) != op {
			srv.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, r)
		seen.Add(1)
		time.Sleep(delay)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(front.Close)
	return front.URL
}

// TestAccInterrupt_answerOnItsWay: Ctrl-C while AddCard's (or AddCustomer's)
// answer is on its way. The create goes on for its grace, its answer arrives,
// the object is saved in state with its id (and identity, on Terraform 1.12
// and later), untainted; the next plan changes nothing, and Moka holds one of
// each.
func TestAccInterrupt_answerOnItsWay(t *testing.T) {
	tf := newTerraformDir(t)
	tf.TF.SkipBelow(t, 1, 11, "write-only card numbers")
	for _, op := range []string{"AddCustomer", "AddCard"} {
		t.Run(op, func(t *testing.T) {
			dir := tf.Sibling(t)
			srv := accSandbox(t, sandbox.Options{})
			var seen atomic.Int32
			url := slowAnswers(t, srv, op, 2*time.Second, &seen)
			dir.Config(providerAt(url) + `
resource "moka_dealer_customer" "c" {
  customer_code = "INT-1"
  first_name    = "Kesinti"
}

resource "moka_card" "k" {
  customer_code         = moka_dealer_customer.c.customer_code
  card_holder_full_name = "Kesinti Kart"
  card_number_wo        = "` + cardAkbank + `"
  exp_month             = "12"
  exp_year              = "2030"
}
`)
			apply := dir.Command(nil, "apply", "-auto-approve", "-input=false", "-no-color")
			var out strings.Builder
			apply.Stdout, apply.Stderr = &out, &out
			if err := apply.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- apply.Wait() }()
			deadline := time.Now().Add(time.Minute)
			for seen.Load() == 0 {
				if time.Now().After(deadline) {
					_ = apply.Process.Kill()
					t.Fatalf("no %s call within a minute:\n%s", op, out.String())
				}
				time.Sleep(5 * time.Millisecond)
			}
			if err := apply.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			select {
			case <-done:
			case <-time.After(time.Minute):
				_ = apply.Process.Kill()
				t.Fatalf("terraform did not stop within a minute of the interrupt:\n%s", out.String())
			}
			t.Logf("interrupted apply:\n%s", tail(out.String(), 30))
			for _, bad := range []string{"Missing Resource Identity", "inconsistent result", "may exist: not confirmed"} {
				if strings.Contains(out.String(), bad) {
					t.Errorf("the interrupted apply says %q", bad)
				}
			}
			for _, r := range dir.State() {
				if r.Tainted {
					t.Errorf("%s is tainted after the interrupt", r.Address)
				}
			}
			// Finish what the interrupt left (the card, when the customer's
			// create was interrupted), then nothing more to do.
			dir.MustRun(nil, "apply", "-auto-approve", "-input=false")
			if code, plan := dir.Run(nil, "plan", "-detailed-exitcode", "-input=false"); code != 0 {
				t.Errorf("the plan after the interrupted apply is not empty (exit %d):\n%s", code, tail(plan, 30))
			}
			if c, k := len(srv.Customers()), len(srv.Cards()); c != 1 || k != 1 {
				t.Errorf("the sandbox holds %d customers and %d cards, want 1 and 1", c, k)
			}
			if n := srv.Stats().Calls[op]; n != 1 {
				t.Errorf("%d %s calls, want 1: the interrupted object was made again", n, op)
			}
			dir.MustRun(nil, "destroy", "-auto-approve", "-input=false")
		})
	}
}

// TestAccPendingCard_identity: AddCard's answer and every look for the card
// afterwards are lost, so the create ends with a pending record. On Terraform
// 1.12 and later that record has an identity (a placeholder) and so is not
// tainted; the next apply adopts the card it stored, its identity becomes
// the card's token, and nothing is stored again or replaced.
func TestAccPendingCard_identity(t *testing.T) {
	tf := newTerraformDir(t)
	tf.TF.SkipBelow(t, 1, 12, "resource identity")
	srv := accSandbox(t, sandbox.Options{})
	var lose atomic.Bool
	url := lossyFront(t, srv, &lose, "AddCard", "GetCardList after AddCard")
	tf.Config(providerAt(url, "max_retries = 1") + `
resource "moka_dealer_customer" "c" {
  customer_code = "PEND-1"
  address       = "Moda Cd. 1"
}

resource "moka_card" "k" {
  customer_code         = moka_dealer_customer.c.customer_code
  card_holder_full_name = "Bekleyen Kart"
  card_number_wo        = "` + cardAkbank + `"
  exp_month             = "12"
  exp_year              = "2030"
}
`)
	lose.Store(true)
	code, out := tf.Run(nil, "apply", "-auto-approve", "-input=false", "-no-color")
	lose.Store(false)
	t.Logf("first apply (exit %d):\n%s", code, tail(out, 30))
	if !strings.Contains(out, "may exist: not confirmed") {
		t.Fatalf("the first apply left no pending record:\n%s", tail(out, 40))
	}
	for _, bad := range []string{"Missing Resource Identity", "Unexpected Identity Change"} {
		if strings.Contains(out, bad) {
			t.Errorf("the first apply says %q", bad)
		}
	}
	for _, r := range tf.State() {
		if r.Tainted {
			t.Errorf("%s is tainted", r.Address)
		}
	}
	out = tf.MustRun(nil, "apply", "-auto-approve", "-input=false", "-no-color")
	if strings.Contains(out, "Identity") || strings.Contains(out, "destroy") && !strings.Contains(out, "0 to destroy") {
		t.Errorf("the settling apply:\n%s", tail(out, 40))
	}
	if code, plan := tf.Run(nil, "plan", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Errorf("the plan after settling is not empty (exit %d):\n%s", code, tail(plan, 30))
	}
	cards := srv.Cards()
	if len(cards) != 1 || srv.Stats().Calls["AddCard"] != 1 {
		t.Errorf("%d cards after %d AddCard calls, want the 1 stored once: %+v", len(cards), srv.Stats().Calls["AddCard"], cards)
	}
	for _, r := range tf.State() {
		if r.Type == "moka_card" && (len(cards) != 1 || r.Values["card_token"] != cards[0].CardToken) {
			t.Errorf("state holds card %v, want %+v", r.Values["card_token"], cards)
		}
	}
	tf.MustRun(nil, "destroy", "-auto-approve", "-input=false")
}
