package provider

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

func TestGenderNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		want moka.Gender
	}{
		{"male", moka.GenderMale},
		{"female", moka.GenderFemale},
		{"", moka.GenderUnspecified},
		{"Male", moka.GenderUnspecified},
		{"other", moka.GenderUnspecified},
	} {
		if got := genderFromName(tc.name); got != tc.want {
			t.Errorf("genderFromName(%q) = %d, want %d", tc.name, got, tc.want)
		}
	}
	// The wire values are Moka's: 1 male, 2 female.
	if moka.GenderMale != 1 || moka.GenderFemale != 2 {
		t.Fatalf("gender codes changed: male %d, female %d", moka.GenderMale, moka.GenderFemale)
	}
	for g, n := range genderNames {
		if genderFromName(n) != g {
			t.Errorf("genderFromName(genderNames[%d]) = %d", g, genderFromName(n))
		}
	}
}

func TestRefreshed(t *testing.T) {
	str := types.StringValue
	null := types.StringNull()
	exact := func(a, b string) bool { return a == b }
	for _, tc := range []struct {
		name  string
		prior types.String
		got   string
		equal func(a, b string) bool
		want  types.String
	}{
		{"new value", null, "Elif", moka.SameText, str("Elif")},
		{"unknown prior", types.StringUnknown(), "Elif", moka.SameText, str("Elif")},
		{"same", str("Elif"), "Elif", moka.SameText, str("Elif")},
		{"changed", str("Elif"), "Ayşe", moka.SameText, str("Ayşe")},
		{"server trims", str(" Elif "), "Elif", moka.SameText, str(" Elif ")},
		{"server pads", str("Elif"), "Elif   ", moka.SameText, str("Elif")},
		{"inner space matters", str("Elif Su"), "ElifSu", moka.SameText, str("ElifSu")},
		{"email case", str("Elif@Example.com"), "ELIF@EXAMPLE.COM", moka.SameEmail, str("Elif@Example.com")},
		{"email changed", str("elif@example.com"), "ayse@example.com", moka.SameEmail, str("ayse@example.com")},
		{"empty is unset", null, "", moka.SameText, null},
		{"emptied", str("Elif"), "", moka.SameText, null},
		{"configured empty", str(""), "", moka.SameText, str("")},
		{"configured blank, server empties", str("  "), "", moka.SameText, str("  ")},
		{"password exact", str("1234"), "1234", exact, str("1234")},
		{"password case matters", str("abcd"), "ABCD", exact, str("ABCD")},
		{"password space matters", str("1234 "), "1234", exact, str("1234")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := refreshed(tc.prior, tc.got, tc.equal); !got.Equal(tc.want) {
				t.Fatalf("refreshed(%v, %q) = %v, want %v", tc.prior, tc.got, got, tc.want)
			}
		})
	}
}

// fullModel is a configuration with every argument set.
func fullModel() dealerCustomerModel {
	return dealerCustomerModel{
		ID:                types.StringUnknown(),
		DealerCustomerID:  types.Int64Unknown(),
		CustomerCode:      types.StringValue("cust-1"),
		FirstName:         types.StringValue("Şükrü"),
		LastName:          types.StringValue("Yılmaz"),
		Gender:            types.StringValue("female"),
		BirthDate:         types.StringValue("1990-12-18"),
		GsmNumber:         types.StringValue("5551234567"),
		Email:             newEmail(types.StringValue("Elif@Example.com")),
		Address:           types.StringValue("Kadıköy, İstanbul"),
		Password:          types.StringValue("1234"),
		PasswordWO:        types.StringNull(),
		PasswordWOVersion: types.Int64Null(),
	}
}

func TestToAPI(t *testing.T) {
	got := fullModel().toAPI()
	want := moka.Customer{
		CustomerCode: "cust-1",
		Password:     "1234",
		FirstName:    "Şükrü",
		LastName:     "Yılmaz",
		Gender:       moka.GenderFemale,
		BirthDate:    "1990-12-18", // the client sends it as Moka's 19901218
		GsmNumber:    "5551234567",
		Email:        "Elif@Example.com",
		Address:      "Kadıköy, İstanbul",
	}
	if got != want {
		t.Fatalf("toAPI:\n got %+v\nwant %+v", got, want)
	}

	m := fullModel()
	m.Gender = types.StringValue("male")
	if g := m.toAPI().Gender; g != moka.GenderMale {
		t.Errorf("male -> %d, want 1", g)
	}
	// Unset arguments are sent empty, so that UpdateCustomer clears them.
	empty := dealerCustomerModel{CustomerCode: types.StringValue("c"), DealerCustomerID: types.Int64Value(7)}
	if got, want := empty.toAPI(), (moka.Customer{DealerCustomerID: 7, CustomerCode: "c"}); got != want {
		t.Errorf("toAPI of a bare model: %+v, want %+v", got, want)
	}
}

