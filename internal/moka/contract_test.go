package moka_test

// Contract tests: the client against the sandbox (internal/sandbox), which was
// written from MOKA-API.md (the seed pages' samples included) independently
// of the client.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

const (
	sbAPIPassword = "s3cr3t-api-pw"
	sbPIN         = "PIN-4417"
	sbCardNumber  = "5127541122223332" // Moka test card, Akbank MasterCard
	sbOtherCard   = "4531441122223338"
)

// startSandbox starts a sandbox whose account password is sbAPIPassword and a
// client for it with quick retries.
func startSandbox(t *testing.T, opts sandbox.Options, mods ...func(*moka.Config)) (*sandbox.Server, *moka.Client) {
	t.Helper()
	if opts.Password == "" {
		opts.Password = sbAPIPassword
	}
	srv := testsupport.StartSandbox(t, opts)
	cfg := moka.Config{
		BaseURL:        srv.URL(),
		DealerCode:     "SANDBOX",
		Username:       "sandbox",
		Password:       opts.Password,
		MaxRetries:     3,
		RequestTimeout: 5 * time.Second,
		RetryBaseDelay: time.Millisecond,
		RetryMaxDelay:  5 * time.Millisecond,
	}
	for _, m := range mods {
		m(&cfg)
	}
	c, err := moka.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// startSandboxUnder is startSandbox with sw turned on (nil: none).
func startSandboxUnder(t *testing.T, sw *sandbox.Switch, opts sandbox.Options, mods ...func(*moka.Config)) (*sandbox.Server, *moka.Client) {
	t.Helper()
	if sw != nil {
		sw.Enable(&opts)
	}
	return startSandbox(t, opts, mods...)
}

func sbCustomer(code string) moka.Customer {
	return moka.Customer{
		CustomerCode: code,
		Password:     sbPIN,
		FirstName:    "Elif",
		LastName:     "Yetimoğlu",
		Gender:       moka.GenderFemale,
		BirthDate:    "1990-12-18",
		GsmNumber:    "5301111111",
		Email:        "elif.y@moka.com",
		Address:      "TAŞDELEN",
	}
}

func sbCard(ref moka.CustomerRef, number, name string) moka.NewCard {
	return moka.NewCard{
		Customer:           ref,
		CardHolderFullName: "Elif Yetimoğlu",
		CardNumber:         number,
		ExpMonth:           "12",
		ExpYear:            "2030",
		CardName:           name,
	}
}

// wantReason checks that err is a Moka answer with that reason.
func wantReason(t *testing.T, err error, reason string) {
	t.Helper()
	var apiErr *moka.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v (%T), want a Moka answer with reason %s", err, err, reason)
	}
	if apiErr.Reason != reason {
		t.Fatalf("reason %s (code %s), want %s", apiErr.Reason, apiErr.ResultCode, reason)
	}
}

func TestContractCustomerLifecycle(t *testing.T) { contractCustomerLifecycle(t, nil) }

