package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

var _ list.ListResourceWithConfigure = (*cardListResource)(nil)

// NewCardListResource is `list "moka_card"`.
func NewCardListResource() list.ListResource {
	return &cardListResource{}
}

type cardListResource struct {
	resourceBase
}

type cardListConfig struct {
	CustomerCode types.String `tfsdk:"customer_code"`
}

func (l *cardListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_card"
}

func (l *cardListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		Description: "The stored cards of one customer (GetCardList), or of every customer of the account (GetCustomerList, then GetCardList per customer), " +
			"each with its card token as identity; a card the list gives without its name (not every Moka's list does) is read with GetCard. Each result's display name is the masked card number, the card's name and its customer's code.",
		Attributes: map[string]listschema.Attribute{
			"customer_code": listschema.StringAttribute{
				Description: "Only this customer's cards. Without it, every customer's cards: one call per customer, " +
					"paced by the provider's `max_requests_per_second`.",
				Optional: true,
			},
		},
	}
}

func (l *cardListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg cardListConfig
	var diags diag.Diagnostics
	diags.Append(req.Config.Get(ctx, &cfg)...)
	client := l.client(&diags)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	var codes []string
	if code := cfg.CustomerCode.ValueString(); strings.TrimSpace(code) != "" {
		codes = []string{code}
	} else {
		customers, err := client.GetCustomerList(ctx)
		if err != nil {
			diags.AddError("Cannot list Moka customers", fmt.Sprintf("GetCustomerList, to list every customer's cards: %v", err))
			stream.Results = list.ListResultsStreamDiagnostics(diags)
			return
		}
		for _, c := range customers {
			codes = append(codes, c.CustomerCode)
		}
	}
	one := len(codes) == 1 && !cfg.CustomerCode.IsNull()
	// one customer at a time, as Terraform takes them: a limit stops the calls
	stream.Results = limited(req.Limit, "cards", func(push func(list.ListResult) bool) {
		for _, code := range codes {
			cards, unnamed, err := client.ListCards(ctx, moka.CustomerRef{CustomerCode: code})
			if err == nil {
				cards.Cards, err = wholeCards(ctx, client, cards.Cards, unnamed)
			}
			if moka.IsNotFound(err) && !one {
				continue // removed since GetCustomerList
			}
			if err != nil {
				var result list.ListResult
				if moka.IsNotFound(err) {
					result.Diagnostics.AddAttributeError(path.Root("customer_code"), "Moka customer not found",
						fmt.Sprintf("The dealer account has no customer with customer_code %q.", code))
				} else {
					result.Diagnostics.AddError("Cannot list Moka cards", fmt.Sprintf("GetCardList of customer_code %q: %v", code, err))
				}
				push(result)
				return
			}
			for _, card := range cards.Cards {
				if !push(cardListResult(ctx, req, moka.CardWithCustomer{Customer: cards.Customer, Card: card})) {
					return
				}
			}
		}
	})
}

// cardListResult names the customer by its code only: moka_card takes one of
// customer_code and dealer_customer_id, and generated configuration sets all
// the result holds.
func cardListResult(ctx context.Context, req list.ListRequest, c moka.CardWithCustomer) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = cardDisplayName(c)
	result.Diagnostics.Append(result.Identity.SetAttribute(ctx, path.Root(identityCardToken), moka.NormalizeCardToken(c.Card.CardToken))...)
	if req.IncludeResource {
		m := cardModel{
			CardName: types.StringNull(), CardNumberWOVersion: types.Int64Null(),
			cardFacts: cardFacts{
				CustomerCode: types.StringNull(), CardHolderFullName: types.StringNull(),
				ExpMonth: types.StringNull(), ExpYear: types.StringNull(),
			},
			Timeouts: nullTimeouts(),
		}
		m.fill(c)
		m.DealerCustomerID = types.Int64Null()
		result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
	}
	return result
}

// cardDisplayName: "512754******3332 Bonus kartım (CUST-0001)".
func cardDisplayName(c moka.CardWithCustomer) string {
	out := c.Card.CardNumberFirstSix + "******" + c.Card.CardNumberLastFour
	if name := strings.TrimSpace(c.Card.CardName); name != "" {
		out += " " + name
	}
	return out + " (" + c.Customer.CustomerCode + ")"
}
