package provider

import (
	"fmt"
	"math"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// Bounds of max_requests_per_second: above the top an extra zero is likelier
// than a wish (0 already means no limit); below a call a minute the limiter
// would take the interval for infinite and let every call through.
const (
	maxRequestsPerSecondLimit = 10000
	minRequestsPerSecond      = 1.0 / 60
)

var (
	rateLimitersMu sync.Mutex
	rateLimiters   = map[float64]*moka.RateLimiter{}
)

// requestRateLimiter: Terraform may configure one process more than once
// (and once per alias), so every configuration with one cap shares a budget.
func requestRateLimiter(attr types.Float64, baseURL string, diags *diag.Diagnostics) *moka.RateLimiter {
	perSecond := defaultRequestsPerSecond(baseURL)
	switch env := strings.TrimSpace(os.Getenv(EnvMaxRequestsPS)); {
	case !attr.IsNull():
		perSecond = attr.ValueFloat64()
		if v, err := strconv.ParseFloat(env, 64); env != "" && (err != nil || v != perSecond) {
			blockOverridesWarning(diags, "max_requests_per_second", EnvMaxRequestsPS, fmt.Sprintf(" (%v in the block, %s in the environment)", perSecond, shown(env)))
		}
	case env != "":
		v, err := strconv.ParseFloat(env, 64)
		if err != nil {
			diags.AddAttributeError(path.Root("max_requests_per_second"), "Invalid max_requests_per_second",
				fmt.Sprintf("The %s environment variable must be a number such as 10 or 0.5, got %s.", EnvMaxRequestsPS, shown(os.Getenv(EnvMaxRequestsPS))))
			return nil
		}
		perSecond = v
	}
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

// defaultRequestsPerSecond: none against a loopback base_url (sandbox, test
// double), where there is no quota to protect.
func defaultRequestsPerSecond(baseURL string) float64 {
	if u, err := url.Parse(baseURL); err == nil && isLoopback(u.Hostname()) {
		return 0
	}
	return moka.DefaultMaxRequestsPerSecond
}