func contractCustomerLifecycle(t *testing.T, sw *sandbox.Switch) {
	srv, c := startSandboxUnder(t, sw, sandbox.Options{})
	ctx := context.Background()

	sent := sbCustomer("C-life")
	added, err := c.AddCustomer(ctx, sent)
	if err != nil {
		t.Fatalf("AddCustomer: %v", err)
	}
	if added.Customer.DealerCustomerID == 0 || len(added.Cards) != 0 {
		t.Fatalf("AddCustomer answered %+v", added)
	}
	id := added.Customer.DealerCustomerID
	want := sent
	want.DealerCustomerID = id
	if added.Customer != want {
		t.Errorf("AddCustomer answered\n %+v\nwant %+v", added.Customer, want)
	}

	for _, ref := range []moka.CustomerRef{{DealerCustomerID: id}, {CustomerCode: "C-life"}, {DealerCustomerID: id, CustomerCode: "C-life"}} {
		got, err := c.GetCustomer(ctx, ref)
		if err != nil || got.Customer != want {
			t.Errorf("GetCustomer(%v) = %+v, %v", ref, got, err)
		}
	}

	list, err := c.GetCustomerList(ctx)
	if err != nil || len(list) != 1 || list[0] != want {
		t.Errorf("GetCustomerList = %+v, %v", list, err)
	}

	// Change everything; an emptied field is sent and cleared.
	upd := moka.Customer{
		DealerCustomerID: id, CustomerCode: "C-life", Password: "PIN-9999", FirstName: "Ayşe",
		LastName: "Kaya", Gender: moka.GenderMale, BirthDate: "1985-07-10", GsmNumber: "5309999999",
		Email: "", Address: "",
	}
	got, err := c.UpdateCustomer(ctx, moka.CustomerUpdate{Customer: upd})
	if err != nil || got.Customer != upd {
		t.Fatalf("UpdateCustomer = %+v, %v", got, err)
	}
	if back, err := c.GetCustomer(ctx, moka.CustomerRef{DealerCustomerID: id}); err != nil || back.Customer != upd {
		t.Errorf("after UpdateCustomer, GetCustomer = %+v, %v", back, err)
	}

	// KeepPassword leaves the PIN as it is.
	upd2 := upd
	upd2.Password, upd2.FirstName = "", "Zeynep"
	got, err = c.UpdateCustomer(ctx, moka.CustomerUpdate{Customer: upd2, KeepPassword: true})
	if err != nil || got.Customer.Password != "PIN-9999" || got.Customer.FirstName != "Zeynep" {
		t.Errorf("UpdateCustomer(KeepPassword) = %+v, %v", got, err)
	}

	if err := c.RemoveCustomer(ctx, moka.CustomerRef{DealerCustomerID: id}); err != nil {
		t.Fatalf("RemoveCustomer: %v", err)
	}
	_, err = c.GetCustomer(ctx, moka.CustomerRef{DealerCustomerID: id})
	if !moka.IsNotFound(err) {
		t.Errorf("GetCustomer after RemoveCustomer: %v", err)
	}
	if n := len(srv.Customers()); n != 0 {
		t.Errorf("%d customers left", n)
	}
}

func TestContractCardLifecycle(t *testing.T) { contractCardLifecycle(t, nil) }

func contractCardLifecycle(t *testing.T, sw *sandbox.Switch) {
	srv, c := startSandboxUnder(t, sw, sandbox.Options{})
	ctx := context.Background()

	first, err := c.AddCustomerWithCard(ctx, sbCustomer("C-cards"), sbCard(moka.CustomerRef{}, sbCardNumber, "Bonus kartım"))
	if err != nil {
		t.Fatalf("AddCustomerWithCard: %v", err)
	}
	id := first.Customer.DealerCustomerID
	wantFirst := moka.Card{
		CardToken: first.Card.CardToken, CardName: "Bonus kartım", BankName: first.Card.BankName,
		CardNumberFirstSix: "512754", CardNumberLastFour: "3332", CardHolderFullName: "Elif Yetimoğlu",
		ExpMonth: "12", ExpYear: "2030",
	}
	if first.Card != wantFirst || first.Card.CardToken != moka.NormalizeCardToken(first.Card.CardToken) || first.Card.CardToken == "" {
		t.Errorf("AddCustomerWithCard card %+v", first.Card)
	}

	second, err := c.AddCard(ctx, sbCard(moka.CustomerRef{CustomerCode: "C-cards"}, sbOtherCard, "İş kartı"))
	if err != nil {
		t.Fatalf("AddCard: %v", err)
	}
	if second.Customer.DealerCustomerID != id || second.Card.CardNumberLastFour != "3338" || second.Card.CardName != "İş kartı" {
		t.Errorf("AddCard = %+v", second)
	}

	list, err := c.GetCardList(ctx, moka.CustomerRef{DealerCustomerID: id})
	if err != nil || len(list.Cards) != 2 {
		t.Fatalf("GetCardList = %+v, %v", list, err)
	}
	if got, err := c.GetCustomer(ctx, moka.CustomerRef{DealerCustomerID: id}); err != nil || len(got.Cards) != 2 {
		t.Errorf("GetCustomer cards = %+v, %v", got, err)
	}

	// Tokens are case-insensitive with optional braces; answers are lower case.
	shouty := "{" + strings.ToUpper(second.Card.CardToken) + "}"
	got, err := c.GetCard(ctx, shouty)
	if err != nil || got.Card != second.Card || got.Customer.DealerCustomerID != id {
		t.Errorf("GetCard(%s) = %+v, %v", shouty, got, err)
	}
	renamed, err := c.UpdateCard(ctx, shouty, "Maaş kartım")
	if err != nil {
		t.Fatalf("UpdateCard: %v", err)
	}
	if renamed.Card.CardName != "Maaş kartım" || renamed.Card.CardToken != second.Card.CardToken {
		t.Errorf("UpdateCard = %+v", renamed.Card)
	}

	if err := c.RemoveCard(ctx, second.Card.CardToken); err != nil {
		t.Fatalf("RemoveCard: %v", err)
	}
	_, err = c.GetCard(ctx, second.Card.CardToken)
	wantReason(t, err, moka.ReasonCardNotFound)
	if n := len(srv.Cards()); n != 1 {
		t.Errorf("%d cards in the sandbox, want 1", n)
	}
}

