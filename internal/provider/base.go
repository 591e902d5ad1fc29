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

// resourceBase is the Configure step every resource shares.
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

// keepStateWhileUnconfigured: while the provider's settings wait on other
// resources, Terraform cannot defer the read, so state is kept with a warning
// and the plan goes on. Not for an import: it has no state to keep.
func (b *resourceBase) keepStateWhileUnconfigured(resp *resource.ReadResponse, haveState bool, kind, what string) bool {
	if (b.data != nil && b.data.client != nil) || !haveState {
		return false
	}
	resp.Diagnostics.AddWarning("Moka "+kind+" not refreshed",
		fmt.Sprintf("The moka provider's settings depend on values known only after apply, so %s was not read from Moka; "+
			"the plan uses its last known state, and changes made outside Terraform show after the next apply.", what))
	return true
}

// begin gives the client (nil when the operation must stop, the reason in
// diags) and ctx bounded by the resource's timeout; cancel is always called.
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

// tuning is what a test changes in one provider instance (nil for users).
// Tests run in parallel, each with its own provider, never tuning the package.
type tuning struct {
	// retryBaseDelay: real backoff would take the simulation hours.
	retryBaseDelay time.Duration
	// noStopGrace plays a killed provider.
	noStopGrace atomic.Bool
	// ahead moves the clock on (ns), to wait out a create's mark.
	ahead atomic.Int64
}

// now: d may be nil (a provider not configured yet).
func (d *providerData) now() time.Time {
	if d == nil || d.tuning == nil {
		return time.Now()
	}
	return time.Now().Add(time.Duration(d.tuning.ahead.Load()))
}

func (d *providerData) stopGrace() time.Duration {
	if d != nil && d.tuning != nil && d.tuning.noStopGrace.Load() {
		return 0
	}
	return stopGrace
}

// untilDone gives a create grace more after Terraform's first Ctrl-C, within
// its deadline: stopped between AddCustomer (or AddCard) and its answer, it
// would lose what it made and leave a record to settle.
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
