package provider

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
)

// protocolFixture is the provider behind its protocol server, configured for
// srv, as Terraform drives it.
type protocolFixture struct {
	t      *testing.T
	server tfprotov6.ProviderServer
	types  map[string]tftypes.Object
}

func newProtocolFixture(t *testing.T, srv *sandbox.Server) *protocolFixture {
	t.Helper()
	return newProtocolFixtureAt(t, srv.URL(), nil)
}

// newProtocolFixtureAt configures the provider for baseURL with the sandbox's
// account and settings (max_retries, request_timeout, ...).
func newProtocolFixtureAt(t *testing.T, baseURL string, settings map[string]tftypes.Value) *protocolFixture {
	t.Helper()
	return newTunedProtocolFixture(t, baseURL, settings, nil)
}

// newTunedProtocolFixture is newProtocolFixtureAt with a provider that has
// tuning of its own (nil: the defaults).
func newTunedProtocolFixture(t *testing.T, baseURL string, settings map[string]tftypes.Value, tn *tuning) *protocolFixture {
	t.Helper()
	server, err := providerserver.NewProtocol6WithError(&mokaProvider{version: "test", tuning: tn})()
	if err != nil {
		t.Fatal(err)
	}
	schema, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	f := &protocolFixture{t: t, server: server, types: map[string]tftypes.Object{}}
	for name, s := range schema.ResourceSchemas {
		f.types[name] = s.ValueType().(tftypes.Object) //nolint:forcetypeassert // a resource schema's type is an object
	}
	providerType := schema.Provider.ValueType().(tftypes.Object) //nolint:forcetypeassert // so is the provider's
	vals := map[string]tftypes.Value{
		"base_url":    tftypes.NewValue(tftypes.String, baseURL),
		"dealer_code": tftypes.NewValue(tftypes.String, "SANDBOX"),
		"username":    tftypes.NewValue(tftypes.String, "sandbox"),
		"password":    tftypes.NewValue(tftypes.String, "sandbox"),
	}
	maps.Copy(vals, settings)
	config := objectOf(providerType, vals)
	resp, err := server.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: dynamic(t, providerType, config)})
	if err != nil || hasError(resp.Diagnostics) {
		t.Fatalf("ConfigureProvider: %v %v", err, resp.Diagnostics)
	}
	return f
}

