package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

var (
	_ datasource.DataSource              = (*dealerCustomersDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*dealerCustomersDataSource)(nil)
)

// NewDealerCustomersDataSource is the moka_dealer_customers data source.
func NewDealerCustomersDataSource() datasource.DataSource {
	return &dealerCustomersDataSource{}
}

type dealerCustomersDataSource struct {
	dataSourceBase
}

type dealerCustomersModel struct {
	ID        types.String     `tfsdk:"id"`
	Customers []customerFields `tfsdk:"customers"`
}

func (d *dealerCustomersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_dealer_customers"
}

func (d *dealerCustomersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attributes := map[string]schema.Attribute{
		"dealer_customer_id": schema.Int64Attribute{Description: "Moka's id of the customer.", Computed: true},
		"customer_code":      schema.StringAttribute{Description: "The dealer's customer code.", Computed: true},
	}
	for name, description := range customerFieldDescriptions {
		attributes[name] = schema.StringAttribute{Description: description, Computed: true}
	}
	resp.Schema = schema.Schema{
		Description: "Every customer of the dealer account, in one GetCustomerList call (and one GetCustomer per customer on a Moka whose list leaves addresses out). Passwords are not exposed; cards are not listed (use the `moka_dealer_customer` data source).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Description: "The dealer code; the list has no id of its own.", Computed: true},
			"customers": schema.ListNestedAttribute{
				Description:  "The customers, in Moka's order.",
				Computed:     true,
				NestedObject: schema.NestedAttributeObject{Attributes: attributes},
			},
		},
	}
}

func (d *dealerCustomersDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	client := d.client(&resp.Diagnostics)
	if client == nil {
		return
	}
	customers, complete, err := client.ListCustomers(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Cannot list Moka customers", fmt.Sprintf("GetCustomerList: %v", err))
		return
	}
	state := dealerCustomersModel{ID: types.StringValue(d.data.dealerCode), Customers: make([]customerFields, 0, len(customers))}
	for _, c := range customers {
		c, err := wholeCustomer(ctx, client, c, complete)
		if moka.IsNotFound(err) {
			continue // removed since GetCustomerList
		}
		if err != nil {
			resp.Diagnostics.AddError("Cannot read Moka customer", fmt.Sprintf("GetCustomer of customer_code %q (this Moka's list leaves addresses out): %v", c.CustomerCode, err))
			return
		}
		state.Customers = append(state.Customers, customerFieldsFrom(c))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}
