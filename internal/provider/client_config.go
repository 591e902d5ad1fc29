package provider

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// clientConfig reports every problem, not only the first.
func (p *mokaProvider) clientConfig(cfg providerModel, values map[string]string, terraformVersion string, diags *diag.Diagnostics) moka.Config {
	for _, s := range settingsOf(cfg)[:3] {
		if values[s.attr] == "" {
			diags.AddAttributeError(path.Root(s.attr), "Missing Moka "+strings.ReplaceAll(s.attr, "_", " "),
				fmt.Sprintf("The provider needs %q to call Moka. Set it in the provider block, or set the %s environment variable.", s.attr, s.env))
		}
	}
	baseURL, diagAttr, problem := resolveBaseURL(values["environment"], values["base_url"])
	if problem != "" {
		diags.AddAttributeError(path.Root(diagAttr), "Invalid Moka endpoint", problem)
	}
	retries := maxRetries(cfg, diags)
	if retries == 0 {
		retries = -1 // moka.Config: 0 means the default, -1 means none
	}
	var retryBaseDelay time.Duration // zero: the client's default
	if p.tuning != nil {
		retryBaseDelay = p.tuning.retryBaseDelay
	}
	return moka.Config{
		BaseURL:        baseURL,
		DealerCode:     values["dealer_code"],
		Username:       values["username"],
		Password:       values["password"],
		HTTPClient:     sharedHTTPClient(),
		UserAgent:      fmt.Sprintf("terraform-provider-moka/%s Terraform/%s", p.version, terraformVersion),
		Logger:         callLogger(),
		MaxRetries:     retries,
		RequestTimeout: requestTimeout(values["request_timeout"], diags),
		RetryBaseDelay: retryBaseDelay,
		RetryMaxDelay:  retryBaseDelay * 8,
		RateLimiter:    requestRateLimiter(cfg.MaxRequestsPS, baseURL, diags),
	}
}

func maxRetries(cfg providerModel, diags *diag.Diagnostics) int {
	n := moka.DefaultMaxRetries
	switch env := os.Getenv(EnvMaxRetries); {
	case !cfg.MaxRetries.IsNull():
		n = int(cfg.MaxRetries.ValueInt64())
		if m, err := strconv.Atoi(strings.TrimSpace(env)); env != "" && (err != nil || m != n) {
			blockOverridesWarning(diags, "max_retries", EnvMaxRetries, fmt.Sprintf(" (%d in the block, %s in the environment)", n, shown(env)))
		}
	case env != "":
		var err error
		if n, err = strconv.Atoi(strings.TrimSpace(env)); err != nil {
			diags.AddAttributeError(path.Root("max_retries"), "Invalid max_retries",
				fmt.Sprintf("The %s environment variable must be a whole number, got %s.", EnvMaxRetries, shown(env)))
			return 0
		}
	}
	if n < 0 || n > 50 {
		diags.AddAttributeError(path.Root("max_retries"), "Invalid max_retries",
			fmt.Sprintf("max_retries (or %s) must be between 0 and 50, got %d.", EnvMaxRetries, n))
	}
	return n
}

func requestTimeout(v string, diags *diag.Diagnostics) time.Duration {
	if v == "" {
		return moka.DefaultRequestTimeout
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 100*time.Millisecond || d > 10*time.Minute {
		diags.AddAttributeError(path.Root("request_timeout"), "Invalid request_timeout",
			fmt.Sprintf("request_timeout (or %s) must be a duration between 100ms and 10m such as \"30s\", got %s.", EnvRequestTimeout, shown(v)))
	}
	return d
}

var (
	httpClientOnce sync.Once
	httpClient     *http.Client
)

// sharedHTTPClient: one pool per process, so operations reuse connections.
func sharedHTTPClient() *http.Client {
	httpClientOnce.Do(func() { httpClient = moka.NewHTTPClient() })
	return httpClient
}

// callLogger is nil when this provider's log is off: masking a call's bodies
// costs a parse and an encode of each, GetCustomerList's whole account included.
func callLogger() moka.Logger {
	if strings.EqualFold(os.Getenv("TF_LOG_PROVIDER_MOKA"), "OFF") {
		return nil
	}
	return tflogLogger{}
}

type tflogLogger struct{}

func (tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(ctx, msg, fields)
}
