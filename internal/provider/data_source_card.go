package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

var (
	_ datasource.DataSource              = (*cardDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*cardDataSource)(nil)
)

// NewCardDataSource is the moka_card data source.
func NewCardDataSource() datasource.DataSource {
	return &cardDataSource{}
}

type cardDataSource struct {
	dataSourceBase
}

type cardDataModel struct {
	ID        types.String `tfsdk:"id"`
	CardToken cardToken    `tfsdk:"card_token"`
	CardName  types.String `tfsdk:"card_name"`
	cardFacts
}

func (d *cardDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_card"
}

func (d *cardDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attributes := map[string]schema.Attribute{
		"id": schema.StringAttribute{Description: "The card token as Moka returns it: lower case, without braces.", Computed: true},
		"card_token": schema.StringAttribute{
			Description: "The token of the card to read; case and braces do not matter.",
			Required:    true,
			CustomType:  cardTokenType{},
			Validators:  []validator.String{nonEmptyText(38)},
		},
		"card_name": schema.StringAttribute{Description: "The card's name.", Computed: true},
	}
	for name, description := range cardFactDescriptions {
		if name == "dealer_customer_id" {
			attributes[name] = schema.Int64Attribute{Description: description, Computed: true}
			continue
		}
		attributes[name] = schema.StringAttribute{Description: description, Computed: true}
	}
	resp.Schema = schema.Schema{
		Description: "A stored card and its customer, by token (GetCard). The full card number is never available.",
		Attributes:  attributes,
	}
}

func (d *cardDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg cardDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	client := d.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	token := cfg.CardToken.ValueString()
	got, err := client.GetCard(ctx, token)
	if moka.IsNotFound(err) {
		resp.Diagnostics.AddError("Moka card not found", fmt.Sprintf("Moka has no card with card_token %q.", token))
		return
	}
	if err != nil {
		addCardError(&resp.Diagnostics, "read", token, err)
		return
	}
	state := cardDataModel{
		ID:        types.StringValue(got.Card.CardToken),
		CardToken: cfg.CardToken,
		CardName:  types.StringValue(got.Card.CardName),
		cardFacts: cardFactsFrom(*got),
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}