// read is ReadResource of typ with state vals and private state keys.
func (f *protocolFixture) read(typ string, vals map[string]tftypes.Value, private map[string]string) (tftypes.Value, []*tfprotov6.Diagnostic) {
	f.t.Helper()
	resp, err := f.server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{
		TypeName: typ, CurrentState: dynamic(f.t, f.types[typ], objectOf(f.types[typ], vals)), Private: privateBytes(f.t, private),
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return unmarshal(f.t, f.types[typ], resp.NewState), resp.Diagnostics
}

// privateBytes is private state as the framework writes it: a JSON object of
// keys and base64 values.
func privateBytes(t *testing.T, keys map[string]string) []byte {
	t.Helper()
	if len(keys) == 0 {
		return nil
	}
	encoded := map[string]string{}
	for k, v := range keys {
		encoded[k] = base64.StdEncoding.EncodeToString([]byte(v))
	}
	b, err := json.Marshal(encoded)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestLegacyPendingRecordsAreNeverAdopted: states written by builds before
// the claim (never released) keep an unconfirmed create as a record marked
// create_uncertain, without a claim. After the upgrade, a refresh must not
// adopt the customer or card that looks like it (those builds did): it drops
// the record with a warning that says how to adopt, and Moka is left as it was.
func TestLegacyPendingRecordsAreNeverAdopted(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	held, err := srv.PutCustomer(sandbox.Customer{CustomerCode: "LEG-1", FirstName: "Eski"})
	if err != nil {
		t.Fatal(err)
	}
	card, err := srv.AddCardDirect(held.DealerCustomerID, "Eski Kart", "5127541122223332", "12", "2030", "eski")
	if err != nil {
		t.Fatal(err)
	}
	f := newProtocolFixture(t, srv)
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

	for _, tt := range []struct {
		name    string
		typ     string
		vals    map[string]tftypes.Value
		private map[string]string
		warns   []string
	}{
		{
			name: "customer", typ: "moka_dealer_customer",
			vals:    map[string]tftypes.Value{"customer_code": str("LEG-1"), "first_name": str("Eski")},
			private: map[string]string{"create_uncertain": "true", "password_write_only": "false"},
			warns:   []string{"dropped from state", `customer_code "LEG-1"`, "import"},
		},
		{
			name: "card", typ: "moka_card",
			vals: map[string]tftypes.Value{
				"customer_code": str("LEG-1"), "card_holder_full_name": str("Eski Kart"), "exp_month": str("12"), "exp_year": str("2030"),
				"card_name": str("eski"), "card_number_first_six": str("512754"), "card_number_last_four": str("3332"),
			},
			private: map[string]string{"create_uncertain": "true", "cards_before_create": "[]"},
			warns:   []string{"dropped from state", `the card of customer_code "LEG-1"`, "nothing can prove"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, diags := f.read(tt.typ, tt.vals, tt.private)
			if hasError(diags) {
				t.Fatalf("errors: %v", errorsOf(diags))
			}
			if !got.IsNull() {
				t.Errorf("the 0.1 record was kept: %v", got)
			}
			w := warningsOf(diags)
			for _, want := range tt.warns {
				if !strings.Contains(w, want) {
					t.Errorf("warning %q lacks %q", w, want)
				}
			}
		})
	}
	if c := srv.Customers(); len(c) != 1 || c[0] != held {
		t.Errorf("the sandbox's customers changed: %+v", c)
	}
	if c := srv.Cards(); !slices.Equal(c, []sandbox.Card{card}) {
		t.Errorf("the sandbox's cards changed: %+v", c)
	}
}

// TestPendingRecordsOfTheEarlierClaimForm: a pending record written by the
// build before claims changed form keeps the old claim
// ("terraform-provider-moka create <hex>") in create_claim. After the upgrade
// its refresh still adopts the customer or card carrying that exact claim,
// and only that one.
func TestPendingRecordsOfTheEarlierClaimForm(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	const oldClaim = "terraform-provider-moka create 0123456789abcdef"
	held, err := srv.PutCustomer(sandbox.Customer{CustomerCode: "OLD-1", Address: oldClaim})
	if err != nil {
		t.Fatal(err)
	}
	card, err := srv.AddCardDirect(held.DealerCustomerID, "Eski Kart", "5127541122223332", "12", "2030", oldClaim)
	if err != nil {
		t.Fatal(err)
	}
	f := newProtocolFixture(t, srv)
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	claim, _ := json.Marshal(oldClaim)
	for _, tt := range []struct {
		name, typ, attr, want string
		vals                  map[string]tftypes.Value
	}{
		{name: "customer", typ: "moka_dealer_customer", attr: "dealer_customer_id", want: "1033",
			vals: map[string]tftypes.Value{"customer_code": str("OLD-1"), "address": str("Moda Cd. 1")}},
		{name: "card", typ: "moka_card", attr: "card_token", want: card.CardToken,
			vals: map[string]tftypes.Value{"customer_code": str("OLD-1"), "card_holder_full_name": str("Eski Kart"), "exp_month": str("12"), "exp_year": str("2030")}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, diags := f.read(tt.typ, tt.vals, map[string]string{"create_claim": string(claim)})
			if hasError(diags) || got.IsNull() {
				t.Fatalf("refresh: %v, state %v", errorsOf(diags), got)
			}
			vals := map[string]tftypes.Value{}
			if err := got.As(&vals); err != nil {
				t.Fatal(err)
			}
			if s := fmt.Sprint(vals[tt.attr]); !strings.Contains(s, tt.want) {
				t.Errorf("%s = %s, want %s: the record was not settled", tt.attr, s, tt.want)
			}
		})
	}
}

// TestSettlingUpdateThatFails: a pending record updated before any refresh
// (-refresh=false) is settled when its customer carries the claim; if the
// update itself then fails, the state keeps the settled customer (its id),
// never a record that lost its claim, which a later destroy would leave
// behind in Moka carrying the claim. (Found by make soak.)
func TestSettlingUpdateThatFails(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	claim := moka.NewClaim()
	held, err := srv.PutCustomer(sandbox.Customer{CustomerCode: "SET-1", FirstName: claim})
	if err != nil {
		t.Fatal(err)
	}
	var updates atomic.Int32
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if path.Base(r.URL.Path) == "UpdateCustomer" {
			updates.Add(1)
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	f := newProtocolFixtureAt(t, front.URL, map[string]tftypes.Value{"max_retries": tftypes.NewValue(tftypes.Number, int64(0))})
	typ := f.types["moka_dealer_customer"]
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	prior := objectOf(typ, map[string]tftypes.Value{"customer_code": str("SET-1"), "first_name": str("Ayşe")})
	planned := objectOf(typ, map[string]tftypes.Value{
		"customer_code": str("SET-1"), "first_name": str("Elif"),
		"id": tftypes.NewValue(tftypes.String, tftypes.UnknownValue), "dealer_customer_id": tftypes.NewValue(tftypes.Number, tftypes.UnknownValue),
	})
	config := objectOf(typ, map[string]tftypes.Value{"customer_code": str("SET-1"), "first_name": str("Elif")})
	raw, _ := json.Marshal(claim)
	resp, err := f.server.ApplyResourceChange(context.Background(), &tfprotov6.ApplyResourceChangeRequest{
		TypeName: "moka_dealer_customer", PriorState: dynamic(t, typ, prior), PlannedState: dynamic(t, typ, planned),
		Config: dynamic(t, typ, config), PlannedPrivate: privateBytes(t, map[string]string{"create_claim": string(raw)}),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !hasError(resp.Diagnostics) || updates.Load() == 0 {
		t.Fatalf("the update did not fail as staged: %v (%d UpdateCustomer calls)", errorsOf(resp.Diagnostics), updates.Load())
	}
	got := unmarshal(t, typ, resp.NewState)
	vals := map[string]tftypes.Value{}
	if err := got.As(&vals); err != nil {
		t.Fatal(err)
	}
	if !vals["dealer_customer_id"].IsKnown() || vals["dealer_customer_id"].IsNull() || !strings.Contains(fmt.Sprint(vals["dealer_customer_id"]), strconv.FormatInt(held.DealerCustomerID, 10)) {
		t.Errorf("after the failed settling update, state holds dealer_customer_id %v, want %d", vals["dealer_customer_id"], held.DealerCustomerID)
	}
}
