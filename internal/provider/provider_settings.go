package provider

import (
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
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

type setting struct {
	attr, env string
	value     types.String
}

// resolve takes the variable also for a blank attribute, so that a diagnostic
// saying "set it here or there" is true; false when unknown at plan time.
func (s setting) resolve() (string, bool) {
	if s.value.IsUnknown() {
		return "", false
	}
	if configured(s.value) {
		return s.value.ValueString(), true
	}
	return os.Getenv(s.env), true
}

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

// resolveSettings: unknown names a setting not known yet, numbers included.
func resolveSettings(cfg providerModel, diags *diag.Diagnostics) (values map[string]string, unknown string) {
	// the block wins for the endpoint as a whole: environment = "test" there is
	// not overridden by an exported MOKA_BASE_URL
	endpointInBlock := configured(cfg.Environment) || configured(cfg.BaseURL)
	values = map[string]string{}
	for _, s := range settingsOf(cfg) {
		endpoint := s.attr == "environment" || s.attr == "base_url"
		warnIfEnvironmentDiffers(diags, s)
		if endpointInBlock && endpoint && !configured(s.value) && strings.TrimSpace(os.Getenv(s.env)) != "" {
			diags.AddAttributeWarning(path.Root(s.attr), "Provider block overrides "+s.env,
				fmt.Sprintf("%s is set to %s, but the provider block sets the endpoint (environment or base_url), which wins as a whole: %s is ignored.",
					s.env, s.shown(os.Getenv(s.env)), s.env))
		}
		if endpointInBlock && endpoint && !s.value.IsUnknown() {
			values[s.attr] = strings.TrimSpace(s.value.ValueString())
			continue
		}
		v, known := s.resolve()
		switch {
		case !known:
			return nil, s.attr
		case s.credential():
			values[s.attr] = v // as given: a space may be part of a password
		default:
			values[s.attr] = strings.TrimSpace(v)
		}
	}
	switch {
	case cfg.MaxRetries.IsUnknown():
		return nil, "max_retries"
	case cfg.MaxRequestsPS.IsUnknown():
		return nil, "max_requests_per_second"
	}
	return values, ""
}

func configured(v types.String) bool {
	return !v.IsNull() && !v.IsUnknown() && strings.TrimSpace(v.ValueString()) != ""
}

// warnIfEnvironmentDiffers shows no credential's values.
func warnIfEnvironmentDiffers(diags *diag.Diagnostics, s setting) {
	env, ok := os.LookupEnv(s.env)
	if !ok || strings.TrimSpace(env) == "" || !configured(s.value) || env == s.value.ValueString() {
		return
	}
	shownValues := fmt.Sprintf(" (%s in the block, %s in the environment)", s.shown(s.value.ValueString()), s.shown(env))
	if s.credential() {
		shownValues = ""
	}
	blockOverridesWarning(diags, s.attr, s.env, shownValues)
}

func blockOverridesWarning(diags *diag.Diagnostics, attr, env, shownValues string) {
	diags.AddAttributeWarning(path.Root(attr), "Provider block overrides "+env,
		fmt.Sprintf("%q is set in the provider block and the %s environment variable says otherwise%s. The provider block wins; the environment variable is ignored.", attr, env, shownValues))
}

// shown is a value of s for a message: a URL without the user and password
// it may carry.
func (s setting) shown(v string) string {
	if s.attr == "base_url" {
		v = redactURL(v)
	}
	return shown(v)
}

// credential: Moka compares the CheckKey's parts character for character.
func (s setting) credential() bool {
	return s.attr == "dealer_code" || s.attr == "username" || s.attr == "password"
}