func TestContractTurkishLetters(t *testing.T) { contractTurkishLetters(t, nil) }

func contractTurkishLetters(t *testing.T, sw *sandbox.Switch) {
	srv, c := startSandboxUnder(t, sw, sandbox.Options{})
	ctx := context.Background()
	cust := moka.Customer{
		CustomerCode: "müşteri-ğüşıöçİ",
		Password:     "şifre-ĞÜŞİÖÇ",
		FirstName:    strings.Repeat("ğ", 50), // 50 letters, 100 bytes: within the limit
		LastName:     "Işıközçİ",
		Gender:       moka.GenderMale,
		Email:        "ali@example.com.tr",
		Address:      "Çağlayan Mah. Şişli / İstanbul ğüşıöçİ ĞÜŞIÖÇ",
	}
	got, err := c.AddCustomer(ctx, cust)
	if err != nil {
		t.Fatalf("AddCustomer: %v", err)
	}
	cust.DealerCustomerID = got.Customer.DealerCustomerID
	back, err := c.GetCustomer(ctx, moka.CustomerRef{CustomerCode: "müşteri-ğüşıöçİ"})
	if err != nil || back.Customer != cust {
		t.Errorf("GetCustomer = %+v, %v; want %+v", back, err, cust)
	}
	stored := srv.Customers()
	if len(stored) != 1 || stored[0].LastName != "Işıközçİ" || stored[0].Address != cust.Address {
		t.Errorf("the sandbox stored %+v", stored)
	}
	card, err := c.AddCard(ctx, moka.NewCard{
		Customer: moka.CustomerRef{DealerCustomerID: cust.DealerCustomerID}, CardHolderFullName: "İSMAİL ÖZGÜR ŞAHİN",
		CardNumber: sbCardNumber, ExpMonth: "12", ExpYear: "2030", CardName: "Çocuğun kartı ğüşıöçİ",
	})
	if err != nil {
		t.Fatalf("AddCard: %v", err)
	}
	again, err := c.GetCard(ctx, card.Card.CardToken)
	if err != nil || again.Card.CardHolderFullName != "İSMAİL ÖZGÜR ŞAHİN" || again.Card.CardName != "Çocuğun kartı ğüşıöçİ" {
		t.Errorf("GetCard = %+v, %v", again, err)
	}
}

func TestContractResultCodes(t *testing.T) { contractResultCodes(t, nil) }

