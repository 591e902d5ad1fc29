package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"strings"
	"testing"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-log/tfsdklogtest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
)

type ctxKey struct{}

// payload stands for what a call's context carries (the gRPC stream, loggers).
type payload struct{ _ [64 << 10]byte }

// callsRetained makes n ValidateResourceConfig calls, each with a context
// carrying its own payload, and says how many payloads are still reachable
// once the calls have returned.
func callsRetained(t *testing.T, srv tfprotov6.ProviderServer, n int) int {
	t.Helper()
	refs := make([]weak.Pointer[payload], n)
	for i := range refs {
		p := &payload{}
		refs[i] = weak.Make(p)
		ctx := context.WithValue(t.Context(), ctxKey{}, p)
		// An unknown type name: the framework answers with a diagnostic, having
		// taken the context first, which is all this test needs.
		if _, err := srv.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: "moka_nothing"}); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	runtime.GC()
	alive := 0
	for _, r := range refs {
		if r.Value() != nil {
			alive++
		}
	}
	return alive
}

func TestServerReleasesCallContexts(t *testing.T) {
	const n = 50
	framework := providerserver.NewProtocol6(New("test")())()
	if alive := callsRetained(t, framework, n); alive != n {
		t.Errorf("the framework's own server kept %d of %d call contexts; it no longer keeps them all, so newServer's workaround may be obsolete: check proto6server.registerContext", alive, n)
	}
	if alive := callsRetained(t, newServer(New("test")(), true), n); alive != 0 {
		t.Errorf("newServer's server kept %d of %d call contexts after the calls returned, want 0", alive, n)
	}
}

func TestDetachedContext(t *testing.T) {
	parent, cancel := context.WithCancel(context.WithValue(t.Context(), ctxKey{}, "v"))
	ctx, release := releasingServer{}.detach(parent)
	defer release()
	if got := ctx.Value(ctxKey{}); got != "v" {
		t.Errorf("Value while attached = %v, want v", got)
	}
	// A context derived from it (as the framework derives one) sees the call's
	// cancellation while the call runs.
	child, stop := context.WithCancel(ctx)
	defer stop()
	cancel()
	<-child.Done()
	if !errors.Is(child.Err(), context.Canceled) || !errors.Is(ctx.Err(), context.Canceled) {
		t.Errorf("after the call's context ended: Err = %v, child Err = %v", ctx.Err(), child.Err())
	}

	released, releaseNow := releasingServer{}.detach(context.WithValue(t.Context(), ctxKey{}, "w"))
	releaseNow()
	select {
	case <-released.Done():
	default:
		t.Error("a released context is not done")
	}
	if released.Value(ctxKey{}) != nil || !errors.Is(released.Err(), context.Canceled) {
		t.Errorf("released: Value = %v, Err = %v; want nil, canceled", released.Value(ctxKey{}), released.Err())
	}
	if _, ok := released.Deadline(); ok {
		t.Error("released context has a deadline")
	}
}

// TestAccServerLifecycle runs a customer through create, refresh, update,
// import and destroy on the server Serve gives Terraform when it keeps the
// provider's logs (TF_LOG set): loggers in every call and the framework's own
// UpgradeResourceState, which the other acceptance tests, with logs discarded,
// do not take.
func TestAccServerLifecycle(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	factories := map[string]func() (tfprotov6.ProviderServer, error){
		"moka": func() (tfprotov6.ProviderServer, error) { return newServer(New("test")(), false), nil },
	}
	cfg := func(lastName string) string {
		return providerBlock(srv) + fmt.Sprintf(`
resource "moka_dealer_customer" "c" {
  customer_code = "SERVER-1"
  first_name    = "Elif"
  last_name     = %q
  password      = "PIN-1"
}
`, lastName)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config: cfg("Yetimoğlu"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("moka_dealer_customer.c", tfjsonpath.New("last_name"), knownvalue.StringExact("Yetimoğlu")),
				},
			},
			{
				Config: cfg("Yılmaz"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("moka_dealer_customer.c", plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("moka_dealer_customer.c", tfjsonpath.New("last_name"), knownvalue.StringExact("Yılmaz")),
				},
			},
			{
				ResourceName:      "moka_dealer_customer.c",
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{
					"timeouts",
					"password", // an import reads no password: not managed until configured
				},
			},
		},
	})
	if left := len(srv.Customers()); left != 0 {
		t.Errorf("%d customers left in the sandbox after destroy", left)
	}
}

