package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// newTerraformDir is a working directory of the real terraform against a
// provider binary built from this module (see testsupport.NewAccTerraform);
// it skips t unless TF_ACC is set.
func newTerraformDir(t *testing.T) *testsupport.WorkDir {
	t.Helper()
	return testsupport.NewAccTerraform(t).NewWorkDir(t)
}

// tail is the last lines of s, for a failure message about a long output.
func tail(s string, lines int) string {
	parts := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}

// flattened is Terraform's output on one line, each run of white space one
// blank: Terraform wraps long diagnostics wherever they reach the width.
func flattened(out string) string {
	return strings.Join(strings.Fields(out), " ")
}

// diagnosticsOf is "summary: detail" of each of diags with the severity.
func diagnosticsOf(diags []*tfprotov6.Diagnostic, severity tfprotov6.DiagnosticSeverity) []string {
	var out []string
	for _, d := range diags {
		if d.Severity == severity {
			out = append(out, d.Summary+": "+d.Detail)
		}
	}
	return out
}

func errorsOf(diags []*tfprotov6.Diagnostic) []string {
	return diagnosticsOf(diags, tfprotov6.DiagnosticSeverityError)
}

func warningsOf(diags []*tfprotov6.Diagnostic) string {
	return strings.Join(diagnosticsOf(diags, tfprotov6.DiagnosticSeverityWarning), "\n")
}
