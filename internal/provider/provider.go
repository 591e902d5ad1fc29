// Package provider is the Moka Terraform provider: its configuration, resources
// and data sources. It talks to Moka only through internal/moka.
package provider

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// Environment variables that stand in for provider attributes.
const (
	EnvDealerCode     = "MOKA_DEALER_CODE"
	EnvUsername       = "MOKA_USERNAME"
	EnvPassword       = "MOKA_PASSWORD"
	EnvEnvironment    = "MOKA_ENVIRONMENT"
	EnvBaseURL        = "MOKA_BASE_URL"
	EnvMaxRetries     = "MOKA_MAX_RETRIES"
	EnvRequestTimeout = "MOKA_REQUEST_TIMEOUT"
	EnvMaxRequestsPS  = "MOKA_MAX_REQUESTS_PER_SECOND"
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

// credentialsCheck is the operation of the credentials check Configure makes
// (moka.Client.CheckCredentials), for tests that count calls.
const credentialsCheck = "GetCard"

// providerData is what resources and data sources get from Configure.
type providerData struct {
	client     *moka.Client
	dealerCode string
	// customers batches the customer reads of a refresh (refresh.go).
	customers customerReader
	// cards batches the card reads of a refresh (refresh_cards.go).
	cards cardReader
	// creates is the one owner of claimed creates' records (create_lifecycle.go).
	creates createLifecycle
	tuning  *tuning
}

// setting is one provider attribute resolved from configuration or environment.
type setting struct {
	attr, env string
	value     types.String
}

// resolve gives the attribute's value, falling back on its environment variable
// when the attribute is unset or empty (so that a diagnostic that says "set it
// here or in the variable" is true). The second result is false when the value
// is unknown at plan time.
func (s setting) resolve() (string, bool) {
	if s.value.IsUnknown() {
		return "", false
	}
	if !s.value.IsNull() && strings.TrimSpace(s.value.ValueString()) != "" {
		return s.value.ValueString(), true
	}
	return os.Getenv(s.env), true
}

// settingsOf is every string setting of cfg with its environment variable;
// the credentials first.
func settingsOf(cfg providerModel) []setting {
	return []setting{
		{"dealer_code", EnvDealerCode, cfg.DealerCode},
		{"username", EnvUsername, cfg.Username},
		{"password", EnvPassword, cfg.Password},
		{"environment", EnvEnvironment, cfg.Environment},
		{"base_url", EnvBaseURL, cfg.BaseURL},
		{"request_timeout", EnvRequestTimeout, cfg.RequestTimeout},
	}
}

// resolveSettings gives every string setting's value, from the provider block
// or else its environment variable, warning in diags where the two disagree.
// unknown names a setting whose value is not known yet ("" when all are).
func resolveSettings(cfg providerModel, diags *diag.Diagnostics) (values map[string]string, unknown string) {
	// The provider block wins over the environment, for the endpoint as a
	// whole: environment = "test" in the block is not overridden by an
	// exported MOKA_BASE_URL, which would send every call elsewhere.
	endpointInBlock := configured(cfg.Environment) || configured(cfg.BaseURL)
	values = map[string]string{}
	for _, s := range settingsOf(cfg) {
		warnIfEnvironmentDiffers(diags, s)
		if endpointInBlock && !configured(s.value) && (s.attr == "environment" || s.attr == "base_url") && strings.TrimSpace(os.Getenv(s.env)) != "" {
			diags.AddAttributeWarning(path.Root(s.attr), "Provider block overrides "+s.env,
				fmt.Sprintf("%s is set to %s, but the provider block sets the endpoint (environment or base_url), which wins as a whole: %s is ignored.",
					s.env, shown(os.Getenv(s.env)), s.env))
		}
		if endpointInBlock && (s.attr == "environment" || s.attr == "base_url") && !s.value.IsUnknown() {
			values[s.attr] = strings.TrimSpace(s.value.ValueString())
			continue
		}
		v, known := s.resolve()
		switch {
		case !known:
			return nil, s.attr
		case s.secretOrCredential():
			// Sent as given: a space may be part of a password.
			values[s.attr] = v
		default:
			values[s.attr] = strings.TrimSpace(v)
		}
	}
	return values, ""
}

// configured reports whether a provider attribute is set, to something other
// than blanks, in the provider block.
func configured(v types.String) bool {
	return !v.IsNull() && !v.IsUnknown() && strings.TrimSpace(v.ValueString()) != ""
}

// warnIfEnvironmentDiffers warns when a setting's environment variable is set
// to something other than the provider block says: the block wins, and a
// user who exported the variable should know it is ignored.
func warnIfEnvironmentDiffers(diags *diag.Diagnostics, s setting) {
	env, ok := os.LookupEnv(s.env)
	if !ok || strings.TrimSpace(env) == "" || !configured(s.value) || env == s.value.ValueString() {
		return
	}
	shownValues := fmt.Sprintf(" (%s in the block, %s in the environment)", shown(s.value.ValueString()), shown(env))
	if s.secretOrCredential() {
		shownValues = ""
	}
	diags.AddAttributeWarning(path.Root(s.attr), "Provider block overrides "+s.env,
		fmt.Sprintf("%q is set in the provider block and the %s environment variable says otherwise%s. The provider block wins; the environment variable is ignored.", s.attr, s.env, shownValues))
}

// secretOrCredential says whether the setting is one of the three that make the
// CheckKey, which Moka compares character for character.
func (s setting) secretOrCredential() bool {
	return s.attr == "dealer_code" || s.attr == "username" || s.attr == "password"
}

// retryBaseDelay is the client's retry backoff: zero, its defaults, unless a
// test tuned it.
func (p *mokaProvider) retryBaseDelay() time.Duration {
	if p.tuning == nil {
		return 0
	}
	return p.tuning.retryBaseDelay
}

func (p *mokaProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	values, unknown := resolveSettings(cfg, &resp.Diagnostics)
	if unknown != "" {
		// A value from another resource: resources report that the provider is
		// not configured yet if they need it before apply.
		tflog.Debug(ctx, "moka provider configuration has unknown values; deferring client setup", map[string]any{"attribute": unknown})
		if req.ClientCapabilities.DeferralAllowed {
			resp.Deferred = &provider.Deferred{Reason: provider.DeferredReasonProviderConfigUnknown}
		}
		return
	}
	if cfg.MaxRetries.IsUnknown() || cfg.MaxRequestsPS.IsUnknown() {
		tflog.Debug(ctx, "moka provider configuration has unknown values; deferring client setup", map[string]any{"attribute": "max_retries or max_requests_per_second"})
		if req.ClientCapabilities.DeferralAllowed {
			resp.Deferred = &provider.Deferred{Reason: provider.DeferredReasonProviderConfigUnknown}
		}
		return
	}

	for _, s := range settingsOf(cfg)[:3] {
		if values[s.attr] == "" {
			resp.Diagnostics.AddAttributeError(path.Root(s.attr), "Missing Moka "+strings.ReplaceAll(s.attr, "_", " "),
				fmt.Sprintf("The provider needs %q to call Moka. Set it in the provider block, or set the %s environment variable.", s.attr, s.env))
		}
	}

	baseURL, diagAttr, problem := resolveBaseURL(values["environment"], values["base_url"])
	if problem != "" {
		resp.Diagnostics.AddAttributeError(path.Root(diagAttr), "Invalid Moka endpoint", problem)
	}

	maxRetries := moka.DefaultMaxRetries
	switch {
	case !cfg.MaxRetries.IsNull():
		maxRetries = int(cfg.MaxRetries.ValueInt64())
	case os.Getenv(EnvMaxRetries) != "":
		n, err := strconv.Atoi(strings.TrimSpace(os.Getenv(EnvMaxRetries)))
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("max_retries"), "Invalid max_retries",
				fmt.Sprintf("The %s environment variable must be a whole number, got %s.", EnvMaxRetries, shown(os.Getenv(EnvMaxRetries))))
		}
		maxRetries = n
	}
	if maxRetries < 0 || maxRetries > 50 {
		resp.Diagnostics.AddAttributeError(path.Root("max_retries"), "Invalid max_retries",
			fmt.Sprintf("max_retries (or %s) must be between 0 and 50, got %d.", EnvMaxRetries, maxRetries))
	}

	timeout := moka.DefaultRequestTimeout
	if v := values["request_timeout"]; v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 100*time.Millisecond || d > 10*time.Minute {
			resp.Diagnostics.AddAttributeError(path.Root("request_timeout"), "Invalid request_timeout",
				fmt.Sprintf("request_timeout (or %s) must be a duration between 100ms and 10m such as \"30s\", got %s.", EnvRequestTimeout, shown(v)))
		}
		timeout = d
	}
	limiter := requestRateLimiter(cfg.MaxRequestsPS, baseURL, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	retries := maxRetries
	if retries == 0 {
		retries = -1 // moka.Config: 0 means the default, -1 means none
	}
	client, err := moka.New(moka.Config{
		BaseURL:        baseURL,
		DealerCode:     values["dealer_code"],
		Username:       values["username"],
		Password:       values["password"],
		HTTPClient:     sharedHTTPClient(),
		UserAgent:      fmt.Sprintf("terraform-provider-moka/%s Terraform/%s", p.version, req.TerraformVersion),
		Logger:         callLogger(),
		MaxRetries:     retries,
		RequestTimeout: timeout,
		RetryBaseDelay: p.retryBaseDelay(),
		RetryMaxDelay:  p.retryBaseDelay() * 8,
		RateLimiter:    limiter,
	})
	if err != nil {
		resp.Diagnostics.AddError("Cannot configure the Moka client", err.Error())
		return
	}
	// One error for the whole run, naming the settings, rather than the same
	// refusal once for every resource: one call per provider process.
	if errors.Is(client.CheckCredentials(ctx), moka.ErrCredentialsRejected) {
		resp.Diagnostics.AddError("Moka refused the provider's credentials",
			fmt.Sprintf("Moka at %s answered InvalidRequest to a request that any account may make: it does not take the dealer code, username and password given. "+
				"Check dealer_code, username and password in the provider block, or the %s, %s and %s environment variables (a value in the block wins), "+
				"and that environment or base_url points at the Moka that issued them.", redactURL(baseURL), EnvDealerCode, EnvUsername, EnvPassword))
		return
	}
	data := &providerData{client: client, dealerCode: values["dealer_code"], tuning: p.tuning}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
}

