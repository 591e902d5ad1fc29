package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

var (
	_ datasource.DataSource                     = (*dealerCustomerDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*dealerCustomerDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*dealerCustomerDataSource)(nil)
)

// NewDealerCustomerDataSource is the moka_dealer_customer data source.
func NewDealerCustomerDataSource() datasource.DataSource {
	return &dealerCustomerDataSource{}
}

type dealerCustomerDataSource struct {
	dataSourceBase
}

type dealerCustomerDataModel struct {
	ID types.String `tfsdk:"id"`
	customerFields
	Cards types.List `tfsdk:"cards"`
}

var cardObjectType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"card_token":            types.StringType,
	"card_name":             types.StringType,
	"bank_name":             types.StringType,
	"card_number_first_six": types.StringType,
	"card_number_last_four": types.StringType,
	"card_holder_full_name": types.StringType,
	"exp_month":             types.StringType,
	"exp_year":              types.StringType,
}}

func cardObject(c moka.Card) attr.Value {
	return types.ObjectValueMust(cardObjectType.AttrTypes, map[string]attr.Value{
		"card_token":            types.StringValue(c.CardToken),
		"card_name":             types.StringValue(c.CardName),
		"bank_name":             types.StringValue(c.BankName),
		"card_number_first_six": types.StringValue(c.CardNumberFirstSix),
		"card_number_last_four": types.StringValue(c.CardNumberLastFour),
		"card_holder_full_name": types.StringValue(c.CardHolderFullName),
		"exp_month":             types.StringValue(c.ExpMonth),
		"exp_year":              types.StringValue(c.ExpYear),
	})
}

func (d *dealerCustomerDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_dealer_customer"
}

func (d *dealerCustomerDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attributes := map[string]schema.Attribute{
		"id": schema.StringAttribute{Description: "The DealerCustomerId, as a string.", Computed: true},
		"dealer_customer_id": schema.Int64Attribute{
			Description: "Look the customer up by Moka's id. Exactly one of `dealer_customer_id` and `customer_code` is required.",
			Optional:    true, Computed: true,
			Validators: []validator.Int64{int64validator.AtLeast(1)},
		},
		"customer_code": schema.StringAttribute{
			Description: "Look the customer up by the dealer's customer code. Exactly one of `dealer_customer_id` and `customer_code` is required.",
			Optional:    true, Computed: true,
		},
		"cards": schema.ListNestedAttribute{
			Description: "The customer's stored cards (never the full card number).",
			Computed:    true,
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"card_token":            schema.StringAttribute{Description: "The card's token, lower case without braces.", Computed: true},
				"card_name":             schema.StringAttribute{Description: "The card's name.", Computed: true},
				"bank_name":             schema.StringAttribute{Description: cardFactDescriptions["bank_name"], Computed: true},
				"card_number_first_six": schema.StringAttribute{Description: cardFactDescriptions["card_number_first_six"], Computed: true},
				"card_number_last_four": schema.StringAttribute{Description: cardFactDescriptions["card_number_last_four"], Computed: true},
				"card_holder_full_name": schema.StringAttribute{Description: cardFactDescriptions["card_holder_full_name"], Computed: true},
				"exp_month":             schema.StringAttribute{Description: cardFactDescriptions["exp_month"], Computed: true},
				"exp_year":              schema.StringAttribute{Description: cardFactDescriptions["exp_year"], Computed: true},
			}},
		},
	}
	for name, description := range customerFieldDescriptions {
		attributes[name] = schema.StringAttribute{Description: description, Computed: true}
	}
	resp.Schema = schema.Schema{
		Description: "One customer of the dealer account and its stored cards (GetCustomer). The customer's password is not exposed.",
		Attributes:  attributes,
	}
}

func (d *dealerCustomerDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("dealer_customer_id"), path.MatchRoot("customer_code")),
	}
}

func (d *dealerCustomerDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg dealerCustomerDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	client := d.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	ref := moka.CustomerRef{DealerCustomerID: cfg.DealerCustomerID.ValueInt64(), CustomerCode: cfg.CustomerCode.ValueString()}
	got, err := client.GetCustomer(ctx, ref)
	if moka.IsNotFound(err) {
		resp.Diagnostics.AddError("Moka customer not found", fmt.Sprintf("Moka has no customer with %s.", ref))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read Moka customer", fmt.Sprintf("Reading %s: %v", ref, err))
		return
	}
	cards := make([]attr.Value, 0, len(got.Cards))
	for _, c := range got.Cards {
		cards = append(cards, cardObject(c))
	}
	list, diags := types.ListValue(cardObjectType, cards)
	resp.Diagnostics.Append(diags...)
	state := dealerCustomerDataModel{
		ID:             types.StringValue(fmt.Sprint(got.Customer.DealerCustomerID)),
		customerFields: customerFieldsFrom(got.Customer),
		Cards:          list,
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}