func contractResultCodes(t *testing.T, sw *sandbox.Switch) {
	srv, c := startSandboxUnder(t, sw, sandbox.Options{})
	ctx := context.Background()
	a, err := c.AddCustomer(ctx, sbCustomer("C-a"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.AddCustomer(ctx, sbCustomer("C-b"))
	if err != nil {
		t.Fatal(err)
	}
	aID, bID := a.Customer.DealerCustomerID, b.Customer.DealerCustomerID
	const missingToken = "00000000-0000-4000-8000-000000000000"

	wrong, err := moka.New(moka.Config{BaseURL: srv.URL(), DealerCode: "SANDBOX", Username: "sandbox", Password: "wrong-password", RetryBaseDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		call   func() error
		reason string
		check  func(t *testing.T, err error)
	}{
		{"wrong password: AddCustomer", func() error { _, err := wrong.AddCustomer(ctx, sbCustomer("C-x")); return err }, moka.ReasonInvalidRequest, nil},
		{"wrong password: GetCustomerList", func() error { _, err := wrong.GetCustomerList(ctx); return err }, moka.ReasonInvalidRequest, nil},
		{"wrong password: GetCard", func() error { _, err := wrong.GetCard(ctx, missingToken); return err }, moka.ReasonInvalidRequest, nil},
		{"AddCustomer without CustomerCode", func() error { _, err := c.AddCustomer(ctx, sbCustomer("")); return err }, moka.ReasonInvalidRequest, nil},
		{"AddCard with a card failing Luhn", func() error {
			_, err := c.AddCard(ctx, sbCard(moka.CustomerRef{DealerCustomerID: aID}, "5127541122223333", "x"))
			return err
		}, moka.ReasonInvalidRequest, nil},
		{"AddCustomer, code taken by another customer", func() error {
			other := sbCustomer("C-a")
			other.FirstName = "Başkası"
			_, err := c.AddCustomer(ctx, other)
			return err
		}, "", func(t *testing.T, err error) {
			var conflict *moka.ConflictError
			if !errors.As(err, &conflict) || conflict.DealerCustomerID != aID || !moka.IsAlreadyExists(err) {
				t.Errorf("err = %v, want a ConflictError for %d", err, aID)
			}
		}},
		{"AddCustomer, code taken by the same data before this call", func() error {
			_, err := c.AddCustomer(ctx, sbCustomer("C-a"))
			return err
		}, "", func(t *testing.T, err error) {
			var conflict *moka.ConflictError
			if !errors.As(err, &conflict) || conflict.DealerCustomerID != aID {
				t.Errorf("err = %v, want a ConflictError: this call did not create it", err)
			}
		}},
		{"AddCustomerWithCard, code taken", func() error {
			_, err := c.AddCustomerWithCard(ctx, sbCustomer("C-b"), sbCard(moka.CustomerRef{}, sbCardNumber, "x"))
			return err
		}, "", func(t *testing.T, err error) {
			if !moka.IsAlreadyExists(err) {
				t.Errorf("err = %v, want already exists", err)
			}
		}},
		{"AddCustomer, bad e-mail", func() error {
			bad := sbCustomer("C-mail")
			bad.Email = "elif.y@"
			_, err := c.AddCustomer(ctx, bad)
			return err
		}, moka.ReasonInvalidEmailFormat, func(t *testing.T, err error) {
			if !moka.IsInvalidEmail(err) {
				t.Errorf("IsInvalidEmail = false")
			}
		}},
		{"UpdateCustomer, bad e-mail", func() error {
			bad := a.Customer
			bad.Email = "not an e-mail"
			_, err := c.UpdateCustomer(ctx, moka.CustomerUpdate{Customer: bad})
			return err
		}, moka.ReasonInvalidEmailFormat, nil},
		{"RemoveCustomer without id or code", func() error { return c.RemoveCustomer(ctx, moka.CustomerRef{}) }, moka.ReasonCustomerCodeOrDealerCustomerIDMustBeGiven, nil},
		{"GetCustomer without id or code", func() error { _, err := c.GetCustomer(ctx, moka.CustomerRef{}); return err }, moka.ReasonCustomerCodeOrDealerCustomerIDMustBeGiven, nil},
		{"GetCustomer of a missing id", func() error {
			_, err := c.GetCustomer(ctx, moka.CustomerRef{DealerCustomerID: 999999})
			return err
		}, moka.ReasonDealerCustomerNotFound, func(t *testing.T, err error) {
			if !moka.IsNotFound(err) {
				t.Errorf("IsNotFound = false")
			}
		}},
		{"RemoveCustomer of a missing code", func() error {
			return c.RemoveCustomer(ctx, moka.CustomerRef{CustomerCode: "no-such-code"})
		}, moka.ReasonDealerCustomerNotFound, nil},
		{"UpdateCustomer of a missing id", func() error {
			gone := sbCustomer("C-gone")
			gone.DealerCustomerID = 999999
			_, err := c.UpdateCustomer(ctx, moka.CustomerUpdate{Customer: gone})
			return err
		}, moka.ReasonDealerCustomerNotFound, nil},
		{"AddCard for a missing customer", func() error {
			_, err := c.AddCard(ctx, sbCard(moka.CustomerRef{DealerCustomerID: 999999}, sbCardNumber, "x"))
			return err
		}, moka.ReasonDealerCustomerNotFound, nil},
		{"RemoveCustomer, id and code disagree", func() error {
			return c.RemoveCustomer(ctx, moka.CustomerRef{DealerCustomerID: aID, CustomerCode: "C-b"})
		}, moka.ReasonCustomerCodeDoesntMatchDealerCustomerID, nil},
		{"GetCustomer, id and code disagree", func() error {
			_, err := c.GetCustomer(ctx, moka.CustomerRef{DealerCustomerID: bID, CustomerCode: "C-a"})
			return err
		}, moka.ReasonCustomerCodeDoesntMatchDealerCustomerID, nil},
		{"GetCard without token", func() error { _, err := c.GetCard(ctx, ""); return err }, moka.ReasonCardTokenIsRequired, nil},
		{"UpdateCard without token", func() error { _, err := c.UpdateCard(ctx, "", "x"); return err }, moka.ReasonCardTokenIsRequired, nil},
		{"RemoveCard without token", func() error { return c.RemoveCard(ctx, "") }, moka.ReasonCardTokenIsRequired, nil},
		{"GetCard of a missing token", func() error { _, err := c.GetCard(ctx, missingToken); return err }, moka.ReasonCardNotFound, nil},
		{"UpdateCard of a missing token", func() error { _, err := c.UpdateCard(ctx, "{"+missingToken+"}", "x"); return err }, moka.ReasonCardNotFound, nil},
		{"RemoveCard of a missing token", func() error { return c.RemoveCard(ctx, missingToken) }, moka.ReasonCardNotFound, func(t *testing.T, err error) {
			if !moka.IsNotFound(err) {
				t.Errorf("IsNotFound = false: no earlier attempt was lost, so the caller must hear it")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := srv.Stats().Calls
			err := tt.call()
			if err == nil {
				t.Fatal("no error")
			}
			if tt.reason != "" {
				wantReason(t, err, tt.reason)
			}
			if tt.check != nil {
				tt.check(t, err)
			}
			// A business error is never retried: each operation was called at most once.
			after := srv.Stats().Calls
			for op, n := range after {
				if n-before[op] > 1 {
					t.Errorf("%s was called %d times", op, n-before[op])
				}
			}
		})
	}
	if n := len(srv.Customers()); n != 2 {
		t.Errorf("%d customers, want the 2 the test added", n)
	}
	if n := len(srv.Cards()); n != 0 {
		t.Errorf("%d cards, want none", n)
	}
}

func TestContractFaultsSurface(t *testing.T) { contractFaultsSurface(t, nil) }

func contractFaultsSurface(t *testing.T, sw *sandbox.Switch) {
	tests := []struct {
		kind  sandbox.FaultKind
		check func(t *testing.T, err error)
	}{
		{sandbox.FaultEX, func(t *testing.T, err error) { wantReason(t, err, moka.ResultCodeEX) }},
		{sandbox.FaultHTML503, func(t *testing.T, err error) {
			var te *moka.TransportError
			if !errors.As(err, &te) || te.HTTPStatus != 503 || !strings.Contains(te.Excerpt, "Service Unavailable") {
				t.Errorf("err = %v, want a TransportError quoting the 503 page", err)
			}
		}},
		{sandbox.FaultReset, func(t *testing.T, err error) {
			var te *moka.TransportError
			if !errors.As(err, &te) || te.HTTPStatus != 0 {
				t.Errorf("err = %v, want a TransportError without status", err)
			}
		}},
		{sandbox.FaultTimeout, func(t *testing.T, err error) {
			if err == nil || !strings.Contains(err.Error(), "request_timeout") {
				t.Errorf("err = %v, want a request_timeout", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			srv, c := startSandboxUnder(t, sw, sandbox.Options{FaultRate: 1, FaultKinds: []sandbox.FaultKind{tt.kind}, TimeoutHang: 2 * time.Second},
				func(cfg *moka.Config) { cfg.MaxRetries = 2; cfg.RequestTimeout = 200 * time.Millisecond })
			_, err := c.GetCustomer(context.Background(), moka.CustomerRef{DealerCustomerID: 1})
			tt.check(t, err)
			if n := srv.Stats().Calls["GetCustomer"]; n != 3 {
				t.Errorf("%d calls, want 3 (retried)", n)
			}
		})
	}
}

// TestContractFaultRunAddCustomer is the idempotency check: with 30% of calls
// failing in every way, including answers lost after the commit, 50 AddCustomer
// calls leave exactly 50 customers, each once, each as sent.
func TestContractFaultRunAddCustomer(t *testing.T) { contractFaultRunAddCustomer(t, nil) }

func contractFaultRunAddCustomer(t *testing.T, sw *sandbox.Switch) {
	srv, c := startSandboxUnder(t, sw,
		sandbox.Options{FaultRate: 0.3, FaultKinds: sandbox.AllFaultKinds, Seed: 4417, TimeoutHang: 2 * time.Second},
		func(cfg *moka.Config) {
			cfg.MaxRetries = 10
			cfg.RequestTimeout = 500 * time.Millisecond
			cfg.RetryBaseDelay = time.Millisecond
			cfg.RetryMaxDelay = 10 * time.Millisecond
		})
	const n = 50
	results := make([]*moka.CustomerWithCards, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cust := sbCustomer(fmt.Sprintf("fault-%02d", i))
			cust.FirstName = fmt.Sprintf("Müşteri %d", i)
			results[i], errs[i] = c.AddCustomer(context.Background(), cust)
		}()
	}
	wg.Wait()

	stored := srv.Customers()
	byCode := map[string]sandbox.Customer{}
	for _, s := range stored {
		if _, dup := byCode[s.CustomerCode]; dup {
			t.Errorf("customer code %s stored twice", s.CustomerCode)
		}
		byCode[s.CustomerCode] = s
	}
	if len(stored) != n {
		t.Errorf("%d customers in the sandbox, want exactly %d", len(stored), n)
	}
	for i := range n {
		code := fmt.Sprintf("fault-%02d", i)
		if errs[i] != nil {
			t.Errorf("AddCustomer %s: %v", code, errs[i])
			continue
		}
		s, ok := byCode[code]
		if !ok {
			t.Errorf("%s is not in the sandbox", code)
			continue
		}
		if results[i].Customer.DealerCustomerID != s.DealerCustomerID || results[i].Customer.FirstName != fmt.Sprintf("Müşteri %d", i) {
			t.Errorf("%s: client has %+v, sandbox has %+v", code, results[i].Customer, s)
		}
	}
	calls := srv.Stats().Calls
	t.Logf("calls: %v", calls)
	if calls["AddCustomer"] <= n {
		t.Errorf("only %d AddCustomer calls for %d customers: the faults did not fire", calls["AddCustomer"], n)
	}
}

// TestContractFaultRunAddCard: the same for cards, which have no unique key
// on the server; the client must look before it adds again.
func TestContractFaultRunAddCard(t *testing.T) { contractFaultRunAddCard(t, nil) }

func contractFaultRunAddCard(t *testing.T, sw *sandbox.Switch) {
	srv, c := startSandboxUnder(t, sw,
		sandbox.Options{TimeoutHang: 2 * time.Second, Seed: 3332},
		func(cfg *moka.Config) {
			cfg.MaxRetries = 10
			cfg.RequestTimeout = 500 * time.Millisecond
			cfg.RetryMaxDelay = 10 * time.Millisecond
		})
	ctx := context.Background()
	owner, err := c.AddCustomer(ctx, sbCustomer("card-owner"))
	if err != nil {
		t.Fatal(err)
	}
	srv.SetFaultRate(0.3)
	const n = 20
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = moka.AddCardSettled(ctx, c, sbCard(moka.CustomerRef{DealerCustomerID: owner.Customer.DealerCustomerID}, sbCardNumber, fmt.Sprintf("kart %02d", i)))
		}()
	}
	wg.Wait()
	srv.SetFaultRate(0)
	for i, err := range errs {
		if err != nil {
			t.Errorf("AddCard %d: %v", i, err)
		}
	}
	names := map[string]int{}
	for _, card := range srv.Cards() {
		names[card.CardName]++
	}
	if len(srv.Cards()) != n || len(names) != n {
		t.Errorf("%d cards with %d names, want %d each: %v", len(srv.Cards()), len(names), n, names)
	}
	t.Logf("calls: %v", srv.Stats().Calls)
}

// TestContractRemoveUnderFaults: removals under faults end with nothing left
// and no error, lost answers included.
func TestContractRemoveUnderFaults(t *testing.T) { contractRemoveUnderFaults(t, nil) }

func contractRemoveUnderFaults(t *testing.T, sw *sandbox.Switch) {
	srv, c := startSandboxUnder(t, sw,
		sandbox.Options{TimeoutHang: 2 * time.Second, Seed: 1033},
		func(cfg *moka.Config) {
			cfg.MaxRetries = 10
			cfg.RequestTimeout = 500 * time.Millisecond
			cfg.RetryMaxDelay = 10 * time.Millisecond
		})
	ctx := context.Background()
	var ids []int64
	var tokens []string
	for i := range 10 {
		got, err := c.AddCustomerWithCard(ctx, sbCustomer(fmt.Sprintf("rm-%d", i)), sbCard(moka.CustomerRef{}, sbCardNumber, "x"))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, got.Customer.DealerCustomerID)
		tokens = append(tokens, got.Card.CardToken)
	}
	srv.SetFaultRate(0.4)
	for i := range 10 {
		if i%2 == 0 {
			if err := c.RemoveCard(ctx, tokens[i]); err != nil {
				t.Errorf("RemoveCard: %v", err)
			}
		}
		if err := c.RemoveCustomer(ctx, moka.CustomerRef{DealerCustomerID: ids[i]}); err != nil {
			t.Errorf("RemoveCustomer: %v", err)
		}
	}
	srv.SetFaultRate(0)
	if n, m := len(srv.Customers()), len(srv.Cards()); n != 0 || m != 0 {
		t.Errorf("%d customers and %d cards left", n, m)
	}
}

// TestContractSecrets: against the sandbox, with every call logged, neither the
// API password, the CheckKey, the customer's PIN nor the card number shows up.
func TestContractSecrets(t *testing.T) { contractSecrets(t, nil) }

func contractSecrets(t *testing.T, sw *sandbox.Switch) {
	logger := &lineLogger{}
	srv, c := startSandboxUnder(t, sw, sandbox.Options{TimeoutHang: time.Second, Seed: 7}, func(cfg *moka.Config) {
		cfg.Logger = logger
		cfg.RequestTimeout = 300 * time.Millisecond
	})
	ctx := context.Background()
	var errs []error
	keep := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	got, err := c.AddCustomerWithCard(ctx, sbCustomer("sec-1"), sbCard(moka.CustomerRef{}, sbCardNumber, "x"))
	if err != nil {
		t.Fatal(err)
	}
	srv.SetFaultRate(0.5)
	for range 5 {
		_, err = c.AddCustomer(ctx, sbCustomer("sec-2"))
		keep(err)
		_, err = c.AddCard(ctx, sbCard(moka.CustomerRef{DealerCustomerID: got.Customer.DealerCustomerID}, sbCardNumber, "y"))
		keep(err)
		_, err = c.GetCustomer(ctx, moka.CustomerRef{CustomerCode: "sec-1"})
		keep(err)
		_, err = c.UpdateCustomer(ctx, moka.CustomerUpdate{Customer: got.Customer})
		keep(err)
	}
	srv.SetFaultRate(0)
	bad := sbCustomer("sec-3")
	bad.Email = "@"
	_, err = c.AddCustomer(ctx, bad)
	keep(err)
	wrong, _ := moka.New(moka.Config{BaseURL: srv.URL(), DealerCode: "SANDBOX", Username: "sandbox", Password: "wrong-pw-77", Logger: logger})
	_, err = wrong.GetCustomerList(ctx)
	keep(err)

	all := logger.all()
	for _, err := range errs {
		all += "\n" + err.Error() + fmt.Sprintf("\n%+v\n%#v", err, err)
	}
	if !strings.Contains(all, "AddCustomer") {
		t.Fatal("nothing was logged")
	}
	for what, s := range map[string]string{
		"API password": sbAPIPassword, "wrong API password": "wrong-pw-77",
		"CheckKey": moka.CheckKey("SANDBOX", "sandbox", sbAPIPassword), "PIN": sbPIN, "card number": sbCardNumber,
	} {
		if strings.Contains(all, s) {
			t.Errorf("the %s appears in the logs or errors", what)
		}
	}
}

type lineLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *lineLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf("%s %v", msg, fields))
}