func TestWithAPI(t *testing.T) {
	server := moka.Customer{
		DealerCustomerID: 1033,
		CustomerCode:     "cust-1",
		Password:         "1234",
		FirstName:        "Şükrü",
		LastName:         "Yılmaz",
		Gender:           moka.GenderFemale,
		BirthDate:        "1990-12-18", // as the client reads it, whatever Moka's form
		GsmNumber:        "5551234567",
		Email:            "ELIF@EXAMPLE.COM", // Moka's spelling
		Address:          "Kadıköy, İstanbul",
	}

	t.Run("after create", func(t *testing.T) {
		got := fullModel().withAPI(server, false)
		want := fullModel()
		want.ID = types.StringValue("1033")
		want.DealerCustomerID = types.Int64Value(1033)
		if !modelsEqual(got, want) {
			t.Fatalf("withAPI:\n got %s\nwant %s", modelString(got), modelString(want))
		}
	})

	t.Run("import fills everything from Moka", func(t *testing.T) {
		imported := dealerCustomerModel{
			ID: types.StringNull(), DealerCustomerID: types.Int64Null(),
			CustomerCode: types.StringValue("cust-1"),
			FirstName:    types.StringNull(), LastName: types.StringNull(), Gender: types.StringNull(),
			BirthDate: types.StringNull(), GsmNumber: types.StringNull(), Email: newEmail(types.StringNull()),
			Address: types.StringNull(), Password: types.StringNull(), PasswordWO: types.StringNull(),
			PasswordWOVersion: types.Int64Null(),
		}
		got := imported.withAPI(server, false)
		want := fullModel()
		want.ID = types.StringValue("1033")
		want.DealerCustomerID = types.Int64Value(1033)
		want.Email = newEmail(types.StringValue("ELIF@EXAMPLE.COM"))
		want.Password = types.StringNull() // not managed until configured
		if !modelsEqual(got, want) {
			t.Fatalf("withAPI:\n got %s\nwant %s", modelString(got), modelString(want))
		}
	})

	t.Run("drift shows", func(t *testing.T) {
		changed := server
		changed.FirstName = "Ayşe"
		changed.Gender = moka.GenderMale
		changed.BirthDate = "1985-01-31"
		changed.Email = "ayse@example.com"
		changed.Password = "9999"
		changed.Address = ""
		got := fullModel().withAPI(changed, false)
		for name, pair := range map[string][2]types.String{
			"first_name": {got.FirstName, types.StringValue("Ayşe")},
			"gender":     {got.Gender, types.StringValue("male")},
			"birth_date": {got.BirthDate, types.StringValue("1985-01-31")},
			"email":      {got.Email.StringValue, types.StringValue("ayse@example.com")},
			"password":   {got.Password, types.StringValue("9999")},
			"address":    {got.Address, types.StringNull()},
		} {
			if !pair[0].Equal(pair[1]) {
				t.Errorf("%s = %v, want %v", name, pair[0], pair[1])
			}
		}
	})

	t.Run("normalised answers keep the configuration's spelling", func(t *testing.T) {
		m := fullModel()
		m.FirstName = types.StringValue(" Şükrü ")
		m.CustomerCode = types.StringValue("cust-1 ")
		got := m.withAPI(server, false)
		if got.BirthDate.ValueString() != "1990-12-18" || got.FirstName.ValueString() != " Şükrü " ||
			got.Email.ValueString() != "Elif@Example.com" || got.CustomerCode.ValueString() != "cust-1 " {
			t.Fatalf("withAPI changed the configured spelling: %s", modelString(got))
		}
	})

	t.Run("write-only password stays out of state", func(t *testing.T) {
		m := fullModel()
		m.Password = types.StringNull()
		m.PasswordWO = types.StringValue("4321") // as it is in a plan: null, but be safe
		m.PasswordWOVersion = types.Int64Value(1)
		got := m.withAPI(server, true)
		if !got.Password.IsNull() || !got.PasswordWO.IsNull() {
			t.Fatalf("password %v, password_wo %v: both must be null", got.Password, got.PasswordWO)
		}
		if !got.PasswordWOVersion.Equal(types.Int64Value(1)) {
			t.Fatalf("password_wo_version = %v, want 1", got.PasswordWOVersion)
		}
	})

	t.Run("unknown gender code is unset", func(t *testing.T) {
		s := server
		s.Gender = 7
		m := fullModel()
		m.Gender = types.StringNull()
		if got := m.withAPI(s, false); !got.Gender.IsNull() {
			t.Fatalf("gender = %v, want null", got.Gender)
		}
	})
}

