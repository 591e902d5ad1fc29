package provider

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// ResolveBaseURL is the provider's choice of the API's base URL from the
// environment ("test", "production" or "") and base_url settings, with the
// same rules: base_url wins, plain http:// only to loopback, and nothing
// defaults to production. Other commands of this binary that call Moka
// (conformance) use it so that an endpoint means the same everywhere.
func ResolveBaseURL(environment, baseURL string) (string, error) {
	u, _, problem := resolveBaseURL(environment, baseURL)
	if problem != "" {
		return "", errors.New(problem)
	}
	return u, nil
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

// redactURL hides a URL's user-info (which may hold a password) before it goes
// into a diagnostic, also when the URL does not parse.
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