// resolveBaseURL picks the API's base URL; on a problem it names the attribute
// to blame and says how to fix it.
func resolveBaseURL(environment, baseURL string) (string, string, string) {
	switch environment {
	case "", "test", "production":
	default:
		// Wrong even when base_url overrides it: a typo here should not wait
		// until base_url is taken away to show.
		return "", "environment", fmt.Sprintf("environment (or %s) must be \"test\" or \"production\", got %s.", EnvEnvironment, shown(environment))
	}
	if baseURL != "" {
		u, err := url.Parse(baseURL)
		if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
			return "", "base_url", fmt.Sprintf("base_url (or %s) must be an absolute http(s) URL such as \"https://service.refmokaunited.com\" or \"http://127.0.0.1:8089\", without credentials, query or fragment; got %s.", EnvBaseURL, shown(redactURL(baseURL)))
		}
		if u.Scheme == "http" && !isLoopback(u.Hostname()) {
			return "", "base_url", fmt.Sprintf("base_url (or %s) uses plain http:// to %s. Credentials and card numbers would cross the network unencrypted: use https://, or http:// only to a loopback address such as 127.0.0.1 (the local sandbox).", EnvBaseURL, shown(u.Hostname()))
		}
		return strings.TrimRight(baseURL, "/"), "", ""
	}
	switch environment {
	case "test":
		return moka.TestBaseURL, "", ""
	case "production":
		return moka.ProductionBaseURL, "", ""
	default:
		return "", "environment", fmt.Sprintf("Set environment = \"test\" or \"production\" (or %s), or base_url (or %s) for the local sandbox or a proxy. The provider never defaults to production.", EnvEnvironment, EnvBaseURL)
	}
}