func modelsEqual(a, b dealerCustomerModel) bool {
	return a.ID.Equal(b.ID) && a.DealerCustomerID.Equal(b.DealerCustomerID) && a.CustomerCode.Equal(b.CustomerCode) &&
		a.FirstName.Equal(b.FirstName) && a.LastName.Equal(b.LastName) && a.Gender.Equal(b.Gender) &&
		a.BirthDate.Equal(b.BirthDate) && a.GsmNumber.Equal(b.GsmNumber) && a.Email.Equal(b.Email) &&
		a.Address.Equal(b.Address) && a.Password.Equal(b.Password) && a.PasswordWO.Equal(b.PasswordWO) &&
		a.PasswordWOVersion.Equal(b.PasswordWOVersion)
}

func modelString(m dealerCustomerModel) string {
	return fmt.Sprintf("{id %v dcid %v code %v first %v last %v gender %v birth %v gsm %v email %v address %v pw(set %t) wo(null %t) wov %v}",
		m.ID, m.DealerCustomerID, m.CustomerCode, m.FirstName, m.LastName, m.Gender, m.BirthDate, m.GsmNumber,
		m.Email, m.Address, !m.Password.IsNull(), m.PasswordWO.IsNull(), m.PasswordWOVersion)
}

func TestRef(t *testing.T) {
	byID := dealerCustomerModel{DealerCustomerID: types.Int64Value(1033), CustomerCode: types.StringValue("c")}
	if got := byID.ref(); got != (moka.CustomerRef{DealerCustomerID: 1033}) {
		t.Errorf("ref with an id = %+v", got)
	}
	// After an import by code, only the code is known.
	byCode := dealerCustomerModel{DealerCustomerID: types.Int64Null(), CustomerCode: types.StringValue("c")}
	if got := byCode.ref(); got != (moka.CustomerRef{CustomerCode: "c"}) {
		t.Errorf("ref with a code = %+v", got)
	}
}

func TestAddCustomerError(t *testing.T) {
	apiErr := func(code string) error {
		return fmt.Errorf("wrapped: %w", &moka.APIError{Operation: "AddCustomer", ResultCode: code, Reason: code[strings.LastIndex(code, ".")+1:]})
	}
	for _, tc := range []struct {
		name      string
		err       error
		attr      string // "" for an error without attribute
		summary   string
		fragments []string
	}{
		{"conflict with id", &moka.ConflictError{CustomerCode: "c1", DealerCustomerID: 1040}, "customer_code", "Customer code already in use",
			[]string{"already exists (dealer_customer_id 1040)", "this state does not record it", "Nothing here proves who created it", "import {\n    to = ADDRESS\n    id = \"1040\"\n  }", `terraform import ADDRESS "1040"`}},
		{"conflict with an old mark", &moka.ConflictError{CustomerCode: "c1", DealerCustomerID: 1040, Claim: "0123456789abcdef tfmoka 20200101000000"}, "customer_code", "Customer code already in use",
			[]string{"dated 2020-01-01T00:00:00Z, that no state settled", "stopped before it saved its state", `id = "1040"`}},
		{"conflict with a fresh mark", &moka.ConflictError{CustomerCode: "c1", DealerCustomerID: 1040, Claim: moka.NewClaim()}, "customer_code", "Customer code already in use",
			[]string{"may still be running", "wait until", `id = "1040"`}},
		{"conflict without id", &moka.ConflictError{CustomerCode: "c1"}, "customer_code", "Customer code already in use",
			[]string{`id = "code:c1"`}},
		{"already using", apiErr("DealerCustomer.AddCustomer.CustomerCodeAlreadyUsing"), "customer_code", "Customer code already in use",
			[]string{`id = "code:c1"`}},
		{"email", apiErr("DealerCustomer.AddCustomer.InvalidEmailFormat"), "email", "Invalid email",
			[]string{"Moka refused the e-mail address", "InvalidEmailFormat"}},
		{"not found", apiErr("DealerCustomer.UpdateCustomer.DealerCustomerNotFound"), "", "Moka customer is gone",
			[]string{"no longer exists", "apply again"}},
		{"other", errors.New("boom"), "", "Cannot create Moka customer", []string{`customer_code "c1": boom`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var diags diag.Diagnostics
			addCustomerError(&diags, "create", "c1", tc.err, time.Now())
			if len(diags) != 1 || !diags.HasError() {
				t.Fatalf("want one error, got %v", diags)
			}
			d := diags[0]
			if d.Summary() != tc.summary {
				t.Errorf("summary %q, want %q", d.Summary(), tc.summary)
			}
			withPath, hasPath := d.(diag.DiagnosticWithPath)
			switch {
			case tc.attr == "" && hasPath:
				t.Errorf("unexpected attribute %s", withPath.Path())
			case tc.attr != "" && (!hasPath || !withPath.Path().Equal(path.Root(tc.attr))):
				t.Errorf("diagnostic not on %s: %#v", tc.attr, d)
			}
			for _, f := range tc.fragments {
				if !strings.Contains(d.Detail(), f) {
					t.Errorf("detail %q lacks %q", d.Detail(), f)
				}
			}
		})
	}
}