func (l *lineLogger) all() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// TestContractUnderEverySwitch runs the contract tests again under the
// sandbox's switches, the other answers a real Moka may give where its
// documentation is silent: the client must hold under every one. The tests
// of plain calls run under every switch (but one that checks the sandbox's
// own default answer, which its switch changes); the fault runs, which take
// seconds each, under the switches whose answers their calls meet. The
// transport-level ones (FaultsSurface, Secrets) meet no answer a switch
// changes, and run once, in default mode. One after another, not in
// parallel: the fault runs are timed, and a loaded machine would make them
// (and other packages' timed tests) flaky.
func TestContractUnderEverySwitch(t *testing.T) {
	every := func(except ...string) func(string) bool {
		return func(flag string) bool { return !slices.Contains(except, flag) }
	}
	only := func(flags ...string) func(string) bool {
		return func(flag string) bool { return slices.Contains(flags, flag) }
	}
	tests := []struct {
		name  string
		run   func(*testing.T, *sandbox.Switch)
		under func(flag string) bool
	}{
		// They compare text byte for byte, and clear fields with "": a Moka
		// that cuts, capitalises or keeps text, or lists customers without
		// addresses, is tested by TestClaimedCreatesOnOtherMokas and
		// TestListsWithoutFields instead.
		{"CustomerLifecycle", contractCustomerLifecycle, every("truncate-text", "upper-case-text", "update-keeps-empty", "lists-omit-fields")},
		{"CardLifecycle", contractCardLifecycle, every("upper-case-text")},
		{"TurkishLetters", contractTurkishLetters, every("truncate-text", "upper-case-text")},
		// It checks that a number failing the Luhn check is refused.
		{"ResultCodes", contractResultCodes, every("skip-luhn-check")},
		{"FaultRunAddCustomer", contractFaultRunAddCustomer, only("codes-ignore-case", "update-clears-omitted", "forbid-code-reuse", "unset-as-null")},
		{"FaultRunAddCard", contractFaultRunAddCard, only("add-card-answers-all-cards", "unset-as-null", "extra-fields")},
		{"RemoveUnderFaults", contractRemoveUnderFaults, only("forbid-code-reuse", "codes-ignore-case")},
	}
	for _, sw := range sandbox.Switches {
		t.Run(sw.Flag, func(t *testing.T) {
			for _, tt := range tests {
				if tt.under(sw.Flag) {
					t.Run(tt.name, func(t *testing.T) { tt.run(t, &sw) })
				}
			}
		})
	}
}

