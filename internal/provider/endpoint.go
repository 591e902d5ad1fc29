package provider

import "errors"

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
