package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// cardFacts is what Moka tells about a stored card besides its token and name:
// its customer, bank, the visible digits and the expiry. None of it can change
// while the card exists.
type cardFacts struct {
	DealerCustomerID   types.Int64  `tfsdk:"dealer_customer_id"`
	CustomerCode       types.String `tfsdk:"customer_code"`
	BankName           types.String `tfsdk:"bank_name"`
	CardNumberFirstSix types.String `tfsdk:"card_number_first_six"`
	CardNumberLastFour types.String `tfsdk:"card_number_last_four"`
	CardHolderFullName types.String `tfsdk:"card_holder_full_name"`
	ExpMonth           types.String `tfsdk:"exp_month"`
	ExpYear            types.String `tfsdk:"exp_year"`
}

func cardFactsFrom(c moka.CardWithCustomer) cardFacts {
	return cardFacts{
		DealerCustomerID:   types.Int64Value(c.Customer.DealerCustomerID),
		CustomerCode:       types.StringValue(c.Customer.CustomerCode),
		BankName:           types.StringValue(c.Card.BankName),
		CardNumberFirstSix: types.StringValue(c.Card.CardNumberFirstSix),
		CardNumberLastFour: types.StringValue(c.Card.CardNumberLastFour),
		CardHolderFullName: types.StringValue(c.Card.CardHolderFullName),
		ExpMonth:           types.StringValue(c.Card.ExpMonth),
		ExpYear:            types.StringValue(c.Card.ExpYear),
	}
}

var cardFactDescriptions = map[string]string{
	"dealer_customer_id":    "Moka's id of the customer the card is stored for.",
	"customer_code":         "The customer code of the customer the card is stored for.",
	"bank_name":             "The issuing bank, as Moka names it.",
	"card_number_first_six": "The first six digits of the card number (the BIN).",
	"card_number_last_four": "The last four digits of the card number.",
	"card_holder_full_name": "The card holder's name as stored with the card.",
	"exp_month":             "Expiry month, `MM`.",
	"exp_year":              "Expiry year, `YYYY`.",
}

// computedCardFacts are the resource schema attributes for cardFacts, all read
// from Moka and stable in plans, except those named in configurable.
func computedCardFacts(configurable ...string) map[string]schema.Attribute {
	skip := map[string]bool{}
	for _, name := range configurable {
		skip[name] = true
	}
	out := map[string]schema.Attribute{}
	for name, description := range cardFactDescriptions {
		if skip[name] {
			continue
		}
		if name == "dealer_customer_id" {
			out[name] = schema.Int64Attribute{Description: description, Computed: true,
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}}
			continue
		}
		out[name] = schema.StringAttribute{Description: description, Computed: true,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
	}
	return out
}
