// Command floor is the bench's schema floor: a provider with
// moka_dealer_customer's schema (as mokafloor_dealer_customer) on the same
// plugin framework, served as the moka provider is (provider.ServeProvider:
// its loggers, collector settings and call contexts), whose resource does
// nothing: no Moka, no model, no plan of its own. What it costs is what
// Terraform and the framework cost for this schema, the least any provider of
// this schema can take (BENCHMARKS.md).
package main

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	mokaprovider "github.com/terraform-moka/terraform-provider-moka/internal/provider"
)

const typeName = "mokafloor"

func main() {
	if err := mokaprovider.ServeProvider("registry.terraform.io/terraform-moka/"+typeName, func() provider.Provider { return floorProvider{} }, false); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

type floorProvider struct{}

func (floorProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = typeName
}

func (floorProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (floorProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return floorCustomer{} }}
}

func (floorProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// floorCustomer: Create and Update store the plan with its unknown values made
// known (a number for each), Read and Delete change nothing.
type floorCustomer struct{}

func (floorCustomer) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = typeName + "_dealer_customer"
}

func (floorCustomer) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	mokaprovider.NewDealerCustomerResource().Schema(ctx, req, resp)
}

func (floorCustomer) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.State.Raw = known(req.Plan.Raw)
}

func (floorCustomer) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (floorCustomer) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = known(req.Plan.Raw)
}

func (floorCustomer) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

var serial atomic.Int64

func known(plan tftypes.Value) tftypes.Value {
	out, _ := tftypes.Transform(plan, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if v.IsKnown() {
			return v, nil
		}
		n := serial.Add(1)
		switch {
		case v.Type().Is(tftypes.String):
			return tftypes.NewValue(tftypes.String, fmt.Sprint(n)), nil
		case v.Type().Is(tftypes.Number):
			return tftypes.NewValue(tftypes.Number, n), nil
		}
		return tftypes.NewValue(v.Type(), nil), nil
	})
	return out
}
