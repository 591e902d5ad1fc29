package provider

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// ResolveBaseURL picks the API's base URL from environment and base_url:
// base_url wins, plain http:// only to loopback, nothing defaults to
// production. The conformance command uses it too.
func ResolveBaseURL(environment, baseURL string) (string, error) {
	u, _, problem := resolveBaseURL(environment, baseURL)
	if problem != "" {
		return "", errors.New(problem)
	}
	return u, nil
}

func resolveBaseURL(environment, baseURL string) (string, string, string) {
	switch environment {
	case "", "test", "production":
	default:
		// even when base_url overrides it: a typo should not wait to show
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

// redactURL: user-info may hold a password, also in a URL that does not parse.
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
