package provider

import (
	"context"
	"fmt"
	"os"
	"reflect"
	runtimedebug "runtime/debug"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// Address is the provider's registry address.
const Address = "registry.terraform.io/terraform-moka/moka"

// Serve serves the provider to Terraform, or with debug to a debugger, through
// newServer. Why the process is tuned so: DESIGN.md, "The provider process".
func Serve(version string, debug bool) error {
	return ServeProvider(Address, New(version), debug)
}

// ServeProvider serves p as Serve serves this provider; make bench serves its
// schema floor (this provider's schemas, doing nothing) with it.
func ServeProvider(address string, p func() provider.Provider, debug bool) error {
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	} else {
		quietLogsTerraformDiscards(os.Getenv, os.Setenv)
	}
	if percent, limit := gcSettings(os.Getenv); percent != 0 {
		runtimedebug.SetGCPercent(percent)
		runtimedebug.SetMemoryLimit(limit)
	}
	quiet := !debug && logsDiscarded(os.Getenv)
	return tf6server.Serve(address, func() tfprotov6.ProviderServer { return newServer(p(), quiet) }, opts...)
}

// logsDiscarded: without TF_LOG or TF_LOG_PROVIDER, Terraform throws away
// every line a provider logs.
func logsDiscarded(getenv func(string) string) bool {
	return getenv("TF_LOG") == "" && getenv("TF_LOG_PROVIDER") == ""
}

var pluginLogVariables = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_MOKA"}

// quietLogsTerraformDiscards turns the plugin's loggers off when Terraform
// would throw their lines away; a variable the user set is left as it is.
func quietLogsTerraformDiscards(getenv func(string) string, setenv func(string, string) error) {
	if !logsDiscarded(getenv) {
		return
	}
	for _, name := range pluginLogVariables {
		if getenv(name) == "" {
			_ = setenv(name, "OFF")
		}
	}
}

// gcSettings: GOGC=400 and a 32 MiB soft limit, unless the user set GOGC or
// GOMEMLIMIT (percent 0: leave Go's defaults).
func gcSettings(getenv func(string) string) (percent int, limit int64) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return 0, 0
	}
	return 400, 32 << 20
}

// newServer is the plugin framework's protocol 6 server for p, with the
// per-resource calls' contexts cut loose when they return (the framework keeps
// every call's context until StopProvider: DESIGN.md, "The provider process");
// quiet hides the plugin's loggers from those calls (pluginLogKey) and lets
// UpgradeResourceState pass states through.
func newServer(p provider.Provider, quiet bool) tfprotov6.ProviderServer {
	return releasingServer{ProviderServer: providerserver.NewProtocol6(p)(), quiet: quiet, upgrades: &passthroughUpgrades{}}
}

// releasingServer passes on, of the framework's optional interfaces, list
// resources only: this provider has no actions or state stores.
type releasingServer struct {
	tfprotov6.ProviderServer
	quiet    bool
	upgrades *passthroughUpgrades
}

var (
	_ tfprotov6.ProviderServer                 = releasingServer{}
	_ tfprotov6.ProviderServerWithListResource = releasingServer{} //nolint:staticcheck // the interface the framework's server is served through until ProviderServer has these calls
)

func (s releasingServer) listServer() (tfprotov6.ListResourceServer, error) {
	l, ok := s.ProviderServer.(tfprotov6.ListResourceServer)
	if !ok {
		return nil, fmt.Errorf("the plugin framework's server %T does not serve list resources", s.ProviderServer)
	}
	return l, nil
}

// ValidateListResourceConfig and ListResource are called once per list block
// of a query, not per resource: no detached context needed.
func (s releasingServer) ValidateListResourceConfig(ctx context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	l, err := s.listServer()
	if err != nil {
		return nil, err
	}
	return l.ValidateListResourceConfig(ctx, req)
}

func (s releasingServer) ListResource(ctx context.Context, req *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	l, err := s.listServer()
	if err != nil {
		return nil, err
	}
	return l.ListResource(ctx, req)
}

var ended = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()

type ctxRef struct{ ctx context.Context }

// detachableContext forwards to a call's context until release, and to ended
// after. A quiet one has no loggers: see pluginLogKey.
type detachableContext struct {
	to    atomic.Pointer[ctxRef]
	quiet bool
}

func (d *detachableContext) current() context.Context    { return d.to.Load().ctx }
func (d *detachableContext) Deadline() (time.Time, bool) { return d.current().Deadline() }
func (d *detachableContext) Done() <-chan struct{}       { return d.current().Done() }
func (d *detachableContext) Err() error                  { return d.current().Err() }

func (d *detachableContext) Value(key any) any {
	if d.quiet && pluginLogKey(key) {
		return nil
	}
	return d.current().Value(key)
}

// pluginLogKey says whether key is one under which terraform-plugin-log keeps
// its loggers and their fields. With its levels OFF (quietLogsTerraformDiscards)
// the framework still builds a logger and copies its fields into a new context
// for every attribute it walks: a tenth of the provider's CPU in a no-change
// plan of 3000 customers (BENCHMARKS.md). Without a root logger in the context
// all of that is a no-op, which is what Terraform does with the lines anyway.
func pluginLogKey(key any) bool {
	t := reflect.TypeOf(key)
	return t != nil && t.PkgPath() == pluginLogKeysPackage
}

const pluginLogKeysPackage = "github.com/hashicorp/terraform-plugin-log/internal/logging"

func (s releasingServer) detach(ctx context.Context) (detached context.Context, release func()) {
	d := &detachableContext{quiet: s.quiet}
	d.to.Store(&ctxRef{ctx})
	return d, func() { d.to.Store(&ctxRef{ended}) }
}

func (s releasingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	ctx, release := s.detach(ctx)
	defer release()
	return s.ProviderServer.ValidateResourceConfig(ctx, req)
}

func (s releasingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	ctx, release := s.detach(ctx)
	defer release()
	// With logs kept, the framework answers: its trace says how it upgraded.
	if s.quiet {
		if resp, ok := s.upgrades.upgrade(ctx, s.ProviderServer, req); ok {
			return resp, nil
		}
	}
	return s.ProviderServer.UpgradeResourceState(ctx, req)
}

func (s releasingServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	ctx, release := s.detach(ctx)
	defer release()
	return s.ProviderServer.UpgradeResourceIdentity(ctx, req)
}

func (s releasingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	ctx, release := s.detach(ctx)
	defer release()
	return s.ProviderServer.ReadResource(ctx, req)
}

func (s releasingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	ctx, release := s.detach(ctx)
	defer release()
	return s.ProviderServer.PlanResourceChange(ctx, req)
}

func (s releasingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	ctx, release := s.detach(ctx)
	defer release()
	return s.ProviderServer.ApplyResourceChange(ctx, req)
}

func (s releasingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	ctx, release := s.detach(ctx)
	defer release()
	return s.ProviderServer.ImportResourceState(ctx, req)
}

func (s releasingServer) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	ctx, release := s.detach(ctx)
	defer release()
	return s.ProviderServer.MoveResourceState(ctx, req)
}

func (s releasingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	ctx, release := s.detach(ctx)
	defer release()
	return s.ProviderServer.ValidateDataResourceConfig(ctx, req)
}

func (s releasingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	ctx, release := s.detach(ctx)
	defer release()
	return s.ProviderServer.ReadDataSource(ctx, req)
}
