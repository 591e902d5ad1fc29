package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// claimedMethods is every method of a resource whose creates carry a claim.
type claimedMethods interface {
	resource.ResourceWithConfigure
	resource.ResourceWithModifyPlan
	resource.ResourceWithImportState
	resource.ResourceWithIdentity
	resource.ResourceWithValidateConfig
	resource.ResourceWithConfigValidators
}

// recordView is what the lifecycle needs of a resource's state.
type recordView struct {
	// noID: state holds no Moka id, so it may be a pending record.
	noID bool
	// id is the id attribute, which a record's create sets to its claim.
	id       string
	timeouts timeouts.Value
	// unknownIDs are what a plan leaves unknown while a record waits: its
	// ids, and whatever else adopting the object fills in that the
	// configuration does not set.
	unknownIDs map[string]attr.Value
	// lookup finds the object the record's create made; adopted is then the
	// state of that object, claim and all (the next write replaces it).
	lookup func(client *moka.Client) (look claimLookup, adopted func() any)
}

// recordReader reads a resource's state for the lifecycle.
type recordReader func(ctx context.Context, state tfsdk.State, private privateGetter) (recordView, diag.Diagnostics)

// claimed puts a resource behind the create lifecycle: while its state is a
// pending record (a create that got no answer), Read, Update, Delete and
// ModifyPlan are the lifecycle's, and the resource's own methods only ever
// see objects Moka confirmed.
func claimed(inner claimedMethods, read recordReader) resource.Resource {
	return &claimedResource{claimedMethods: inner, readRecord: read}
}

type claimedResource struct {
	claimedMethods
	base       resourceBase
	readRecord recordReader
}

func (c *claimedResource) Configure(ctx context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	c.claimedMethods.Configure(ctx, req, resp)
	if !resp.Diagnostics.HasError() {
		c.base.Configure(ctx, req, resp)
	}
}

// pending: the record when state is one. Private state is read first: a
// plan or refresh of a settled object then costs no second read of its state.
// An update or destroy (strict) also takes a state without Moka's id whose
// private state lost the claim (Terraform does not pass it on when it
// replaces a tainted object) for a record: its id holds the claim, and
// without one nothing proves which object is its.
func (c *claimedResource) pending(ctx context.Context, state tfsdk.State, private privateGetter, diags *diag.Diagnostics, strict bool) (recordView, pendingCreate, bool) {
	if c.base.data == nil || state.Raw.IsNull() {
		return recordView{}, pendingCreate{}, false
	}
	record, more := pendingCreateOf(ctx, private)
	diags.Append(more...)
	if !record.pending() && !strict && !moka.IsClaim(rawID(state)) {
		return recordView{}, pendingCreate{}, false
	}
	view, more := c.readRecord(ctx, state, private)
	diags.Append(more...)
	if more.HasError() || !view.noID {
		return recordView{}, pendingCreate{}, false
	}
	if record.claim == "" && moka.IsClaim(view.id) {
		record.claim = view.id
	}
	record.unreleased = record.unreleased || record.claim == ""
	return view, record, true
}

// rawID is the id attribute, read without decoding the whole state.
func rawID(state tfsdk.State) string {
	var attrs map[string]tftypes.Value
	var id string
	if state.Raw.As(&attrs) != nil || !attrs["id"].IsKnown() || attrs["id"].IsNull() || attrs["id"].As(&id) != nil {
		return ""
	}
	return id
}

func (c *claimedResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	view, record, ok := c.pending(ctx, req.State, req.Private, &resp.Diagnostics, false)
	if !ok {
		c.claimedMethods.Read(ctx, req, resp)
		return
	}
	defer identityAfterRead(ctx, req, resp)
	ctx, cancel, client := c.base.begin(ctx, &resp.Diagnostics, view.timeouts.Read, timeoutRead)
	defer cancel()
	if client == nil {
		return
	}
	look, adopted := view.lookup(client)
	if c.base.data.creates.settle(ctx, record, resp, look) {
		resp.Diagnostics.Append(setStateModel(ctx, &resp.State, adopted())...)
	}
}

// ModifyPlan: a record plans unknown ids, so the plan never says "no
// changes" while nothing confirms it; the apply looks for it first.
func (c *claimedResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	c.claimedMethods.ModifyPlan(ctx, req, resp)
	if req.Plan.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	view, _, ok := c.pending(ctx, req.State, req.Private, &resp.Diagnostics, false)
	if !ok {
		return
	}
	look, _ := view.lookup(nil)
	c.base.data.creates.planSettling(ctx, req, resp, look, view.unknownIDs)
}

// Update and Delete change a record's object only once it is found carrying
// the record's claim; the resource then works on the object as found.
func (c *claimedResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	view, record, ok := c.pending(ctx, req.State, req.Private, &resp.Diagnostics, true)
	if !ok {
		c.claimedMethods.Update(ctx, req, resp)
		return
	}
	found, ours := c.own(ctx, view, record, req.State, resp.Private, &resp.Diagnostics, false)
	if !ours {
		// Nothing settled: the record stays as it was, claim and all.
		resp.State.Raw = req.State.Raw.Copy()
		identityAfterUpdate(ctx, resp)
		return
	}
	req.State = found
	c.claimedMethods.Update(ctx, req, resp)
}

func (c *claimedResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	view, record, ok := c.pending(ctx, req.State, req.Private, &resp.Diagnostics, true)
	if !ok {
		c.claimedMethods.Delete(ctx, req, resp)
		return
	}
	found, ours := c.own(ctx, view, record, req.State, resp.Private, &resp.Diagnostics, true)
	if !ours {
		return
	}
	req.State = found
	c.claimedMethods.Delete(ctx, req, resp)
}

// own looks for a record's object; ours gives the state of the object as
// found, for the resource's own Update or Delete.
func (c *claimedResource) own(ctx context.Context, view recordView, record pendingCreate, prior tfsdk.State, out privateSetter, diags *diag.Diagnostics, destroy bool) (found tfsdk.State, ours bool) {
	def, timeout := timeoutUpdate, view.timeouts.Update
	if destroy {
		def, timeout = timeoutDelete, view.timeouts.Delete
	}
	ctx, cancel, client := c.base.begin(ctx, diags, timeout, def)
	defer cancel()
	if client == nil {
		return prior, false
	}
	look, adopted := view.lookup(client)
	if !c.base.data.creates.own(ctx, record, out, diags, look, destroy) {
		if record.claim != "" {
			// the record stays: with its claim, whatever private state lost
			diags.Append(setPendingClaim(ctx, out, record.claim)...)
		}
		return prior, false
	}
	found = tfsdk.State{Schema: prior.Schema}
	diags.Append(found.Set(ctx, adopted())...)
	return found, !diags.HasError()
}
