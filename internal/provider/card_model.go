package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// cardFacts is what Moka tells about a stored card besides its token and
// name; none of it can change while the card exists.
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

// fill: a card_name the configuration leaves out is Moka's (moka_card_name
// may manage it), not a diff to undo.
func (m *cardModel) fill(c moka.CardWithCustomer) {
	m.ID = types.StringValue(c.Card.CardToken)
	m.CardToken = types.StringValue(c.Card.CardToken)
	m.CardName = refreshed(m.CardName, c.Card.CardName, moka.SameFreeText)
	m.CardNumberWO = types.StringNull()
	prior := m.cardFacts
	m.cardFacts = cardFactsFrom(c)
	// the configuration's spelling, or every apply ends in "inconsistent result"
	m.CustomerCode = refreshed(prior.CustomerCode, c.Customer.CustomerCode, moka.SameText)
	m.CardHolderFullName = refreshed(prior.CardHolderFullName, c.Card.CardHolderFullName, moka.SameCardHolder)
	m.ExpMonth = refreshed(prior.ExpMonth, c.Card.ExpMonth, moka.SameText)
	m.ExpYear = refreshed(prior.ExpYear, c.Card.ExpYear, moka.SameText)
}

// readCard: nil means the refresh is over (gone, or an error in resp).
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

// pendingRecord keeps the visible digits: all a person can recognise it by.
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

// cardLookup: a card has no key another could hold, so there is no other.
func cardLookup(client *moka.Client, customer moka.CustomerRef, found **moka.CardWithCustomer) claimLookup {
	return claimLookup{
		what: "card", made: "stored", makes: "stores", key: "the card of " + customer.String(), waitsOutCreate: true,
		find: func(ctx context.Context, claim string) (bool, string, error) {
			card, ours, err := client.FindClaimedCard(ctx, customer, claim)
			if ours && err == nil {
				*found = card
			}
			return ours, "", err
		},
	}
}

// cardRecord is the create lifecycle's view of a card's state.
func cardRecord(ctx context.Context, raw tfsdk.State, _ privateGetter) (recordView, diag.Diagnostics) {
	var state cardModel
	diags := raw.Get(ctx, &state)
	return recordView{
		noID:     state.CardToken.IsNull(),
		id:       state.ID.ValueString(),
		timeouts: state.Timeouts,
		unknownIDs: map[string]attr.Value{
			"card_token": types.StringUnknown(), "id": types.StringUnknown(), "bank_name": types.StringUnknown(),
			"dealer_customer_id": types.Int64Unknown(), "customer_code": types.StringUnknown(),
		},
		lookup: func(client *moka.Client) (claimLookup, func() any) {
			var found *moka.CardWithCustomer
			return cardLookup(client, state.customerRef(), &found), func() any {
				adopted := state
				adopted.fill(*found)
				return &adopted
			}
		},
	}, diags
}
