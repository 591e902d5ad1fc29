package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// resourceBase is the Configure step every resource shares, and the client it
// gives them.
type resourceBase struct {
	data *providerData
}

func (b *resourceBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, err := providerDataFrom(req.ProviderData)
	if err != nil {
		resp.Diagnostics.AddError("Unexpected provider data", err.Error())
		return
	}
	b.data = data
}

// client is the configured client, or nil after adding an error saying the
// provider's configuration is not known yet.
func (b *resourceBase) client(diags interface{ AddError(string, string) }) *moka.Client {
	return configuredClient(b.data, diags)
}

// dataSourceBase is the Configure step every data source shares.
type dataSourceBase struct {
	data *providerData
}

func (b *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data, err := providerDataFrom(req.ProviderData)
	if err != nil {
		resp.Diagnostics.AddError("Unexpected provider data", err.Error())
		return
	}
	b.data = data
}

func (b *dataSourceBase) client(diags interface{ AddError(string, string) }) *moka.Client {
	return configuredClient(b.data, diags)
}

func configuredClient(data *providerData, diags interface{ AddError(string, string) }) *moka.Client {
	if data == nil || data.client == nil {
		diags.AddError("Provider not configured", notConfigured)
		return nil
	}
	return data.client
}
