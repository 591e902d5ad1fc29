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

var _ list.ListResourceWithConfigure = (*dealerCustomerListResource)(nil)

// NewDealerCustomerListResource is `list "moka_dealer_customer"`.
func NewDealerCustomerListResource() list.ListResource {
	return &dealerCustomerListResource{}
}

type dealerCustomerListResource struct {
	resourceBase
}

type dealerCustomerListConfig struct {
	CustomerCodePrefix types.String `tfsdk:"customer_code_prefix"`
}

func (l *dealerCustomerListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_dealer_customer"
}

func (l *dealerCustomerListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		Description: "The customers of the dealer account (one GetCustomerList call; with -generate-config-out on a Moka whose list leaves addresses out, also one GetCustomer per customer), each with its customer code as identity. " +
			"Each result's display name is the code and the customer's name. Passwords are never part of a result.",
		Attributes: map[string]listschema.Attribute{
			"customer_code_prefix": listschema.StringAttribute{
				Description: "Only customers whose code starts with this, compared exactly (case matters).",
				Optional:    true,
			},
		},
	}
}

func (l *dealerCustomerListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg dealerCustomerListConfig
	var diags diag.Diagnostics
	diags.Append(req.Config.Get(ctx, &cfg)...)
	client := l.client(&diags)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	customers, complete, err := client.ListCustomers(ctx)
	if err != nil {
		diags.AddError("Cannot list Moka customers", fmt.Sprintf("GetCustomerList: %v", err))
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	prefix := cfg.CustomerCodePrefix.ValueString()
	stream.Results = limited(req.Limit, "customers", func(push func(list.ListResult) bool) {
		for _, c := range customers {
			if !strings.HasPrefix(c.CustomerCode, prefix) {
				continue
			}
			if req.IncludeResource {
				var err error
				if c, err = wholeCustomer(ctx, client, c, complete); moka.IsNotFound(err) {
					continue // removed since GetCustomerList
				} else if err != nil {
					var result list.ListResult
					result.Diagnostics.AddError("Cannot read Moka customer", fmt.Sprintf("GetCustomer of customer_code %q (this Moka's list leaves addresses out): %v", c.CustomerCode, err))
					push(result)
					return
				}
			}
			if !push(customerListResult(ctx, req, c)) {
				return
			}
		}
	})
}

// customerListResult leaves the password out: a list shows no secret, and
// configuration generated from it must not set one.
func customerListResult(ctx context.Context, req list.ListRequest, c moka.Customer) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = customerDisplayName(c)
	result.Diagnostics.Append(result.Identity.SetAttribute(ctx, path.Root(identityCustomerCode), c.CustomerCode)...)
	if req.IncludeResource {
		c.Password = ""
		m := dealerCustomerModel{
			Password: types.StringNull(), PasswordWO: types.StringNull(), PasswordWOVersion: types.Int64Null(),
			Timeouts: nullTimeouts(),
		}.withAPI(c, false)
		result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
	}
	return result
}

func customerDisplayName(c moka.Customer) string {
	name := strings.TrimSpace(strings.TrimSpace(c.FirstName) + " " + strings.TrimSpace(c.LastName))
	if name == "" {
		return c.CustomerCode
	}
	return c.CustomerCode + " (" + name + ")"
}
