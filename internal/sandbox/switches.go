package sandbox

// Switch is a behaviour Moka's documentation leaves open: off (the default)
// is the sandbox's choice, on the other answer. `terraform-provider-moka
// conformance` names it when Moka differs; MOKA-API.md has the sources.
type Switch struct {
	// Flag is the command-line flag, without dashes.
	Flag string
	// Usage is the flag's help text, the default included.
	Usage string
	field func(*Options) *bool
}

// Enable turns the switch on in o.
func (s Switch) Enable(o *Options) { *s.field(o) = true }

// On reports whether the switch is on in o.
func (s Switch) On(o Options) bool { return *s.field(&o) }

// Switches lists every switch, in the order the conformance table shows them.
var Switches = []Switch{
	{"codes-ignore-case", "CustomerCode compares ignoring case and trailing spaces, as SQL Server's default collation would (default: exactly)",
		func(o *Options) *bool { return &o.CodesIgnoreCase }},
	{"update-clears-omitted", "UpdateCustomer clears fields missing from the request (default: keeps them)",
		func(o *Options) *bool { return &o.UpdateClearsOmitted }},
	{"forbid-code-reuse", "a removed CustomerCode cannot be registered again (default: it can)",
		func(o *Options) *bool { return &o.ForbidCodeReuse }},
	{"keep-cards-on-remove-customer", "RemoveCustomer leaves the customer's cards (default: they are removed too)",
		func(o *Options) *bool { return &o.KeepCardsOnRemoveCustomer }},
	{"unset-as-null", `answers give fields that hold nothing as null (default: "" for text, 0 for Gender)`,
		func(o *Options) *bool { return &o.UnsetAsNull }},
	{"extra-fields", "answers carry undocumented fields: MasterCode and DealerId on customers; CardType, CreditType, ProductCategory, MaxInstallmentNumber and CardCode on cards (default: only the documented fields)",
		func(o *Options) *bool { return &o.ExtraFields }},
	{"update-card-own-codes", "UpdateCard's failures are DealerCustomer.UpdateCard.* (default: DealerCustomer.GetCard.*, as the UpdateCard page lists them)",
		func(o *Options) *bool { return &o.UpdateCardOwnCodes }},
	{"add-card-answers-all-cards", "AddCard answers with all of the customer's cards (default: the new card only)",
		func(o *Options) *bool { return &o.AddCardAnswersAllCards }},
	{"refuse-duplicate-card", "AddCard refuses a card the customer already has (same first six, last four and expiry) with InvalidRequest (default: stores it again under a new token)",
		func(o *Options) *bool { return &o.DuplicateCardRefused }},
	{"skip-luhn-check", "accept card numbers that fail the Luhn check (default: InvalidRequest)",
		func(o *Options) *bool { return &o.SkipLuhnCheck }},
	{"skip-expiry-check", "accept expired cards (default: InvalidRequest)",
		func(o *Options) *bool { return &o.SkipExpiryCheck }},
	{"update-keeps-empty", `UpdateCustomer keeps a field sent as "" (Gender 0 or "", Password "" too) (default: "" clears it)`,
		func(o *Options) *bool { return &o.UpdateKeepsEmpty }},
	{"update-clears-null", "UpdateCustomer clears a field sent as null (default: null is like an omitted field)",
		func(o *Options) *bool { return &o.UpdateClearsNull }},
	{"update-card-refuses-empty-name", `UpdateCard with an empty, blank, null or missing CardName answers InvalidRequest "CardName is required" and changes nothing (default: sets an empty name)`,
		func(o *Options) *bool { return &o.UpdateCardRefusesEmptyName }},
	{"truncate-text", "FirstName, LastName, Address and CardName are stored cut to 40 characters (default: stored whole)",
		func(o *Options) *bool { return &o.TruncateText }},
	{"upper-case-text", "FirstName, LastName, Address, CardName and CardHolderFullName are stored in upper case (default: as sent)",
		func(o *Options) *bool { return &o.UpperCaseText }},
	{"lists-omit-fields", "GetCardList's cards carry no CardName, GetCustomerList's customers no Address (default: every field)",
		func(o *Options) *bool { return &o.ListsOmitFields }},
	{"birth-date-dotted", "answers give BirthDate as DD.MM.YYYY (default: YYYYMMDD)",
		func(o *Options) *bool { return &o.BirthDateDotted }},
	{"birth-date-dotnet", `answers give BirthDate as .NET's JSON date "/Date(<ms since 1970>)/"; wins over --birth-date-dotted (default: YYYYMMDD)`,
		func(o *Options) *bool { return &o.BirthDateDotNet }},
	{"ex-text-in-exception", `an EX answer carries its text in Exception, ResultMessage "" (default: text in ResultMessage, Exception null)`,
		func(o *Options) *bool { return &o.EXTextInException }},
}

// SwitchByFlag finds a switch by its flag name.
func SwitchByFlag(flag string) (Switch, bool) {
	for _, s := range Switches {
		if s.Flag == flag {
			return s, true
		}
	}
	return Switch{}, false
}
