package provider

import (
	"context"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// readCustomer is how resources read one customer for a refresh.
func (d *providerData) readCustomer(ctx context.Context, ref moka.CustomerRef) (*moka.Customer, error) {
	got, err := d.client.GetCustomer(ctx, ref)
	if err != nil {
		return nil, err
	}
	return &got.Customer, nil
}

// customerWritten is called after every customer write this process makes.
func (d *providerData) customerWritten() {}
