package provider

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// resourceBase is the Configure step every resource shares, and the client it
// gives them.
type resourceBase struct {
	data *providerData
}

func (b *resourceBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, err := providerDataFrom(req.ProviderData)
	if err != nil {
		resp.Diagnostics.AddError("Unexpected provider data", err.Error())
		return
	}
	b.data = data
}

// keepStateWhileUnconfigured is a refresh while the provider's settings are
// unknown until other resources are applied (Terraform cannot defer the read):
// it keeps what state says, with a warning, so that the plan goes on; apply
// configures the provider. It does nothing, and returns false, once the
// provider is configured, or for an import (no state to keep), which then
// fails with the client's "not configured" error.
func (b *resourceBase) keepStateWhileUnconfigured(resp *resource.ReadResponse, haveState bool, kind, what string) bool {
	if (b.data != nil && b.data.client != nil) || !haveState {
		return false
	}
	resp.Diagnostics.AddWarning("Moka "+kind+" not refreshed",
		fmt.Sprintf("The moka provider's settings depend on values known only after apply, so %s was not read from Moka; "+
			"the plan uses its last known state, and changes made outside Terraform show after the next apply.", what))
	return true
}

// begin starts a create, read, update or delete: unless diags already has an
// error, it gives the client and ctx bounded by the resource's timeout (def
// when its timeouts block says nothing). The client is nil when the operation
// must stop, with the reason in diags; cancel is always to be called.
func (b *resourceBase) begin(ctx context.Context, diags *diag.Diagnostics, timeout func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), def time.Duration) (context.Context, context.CancelFunc, *moka.Client) {
	client := b.client(diags)
	if diags.HasError() || client == nil {
		return ctx, func() {}, nil
	}
	ctx, cancel, timeoutDiags := withTimeout(ctx, timeout, def)
	diags.Append(timeoutDiags...)
	if diags.HasError() {
		return ctx, cancel, nil
	}
	return ctx, cancel, client
}

// client is the configured client, or nil after adding an error saying the
// provider's configuration is not known yet.
func (b *resourceBase) client(diags interface{ AddError(string, string) }) *moka.Client {
	return configuredClient(b.data, diags)
}

// dataSourceBase is the Configure step every data source shares.
type dataSourceBase struct {
	data *providerData
}

func (b *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data, err := providerDataFrom(req.ProviderData)
	if err != nil {
		resp.Diagnostics.AddError("Unexpected provider data", err.Error())
		return
	}
	b.data = data
}

func (b *dataSourceBase) client(diags interface{ AddError(string, string) }) *moka.Client {
	return configuredClient(b.data, diags)
}

func configuredClient(data *providerData, diags interface{ AddError(string, string) }) *moka.Client {
	if data == nil || data.client == nil {
		diags.AddError("Provider not configured", notConfigured)
		return nil
	}
	return data.client
}

// stopGrace is how long a create goes on after Terraform's first Ctrl-C.
const stopGrace = 5 * time.Second

// tuning is what a test changes in one provider instance (mokaProvider's
// tuning; nil in the provider users run, which takes the defaults). Tests run
// in parallel, each with its own provider: they tune it, never the package.
type tuning struct {
	// retryBaseDelay replaces the client's retry backoff (zero: its
	// defaults): the simulation makes thousands of failing calls, and real
	// backoff would take it hours.
	retryBaseDelay time.Duration
	// noStopGrace plays a killed provider, whose calls end at once at
	// Terraform's stop (the simulation sets it for one apply).
	noStopGrace atomic.Bool
	// ahead moves the provider's clock on (nanoseconds): the simulation
	// waits out a create's mark this way.
	ahead atomic.Int64
}

// now is the time a card's expiry and the age of a create's mark are
// checked against. d may be nil (a provider not configured yet).
func (d *providerData) now() time.Time {
	if d == nil || d.tuning == nil {
		return time.Now()
	}
	return time.Now().Add(time.Duration(d.tuning.ahead.Load()))
}

// stopGrace is how long this provider's creates go on after Terraform's first
// Ctrl-C (stopGrace, unless a test plays a killed provider).
func (d *providerData) stopGrace() time.Duration {
	if d != nil && d.tuning != nil && d.tuning.noStopGrace.Load() {
		return 0
	}
	return stopGrace
}

// untilDone is ctx for a create: Terraform's first Ctrl-C (StopProvider)
// gives it grace more (stopGrace), within the operation's deadline, instead of
// cutting it off. Stopped between AddCustomer (or AddCard) and its answer, a
// create would lose what it made and leave a record to settle; an answer on
// its way arrives within the grace, the finishing write follows, and the
// object is saved. A call Moka holds longer ends with the grace, and the create
// leaves a pending record. A killed terraform ends the provider process itself
// (main.go watches its parent).
func untilDone(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	var detached context.Context
	var cancel context.CancelFunc
	if deadline, ok := ctx.Deadline(); ok {
		detached, cancel = context.WithDeadline(context.WithoutCancel(ctx), deadline)
	} else {
		detached, cancel = context.WithCancel(context.WithoutCancel(ctx))
	}
	var mu sync.Mutex
	var afterStop *time.Timer
	stopWatching := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		afterStop = time.AfterFunc(grace, cancel)
	})
	return detached, func() {
		stopWatching()
		mu.Lock()
		if afterStop != nil {
			afterStop.Stop()
		}
		mu.Unlock()
		cancel()
	}
}