// redactURL hides the user-info part of a URL (which may hold a password)
// before the URL goes into a diagnostic, also when the URL does not parse.
func redactURL(raw string) string {
	scheme, rest, found := strings.Cut(raw, "://")
	if !found {
		scheme, rest = "", raw
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	at := strings.LastIndex(rest[:end], "@")
	if at < 0 {
		return raw
	}
	out := "REDACTED" + rest[at:]
	if found {
		out = scheme + "://" + out
	}
	return out
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (p *mokaProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewDealerCustomerResource,
		NewCardNameResource,
		NewCardResource,
	}
}

// ListResources are the list blocks of `terraform query` (list_*.go; what they share is in query.go).
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

// callLogger is the client's per-call logger, or nil when this provider's log
// is off (as Serve sets it when Terraform would discard it): masking a call's
// bodies for the log costs a parse and an encode of each, GetCustomerList's
// whole account included.
func callLogger() moka.Logger {
	if strings.EqualFold(os.Getenv("TF_LOG_PROVIDER_MOKA"), "OFF") {
		return nil
	}
	return tflogLogger{}
}

// tflogLogger sends the client's per-call lines to Terraform's log at DEBUG; the
// client has already masked every secret in them.
type tflogLogger struct{}

func (tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(ctx, msg, fields)
}

var (
	httpClientOnce sync.Once
	httpClient     *http.Client

	rateLimitersMu sync.Mutex
	rateLimiters   = map[float64]*moka.RateLimiter{}
)

// requestRateLimiter resolves max_requests_per_second (the attribute, else its
// environment variable, else defaultRequestsPerSecond(baseURL)) to the limiter
// of this process for that cap. Terraform runs one provider process per command but may configure
// it more than once (and once per alias), so limiters are kept per process:
// every configuration with the same cap shares one budget, and the cap holds
// for the process as a whole rather than per configuration.
func requestRateLimiter(attr types.Float64, baseURL string, diags *diag.Diagnostics) *moka.RateLimiter {
	perSecond := defaultRequestsPerSecond(baseURL)
	switch {
	case !attr.IsNull():
		perSecond = attr.ValueFloat64()
	case strings.TrimSpace(os.Getenv(EnvMaxRequestsPS)) != "":
		v, err := strconv.ParseFloat(strings.TrimSpace(os.Getenv(EnvMaxRequestsPS)), 64)
		if err != nil {
			diags.AddAttributeError(path.Root("max_requests_per_second"), "Invalid max_requests_per_second",
				fmt.Sprintf("The %s environment variable must be a number such as 10 or 0.5, got %s.", EnvMaxRequestsPS, shown(os.Getenv(EnvMaxRequestsPS))))
			return nil
		}
		perSecond = v
	}
	// Below a call a minute a cap would not be one: the limiter would take
	// the interval for infinite and let every call through.
	if math.IsNaN(perSecond) || perSecond < 0 || perSecond > maxRequestsPerSecondLimit || (perSecond > 0 && perSecond < minRequestsPerSecond) {
		diags.AddAttributeError(path.Root("max_requests_per_second"), "Invalid max_requests_per_second",
			fmt.Sprintf("max_requests_per_second (or %s) must be 0 (no limit) or between 1/60 (a call a minute) and %d, got %v.", EnvMaxRequestsPS, maxRequestsPerSecondLimit, perSecond))
		return nil
	}
	rateLimitersMu.Lock()
	defer rateLimitersMu.Unlock()
	if l, ok := rateLimiters[perSecond]; ok {
		return l
	}
	l, err := moka.NewRateLimiter(perSecond)
	if err != nil {
		diags.AddAttributeError(path.Root("max_requests_per_second"), "Invalid max_requests_per_second", err.Error())
		return nil
	}
	rateLimiters[perSecond] = l
	return l
}

// defaultRequestsPerSecond is the cap when neither max_requests_per_second nor
// its variable says: Moka's own, except against a loopback base_url (the local
// sandbox, a test double), where there is no quota to protect and a cap would
// only make every apply wait.
func defaultRequestsPerSecond(baseURL string) float64 {
	if u, err := url.Parse(baseURL); err == nil && isLoopback(u.Hostname()) {
		return 0
	}
	return moka.DefaultMaxRequestsPerSecond
}

// maxRequestsPerSecondLimit bounds the setting: above it a typo (an extra
// zero or two) is likelier than a wish, and 0 already means no limit.
const maxRequestsPerSecondLimit = 10000

// minRequestsPerSecond is the smallest cap: one call a minute.
const minRequestsPerSecond = 1.0 / 60

// sharedHTTPClient is one connection pool for every provider instance in this
// process, so parallel operations reuse kept-alive connections.
func sharedHTTPClient() *http.Client {
	httpClientOnce.Do(func() { httpClient = moka.NewHTTPClient() })
	return httpClient
}

// providerDataFrom is the Configure step shared by resources and data sources.
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
