// Package provider is the Moka Terraform provider: its configuration, resources
// and data sources. It talks to Moka only through internal/moka.
package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

var (
	_ provider.Provider                  = (*mokaProvider)(nil)
	_ provider.ProviderWithListResources = (*mokaProvider)(nil)
)

type mokaProvider struct {
	version string
	tuning  *tuning // tests only (base.go)
}

// New returns the provider factory for providerserver.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &mokaProvider{version: version}
	}
}

type providerModel struct {
	DealerCode     types.String  `tfsdk:"dealer_code"`
	Username       types.String  `tfsdk:"username"`
	Password       types.String  `tfsdk:"password"`
	Environment    types.String  `tfsdk:"environment"`
	BaseURL        types.String  `tfsdk:"base_url"`
	MaxRetries     types.Int64   `tfsdk:"max_retries"`
	RequestTimeout types.String  `tfsdk:"request_timeout"`
	MaxRequestsPS  types.Float64 `tfsdk:"max_requests_per_second"`
}

func (p *mokaProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "moka"
	resp.Version = p.version
}

func (p *mokaProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Manages the customers and stored cards of a Moka United dealer account through Moka's DealerCustomer API.",
		Attributes: map[string]schema.Attribute{
			"dealer_code": schema.StringAttribute{
				Description: "Dealer code issued by Moka. Can also be set with the `" + EnvDealerCode + "` environment variable.",
				Optional:    true,
			},
			"username": schema.StringAttribute{
				Description: "API username issued by Moka. Can also be set with the `" + EnvUsername + "` environment variable.",
				Optional:    true,
			},
			"password": schema.StringAttribute{
				Description: "API password issued by Moka. Can also be set with the `" + EnvPassword + "` environment variable.",
				Optional:    true,
				Sensitive:   true,
			},
			"environment": schema.StringAttribute{
				Description: "Moka environment: `test` (" + moka.TestBaseURL + ") or `production` (" + moka.ProductionBaseURL + "). " +
					"Can also be set with the `" + EnvEnvironment + "` environment variable. One of `environment` and `base_url` is required: " +
					"nothing defaults to production.",
				Optional: true,
			},
			"base_url": schema.StringAttribute{
				Description: "Base URL of the DealerCustomer API, overriding `environment`: the local sandbox, a proxy, or an older Moka host name. " +
					"Must be `https://`, except on loopback addresses. Can also be set with the `" + EnvBaseURL + "` environment variable.",
				Optional: true,
			},
			"max_retries": schema.Int64Attribute{
				Description: fmt.Sprintf("How many times a call that failed in a way that is safe to retry (a timeout, a reset connection, HTTP 429 or 5xx, Moka's `EX`) is tried again, with exponential backoff and jitter. Defaults to %d; 0 turns retries off. Can also be set with the `%s` environment variable.", moka.DefaultMaxRetries, EnvMaxRetries),
				Optional:    true,
			},
			"request_timeout": schema.StringAttribute{
				Description: fmt.Sprintf("How long one HTTP attempt may take, as a Go duration such as `30s` or `1m`. Defaults to `%s`. Can also be set with the `%s` environment variable.", moka.DefaultRequestTimeout, EnvRequestTimeout),
				Optional:    true,
			},
			"max_requests_per_second": schema.Float64Attribute{
				Description: fmt.Sprintf("The most requests a second this provider sends to Moka, retries included, counted across every resource and data source "+
					"of the provider process (a fraction such as `0.5` is one request every two seconds). Defaults to %d, which Terraform's default parallelism "+
					"against Moka's usual answer times does not reach, except against a loopback `base_url` (`127.0.0.0/8`, `::1`, `localhost`: the local sandbox), "+
					"where it defaults to no limit; set it to cap a local proxy to Moka. `0` turns the limit off. Lower it when the API quota of the dealer account is shared "+
					"with production payments, or when a large `-parallelism` or `terraform query` of a whole account would otherwise spend it. "+
					"Can also be set with the `%s` environment variable.", moka.DefaultMaxRequestsPerSecond, EnvMaxRequestsPS),
				Optional: true,
			},
		},
	}
}

// credentialsCheck is moka.Client.CheckCredentials' operation, for tests.
const credentialsCheck = "GetCard"

// providerData is what resources and data sources get from Configure.
type providerData struct {
	client     *moka.Client
	dealerCode string
	// customers batches the customer reads of a refresh (refresh.go).
	customers customerReader
	// cards batches the card reads of a refresh (refresh_cards.go).
	cards cardReader
	// creates is the one owner of claimed creates' records.
	creates createLifecycle
	tuning  *tuning
}

func (p *mokaProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	values, unknown := resolveSettings(cfg, &resp.Diagnostics) // provider_settings.go
	if unknown != "" {
		// resources say it is not configured yet if they need it before apply
		tflog.Debug(ctx, "moka provider configuration has unknown values; deferring client setup", map[string]any{"attribute": unknown})
		if req.ClientCapabilities.DeferralAllowed {
			resp.Deferred = &provider.Deferred{Reason: provider.DeferredReasonProviderConfigUnknown}
		}
		return
	}
	config := p.clientConfig(cfg, values, req.TerraformVersion, &resp.Diagnostics) // client_config.go
	if resp.Diagnostics.HasError() {
		return
	}
	client, err := moka.New(config)
	if err != nil {
		resp.Diagnostics.AddError("Cannot configure the Moka client", err.Error())
		return
	}
	// one error naming the settings, not one refusal for every resource
	if errors.Is(client.CheckCredentials(ctx), moka.ErrCredentialsRejected) {
		resp.Diagnostics.AddError("Moka refused the provider's credentials",
			fmt.Sprintf("Moka at %s answered InvalidRequest to a request that any account may make: it does not take the dealer code, username and password given. "+
				"Check dealer_code, username and password in the provider block, or the %s, %s and %s environment variables (a value in the block wins), "+
				"and that environment or base_url points at the Moka that issued them.", redactURL(config.BaseURL), EnvDealerCode, EnvUsername, EnvPassword))
		return
	}
	data := &providerData{client: client, dealerCode: values["dealer_code"], tuning: p.tuning}
	data.creates.now = data.now
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
}

func (p *mokaProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewDealerCustomerResource,
		NewCardNameResource,
		NewCardResource,
	}
}

// ListResources are the list blocks of `terraform query`.
func (p *mokaProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewDealerCustomerListResource,
		NewCardListResource,
	}
}

func (p *mokaProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewDealerCustomerDataSource,
		NewDealerCustomersDataSource,
		NewCardDataSource,
	}
}

func providerDataFrom(in any) (*providerData, error) {
	if in == nil {
		return nil, nil
	}
	data, ok := in.(*providerData)
	if !ok {
		return nil, fmt.Errorf("expected *providerData, got %T: this is a bug in the provider", in)
	}
	return data, nil
}

// notConfigured is the error a resource gives when it must call Moka before the
// provider's configuration is known.
const notConfigured = "The moka provider is not configured yet: some of its settings depend on values that are only known after apply. " +
	"Apply the resources they come from first (for example with -target), then run this again."
