package provider

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// TestAccQueryLimitWarns: a list that stops at its limit with more left says
// so in terraform query's output, naming the limit and how to raise it; a list
// that the limit covers (exactly, or with room) says nothing of the kind.
func TestAccQueryLimitWarns(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	tf.TF.SkipBelow(t, 1, 14, "terraform query")
	srv := accSandbox(t, sandbox.Options{})
	seedAccount(t, srv) // 3 customers, 2 cards
	tf.Config(providerBlock(srv))
	query := func(customers, cards int) string {
		t.Helper()
		testsupport.WriteFile(t, filepath.Join(tf.Dir, "adopt.tfquery.hcl"), fmt.Sprintf(`
list "moka_dealer_customer" "all" {
  provider = moka
  limit    = %d
}

list "moka_card" "all" {
  provider = moka
  limit    = %d
}
`, customers, cards))
		return flattened(tf.MustRun(nil, "query", "-no-color"))
	}

	out := query(2, 1)
	for _, want := range []string{
		"Listed only the first 2 customers", "more customers than its limit of 2",
		"Listed only the first card", "more cards than its limit of 1",
		"such as limit = 10000",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("terraform query with limits below the account's size: no %q in\n%s", want, out)
		}
	}
	for limits, counts := range map[[2]int]string{{3, 2}: "exactly", {50, 50}: "with room"} {
		if out := query(limits[0], limits[1]); strings.Contains(out, "Listed only") {
			t.Errorf("limits %v cover the account (%s), yet terraform query warns:\n%s", limits, counts, out)
		}
	}
}
