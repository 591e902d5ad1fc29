package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// A stored card as Terraform holds it: cardFacts, what Moka tells about any
// card (every card resource, data source and list result shows them); cardModel,
// the moka_card resource's model (the list resource returns it too); and the
// reading of a card that the card resources share.

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

type cardModel struct {
	ID                  types.String `tfsdk:"id"`
	CardToken           types.String `tfsdk:"card_token"`
	CardName            types.String `tfsdk:"card_name"`
	CardNumberWO        types.String `tfsdk:"card_number_wo"`
	CardNumberWOVersion types.Int64  `tfsdk:"card_number_wo_version"`
	cardFacts
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (m cardModel) customerRef() moka.CustomerRef {
	return moka.CustomerRef{CustomerCode: m.CustomerCode.ValueString(), DealerCustomerID: m.DealerCustomerID.ValueInt64()}
}

// fill sets what Moka says of the card, its name included: when the
// configuration leaves card_name out, the name is Moka's (and may be managed by
// moka_card_name) rather than a diff to undo; no name is null.
func (m *cardModel) fill(c moka.CardWithCustomer) {
	m.ID = types.StringValue(c.Card.CardToken)
	m.CardToken = types.StringValue(c.Card.CardToken)
	m.CardName = refreshed(m.CardName, c.Card.CardName, moka.SameFreeText)
	m.CardNumberWO = types.StringNull()
	prior := m.cardFacts
	m.cardFacts = cardFactsFrom(c)
	// The facts the configuration sets keep its spelling where Moka's means the
	// same, or every apply would end in "inconsistent result" and a replacement.
	m.CustomerCode = refreshed(prior.CustomerCode, c.Customer.CustomerCode, moka.SameText)
	m.CardHolderFullName = refreshed(prior.CardHolderFullName, c.Card.CardHolderFullName, moka.SameCardHolder)
	m.ExpMonth = refreshed(prior.ExpMonth, c.Card.ExpMonth, moka.SameText)
	m.ExpYear = refreshed(prior.ExpYear, c.Card.ExpYear, moka.SameText)
}

// readCard is GetCard for a refresh. A card removed outside Terraform is
// dropped from state with a warning that ends with what follows from that;
// nil means the refresh is over (gone, or an error in resp).
func readCard(ctx context.Context, client *moka.Client, token string, resp *resource.ReadResponse, whatFollows string) *moka.CardWithCustomer {
	got, err := client.GetCard(ctx, token)
	if moka.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Moka card is gone",
			fmt.Sprintf("The card %s no longer exists in Moka: it was removed in Moka, or went with its customer when that was removed or replaced. It is dropped from state; %s.", token, whatFollows))
		resp.State.RemoveResource(ctx)
		return nil
	}
	if err != nil {
		addCardError(&resp.Diagnostics, "read", token, err)
		return nil
	}
	return got
}

// toAPI is the card to store, with its number from card_number_wo.
func (m cardModel) toAPI(number string) moka.NewCard {
	return moka.NewCard{
		Customer:           moka.CustomerRef{CustomerCode: m.CustomerCode.ValueString(), DealerCustomerID: m.DealerCustomerID.ValueInt64()},
		CardHolderFullName: m.CardHolderFullName.ValueString(),
		CardNumber:         number,
		ExpMonth:           m.ExpMonth.ValueString(),
		ExpYear:            m.ExpYear.ValueString(),
		CardName:           m.CardName.ValueString(),
	}
}

// pendingRecord is the planned card as a pending record: no token yet, but
// the first six and last four digits, which are all a person can recognise it by.
func (m cardModel) pendingRecord(number string) cardModel {
	m.ID, m.CardToken, m.CardNumberWO, m.BankName = types.StringNull(), types.StringNull(), types.StringNull(), types.StringNull()
	if m.CustomerCode.IsUnknown() {
		m.CustomerCode = types.StringNull()
	}
	if m.DealerCustomerID.IsUnknown() {
		m.DealerCustomerID = types.Int64Null()
	}
	if m.CardName.IsUnknown() {
		m.CardName = types.StringNull()
	}
	m.CardNumberFirstSix, m.CardNumberLastFour = types.StringNull(), types.StringNull()
	if len(number) >= 10 {
		m.CardNumberFirstSix, m.CardNumberLastFour = types.StringValue(number[:6]), types.StringValue(number[len(number)-4:])
	}
	return m
}

// cardLookup is how the create lifecycle finds the card a pending record's
// create stored: the customer's card carrying the claim. A card has no key
// another could hold, so there is never an other. found receives it.
func cardLookup(client *moka.Client, customer moka.CustomerRef, found **moka.CardWithCustomer) claimLookup {
	return claimLookup{
		what: "card", made: "stored", key: "the card of " + customer.String(),
		find: func(ctx context.Context, claim string) (bool, string, error) {
			card, ours, err := client.FindClaimedCard(ctx, customer, claim)
			if ours && err == nil {
				*found = card
			}
			return ours, "", err
		},
	}
}
