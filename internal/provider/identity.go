package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// Resource identity (Terraform 1.12+): one string attribute that state holds
// under the same name, set by one deferred call in Create, Read and Update,
// which the framework requires on every way out (DESIGN.md).

const (
	identityCustomerCode = "customer_code"
	identityCardToken    = "card_token"
)

// identityNormal: a card token in Moka's form (lower case, no braces), so that
// one card has one identity in moka_card, moka_card_name and a list result.
var identityNormal = map[string]func(string) string{
	identityCustomerCode: func(s string) string { return s },
	identityCardToken:    moka.NormalizeCardToken,
}

func customerIdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			identityCustomerCode: identityschema.StringAttribute{
				Description:       "The dealer's code of the customer (CustomerCode).",
				RequiredForImport: true,
			},
		},
	}
}

func cardIdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			identityCardToken: identityschema.StringAttribute{
				Description:       "The card's token, lower case without braces.",
				RequiredForImport: true,
			},
		},
	}
}

func identityAfterCreate(ctx context.Context, resp *resource.CreateResponse) {
	fillIdentity(ctx, resp.State, nil, resp.Identity, &resp.Diagnostics)
}

func identityAfterRead(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	fillIdentity(ctx, resp.State, &req.State, resp.Identity, &resp.Diagnostics)
}

func identityAfterUpdate(ctx context.Context, resp *resource.UpdateResponse) {
	fillIdentity(ctx, resp.State, nil, resp.Identity, &resp.Diagnostics)
}

// fillIdentity takes the prior state where the new has none. A known identity
// never changes; only a pending create's placeholder ("") gives way, which is
// why moka_card declares a mutable identity.
func fillIdentity(ctx context.Context, state tfsdk.State, prior *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	for name := range identity.Schema.GetAttributes() {
		if known, ok := stateString(identity.Raw, name); ok && known != "" {
			continue
		}
		value, ok := stateString(state.Raw, name)
		if !ok && prior != nil {
			value, ok = stateString(prior.Raw, name)
		}
		if !ok {
			// nothing names it yet (a lost create's answer, an unknown
			// import id): the framework wants an identity all the same
			value = ""
		}
		if normal := identityNormal[name]; normal != nil {
			value = normal(value)
		}
		diags.Append(identity.SetAttribute(ctx, path.Root(name), value)...)
	}
}

func stateString(raw tftypes.Value, name string) (string, bool) {
	if raw.IsNull() || !raw.IsKnown() {
		return "", false
	}
	got, _, err := tftypes.WalkAttributePath(raw, tftypes.NewAttributePath().WithAttributeName(name))
	if err != nil {
		return "", false
	}
	v, ok := got.(tftypes.Value)
	if !ok || v.IsNull() || !v.IsKnown() {
		return "", false
	}
	var s string
	if v.As(&s) != nil {
		return "", false
	}
	return s, true
}

// importedIdentity: an import by ID gives "", true.
func importedIdentity(ctx context.Context, req resource.ImportStateRequest, name string, diags *diag.Diagnostics) (string, bool) {
	if req.ID != "" || req.Identity == nil {
		return "", true
	}
	var value *string
	diags.Append(req.Identity.GetAttribute(ctx, path.Root(name), &value)...)
	if diags.HasError() {
		return "", false
	}
	if value == nil || strings.TrimSpace(*value) == "" {
		diags.AddAttributeError(path.Root(name), "Missing import identity",
			fmt.Sprintf("Importing by identity needs %s: import { identity = { %s = \"...\" } }.", name, name))
		return "", false
	}
	// As given: a customer code's trailing blanks are part of it.
	return *value, true
}

// customerImportRef: by identity, "code:<CustomerCode>" or DealerCustomerId.
func customerImportRef(id, byIdentity string, diags *diag.Diagnostics) (moka.CustomerRef, bool) {
	if byIdentity != "" {
		return moka.CustomerRef{CustomerCode: byIdentity}, true
	}
	if code, ok := strings.CutPrefix(id, "code:"); ok && code != "" {
		return moka.CustomerRef{CustomerCode: code}, true
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		diags.AddError("Invalid import ID",
			fmt.Sprintf("Import a moka_dealer_customer by its DealerCustomerId (such as \"1033\") or by its customer code as \"code:<CustomerCode>\"; got %q.", id))
		return moka.CustomerRef{}, false
	}
	return moka.CustomerRef{DealerCustomerID: n}, true
}

// importedCardToken is the card an import names, by identity or by token:
// normalized, and refused when it is no token at all.
func importedCardToken(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics) (token, byIdentity string, ok bool) {
	byIdentity, ok = importedIdentity(ctx, req, identityCardToken, diags)
	if !ok {
		return "", "", false
	}
	token = moka.NormalizeCardToken(req.ID + byIdentity)
	if token == "" || strings.ContainsAny(token, "{} \t\r\n") {
		diags.AddError("Invalid import ID",
			fmt.Sprintf("Import a card by its card token, such as \"9f1c6c5e-0d3b-4b8e-9a51-3f4d2a1b7c66\" (braces and letter case do not matter); got %s.", shown(req.ID+byIdentity)))
		return "", "", false
	}
	return token, byIdentity, true
}
