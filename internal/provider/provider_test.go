package provider

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// protoV6ProviderFactories serves this provider in-process to terraform-plugin-testing,
// through the server Serve gives Terraform, a new provider for each command as
// each command starts a process.
var protoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"moka": func() (tfprotov6.ProviderServer, error) {
		return newServer(New("test")(), logsDiscarded(os.Getenv)), nil
	},
}

// tunedProviderFactories: every provider process of the test shares tn (its
// clock, to wait out a create's mark).
func tunedProviderFactories(tn *tuning) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"moka": func() (tfprotov6.ProviderServer, error) {
			return newServer(&mokaProvider{version: "test", tuning: tn}, logsDiscarded(os.Getenv)), nil
		},
	}
}

// accSandbox starts a sandbox for one acceptance test, with no latency or faults
// unless opts says otherwise. Under TestAccUnderEverySwitch it also turns on
// the sandbox switch that the test's name gives (see switchOfTest).
func accSandbox(t *testing.T, opts sandbox.Options) *sandbox.Server {
	t.Helper()
	if sw, ok := switchOfTest(t); ok {
		sw.Enable(&opts)
	}
	return testsupport.StartSandbox(t, opts)
}

// providerBlock is a provider configuration pointing at srv with its default account.
func providerBlock(srv *sandbox.Server) string { return providerAt(srv.URL()) }

// providerAt is a provider configuration for the sandbox's default account
// at baseURL, with further settings, each "name = value".
func providerAt(baseURL string, settings ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nprovider \"moka\" {\n  base_url    = %q\n  dealer_code = \"SANDBOX\"\n  username    = \"sandbox\"\n  password    = \"sandbox\"\n", baseURL)
	for _, s := range settings {
		if s != "" {
			b.WriteString("  " + s + "\n")
		}
	}
	b.WriteString("}\n")
	return b.String()
}