func TestQuietLogsTerraformDiscards(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want map[string]string // variables after; unlisted ones stay unset
	}{
		{"no logging asked for: every plugin logger off", map[string]string{},
			map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER_MOKA": "OFF"}},
		{"TF_LOG set: untouched", map[string]string{"TF_LOG": "DEBUG"}, map[string]string{"TF_LOG": "DEBUG"}},
		{"TF_LOG_PROVIDER set: untouched", map[string]string{"TF_LOG_PROVIDER": "TRACE"}, map[string]string{"TF_LOG_PROVIDER": "TRACE"}},
		{"TF_LOG_PATH alone shows no provider log: off", map[string]string{"TF_LOG_PATH": "tf.log"},
			map[string]string{"TF_LOG_PATH": "tf.log", "TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER_MOKA": "OFF"}},
		{"a level the user chose is kept", map[string]string{"TF_LOG_SDK_FRAMEWORK": "DEBUG"},
			map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "DEBUG", "TF_LOG_PROVIDER_MOKA": "OFF"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := maps.Clone(tt.env)
			quietLogsTerraformDiscards(func(k string) string { return env[k] }, func(k, v string) error { env[k] = v; return nil })
			if !maps.Equal(env, tt.want) {
				t.Errorf("environment = %v, want %v", env, tt.want)
			}
		})
	}
}

func TestGCSettings(t *testing.T) {
	tests := []struct {
		env         map[string]string
		wantPercent int
		wantLimit   int64
	}{
		{map[string]string{}, 400, 32 << 20},
		{map[string]string{"GOGC": "100"}, 0, 0},
		{map[string]string{"GOGC": "off"}, 0, 0},
		{map[string]string{"GOMEMLIMIT": "1GiB"}, 0, 0},
	}
	for _, tt := range tests {
		percent, limit := gcSettings(func(k string) string { return tt.env[k] })
		if percent != tt.wantPercent || limit != tt.wantLimit {
			t.Errorf("%v: gcSettings = %d, %d; want %d, %d", tt.env, percent, limit, tt.wantPercent, tt.wantLimit)
		}
	}
}

// TestCallLogger: the client logs each call (masked) unless this provider's
// log is off, when masking the bodies would be work thrown away.
func TestCallLogger(t *testing.T) {
	for value, wantLogger := range map[string]bool{"": true, "DEBUG": true, "OFF": false, "off": false} {
		t.Run(value, func(t *testing.T) {
			t.Setenv("TF_LOG_PROVIDER_MOKA", value)
			if got := callLogger() != nil; got != wantLogger {
				t.Errorf("TF_LOG_PROVIDER_MOKA=%q: logger %v, want %v", value, got, wantLogger)
			}
		})
	}
}

// TestQuietServerHidesPluginLoggers: with Terraform discarding the plugin's
// log lines, the per-resource calls see no logger at all (the framework's
// per-attribute logging then costs nothing); otherwise they log as before.
func TestQuietServerHidesPluginLoggers(t *testing.T) {
	for _, quiet := range []bool{false, true} {
		var out bytes.Buffer
		ctx := tfsdklogtest.RootLogger(t.Context(), &out)
		srv := newServer(New("test")(), quiet)
		if _, err := srv.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: "moka_nothing"}); err != nil {
			t.Fatal(err)
		}
		if logged := out.Len() > 0; logged == quiet {
			t.Errorf("quiet %v: logged %d bytes", quiet, out.Len())
		}
		// A state at its version: passed through only when nobody reads the
		// trace; otherwise the framework says how it upgraded it.
		out.Reset()
		upgrade := &tfprotov6.UpgradeResourceStateRequest{TypeName: "moka_dealer_customer", RawState: &tfprotov6.RawState{JSON: []byte(`{"customer_code":"C1"}`)}}
		if resp, err := srv.UpgradeResourceState(ctx, upgrade); err != nil || resp.UpgradedState == nil || hasError(resp.Diagnostics) {
			t.Fatalf("quiet %v: UpgradeResourceState = %+v, %v", quiet, resp, err)
		}
		if said := strings.Contains(out.String(), "passthrough implementation"); said == quiet {
			t.Errorf("quiet %v: the framework's upgrade trace said: %v", quiet, said)
		}
	}
}