// Under --refuse-duplicate-card a second AddCard of the same card is Moka's
// refusal, passed on as such: no retry, no adoption of the first card.
func TestContractDuplicateCardRefused(t *testing.T) {
	srv, c := startSandbox(t, sandbox.Options{DuplicateCardRefused: true})
	ctx := context.Background()
	added, err := c.AddCustomer(ctx, sbCustomer("C-dup"))
	if err != nil {
		t.Fatal(err)
	}
	ref := moka.CustomerRef{DealerCustomerID: added.Customer.DealerCustomerID}
	if _, err := c.AddCard(ctx, sbCard(ref, sbCardNumber, "first")); err != nil {
		t.Fatal(err)
	}
	_, err = c.AddCard(ctx, sbCard(ref, sbCardNumber, "second"))
	wantReason(t, err, moka.ReasonInvalidRequest)
	if strings.Contains(err.Error(), sbCardNumber) || !strings.Contains(err.Error(), "AddCard") {
		t.Errorf("error %q: want the operation named and no card number", err)
	}
	if n := len(srv.Cards()); n != 1 {
		t.Errorf("%d cards stored, want 1", n)
	}
	if n := srv.Stats().Calls["AddCard"]; n != 2 {
		t.Errorf("%d AddCard calls, want 2 (a refusal is not retried)", n)
	}
}
