package provider

import (
	"strings"
	"testing"

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
