package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// behaviour is one question Moka's documentation leaves open. Its probe runs
// a few calls and describes what Moka did in words that match Sandbox when
// Moka does what the default sandbox does, and Switched when it does what the
// sandbox does under the switch named by Flag.
type behaviour struct {
	ID            string // also the sandbox switch's flag
	Name          string
	Documentation string // what Moka's pages say, or "silent"
	Sandbox       string // what the default sandbox does
	Switched      string // what the sandbox does under --ID
	probe         func(ctx context.Context, s *session) (string, error)
}

// Moka's test cards (MOKA-API.md), valid through 12/2030.
const (
	testCard      = "5127541122223332"
	otherTestCard = "4531441122223338"
	// luhnFailing is testCard with its check digit off by one.
	luhnFailing = "5127541122223333"
)

const refusedInvalidRequest = "refused (AddCard.InvalidRequest)"

// behaviours is the script, in the order of sandbox.Switches.
var behaviours = []behaviour{
	{
		ID:            "codes-ignore-case",
		Name:          "Codes compare ignoring case, trailing spaces",
		Documentation: "silent",
		Sandbox:       "lower case: not found, trailing space: not found",
		Switched:      "lower case: found, trailing space: found",
		probe: func(ctx context.Context, s *session) (string, error) {
			code, _, err := s.addCustomer(ctx, "CASE", map[string]any{"FirstName": "Conformance"})
			if err != nil {
				return "", err
			}
			lower, err := s.lookup(ctx, strings.ToLower(code))
			if err != nil {
				return "", err
			}
			spaced, err := s.lookup(ctx, code+" ")
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("lower case: %s, trailing space: %s", lower, spaced), nil
		},
	},
	{
		ID:            "update-clears-omitted",
		Name:          "UpdateCustomer clears omitted fields",
		Documentation: "silent",
		Sandbox:       "omitted field kept",
		Switched:      "omitted field cleared",
		probe: func(ctx context.Context, s *session) (string, error) {
			code, id, err := s.addCustomer(ctx, "UPDATE", map[string]any{"FirstName": "Ada", "LastName": "Lovelace"})
			if err != nil {
				return "", err
			}
			if _, err := s.call(ctx, "UpdateCustomer", map[string]any{"DealerCustomerId": id, "CustomerCode": code, "FirstName": "Grace"}); err != nil {
				return "", err
			}
			got, err := s.customer(ctx, code)
			if err != nil {
				return "", err
			}
			switch last := text(got["LastName"]); {
			case strings.EqualFold(last, "Lovelace"): // a Moka that upper-cases text still kept it
				return "omitted field kept", nil
			case last == "":
				return "omitted field cleared", nil
			default:
				return fmt.Sprintf("omitted field became %q", last), nil
			}
		},
	},
	{
		ID:            "forbid-code-reuse",
		Name:          "A removed customer's code stays taken",
		Documentation: "silent",
		Sandbox:       "registered again",
		Switched:      "refused (AddCustomer.CustomerCodeAlreadyUsing)",
		probe: func(ctx context.Context, s *session) (string, error) {
			code, id, err := s.addCustomer(ctx, "REUSE", nil)
			if err != nil {
				return "", err
			}
			if err := s.removeCustomer(ctx, id, code); err != nil {
				return "", err
			}
			_, uncertain, err := s.callTracked(ctx, "AddCustomer", map[string]any{"CustomerCode": code})
			if err != nil && uncertain && moka.Reason(err) == moka.ReasonCustomerCodeAlreadyUsing {
				// An attempt whose answer was lost may have registered it:
				// then the code is there again.
				if found, lerr := s.lookup(ctx, code); lerr != nil {
					return "", lerr
				} else if found == "found" {
					return "registered again", nil
				}
			}
			return outcome(err, "registered again")
		},
	},
	{
		ID:            "keep-cards-on-remove-customer",
		Name:          "RemoveCustomer keeps the cards",
		Documentation: "silent",
		Sandbox:       "cards removed (GetCard: CardNotFound)",
		Switched:      "cards kept (GetCard answers)",
		probe: func(ctx context.Context, s *session) (string, error) {
			code, id, err := s.addCustomer(ctx, "CARDS", nil)
			if err != nil {
				return "", err
			}
			tokens, err := s.addCard(ctx, code, testCard, "12", "2030", "kept?")
			if err != nil {
				return "", err
			}
			if len(tokens) == 0 {
				return "", fmt.Errorf("the AddCard answer shows no card")
			}
			if err := s.removeCustomer(ctx, id, code); err != nil {
				return "", err
			}
			_, err = s.call(ctx, "GetCard", map[string]any{"CardToken": tokens[len(tokens)-1]})
			switch {
			case err == nil:
				return "cards kept (GetCard answers)", nil
			case moka.Reason(err) == moka.ReasonCardNotFound:
				return "cards removed (GetCard: CardNotFound)", nil
			}
			return "", err
		},
	},
	{
		ID:            "unset-as-null",
		Name:          "Unset fields answered as null",
		Documentation: "silent (samples fill all)",
		Sandbox:       `FirstName "", Gender 0`,
		Switched:      "FirstName null, Gender null",
		probe: func(ctx context.Context, s *session) (string, error) {
			code, _, err := s.addCustomer(ctx, "UNSET", nil)
			if err != nil {
				return "", err
			}
			got, err := s.customer(ctx, code)
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("FirstName %s, Gender %s", shown(got, "FirstName"), shown(got, "Gender")), nil
		},
	},
	{
		ID:            "extra-fields",
		Name:          "Undocumented fields in answers",
		Documentation: "lists a customer's and a card's fields",
		Sandbox:       "none",
		Switched:      "customer: DealerId, MasterCode; card: CardCode, CardType, CreditType, MaxInstallmentNumber, ProductCategory",
		probe: func(ctx context.Context, s *session) (string, error) {
			code, _, err := s.addCustomer(ctx, "EXTRA", map[string]any{"FirstName": "Conformance"})
			if err != nil {
				return "", err
			}
			if _, err := s.addCard(ctx, code, testCard, "12", "2030", "extra"); err != nil {
				return "", err
			}
			data, err := s.call(ctx, "GetCustomer", map[string]any{"CustomerCode": code})
			if err != nil {
				return "", err
			}
			var v struct {
				DealerCustomer map[string]json.RawMessage   `json:"DealerCustomer"`
				CardList       []map[string]json.RawMessage `json:"CardList"`
			}
			if err := json.Unmarshal(data, &v); err != nil || len(v.CardList) == 0 {
				return "", fmt.Errorf("the GetCustomer answer is not a customer with its card: %s", shortJSON(data))
			}
			customer := undocumented(v.DealerCustomer, documentedCustomerFields)
			card := undocumented(v.CardList[0], documentedCardFields)
			if len(customer) == 0 && len(card) == 0 {
				return "none", nil
			}
			return fmt.Sprintf("customer: %s; card: %s", listOrNone(customer), listOrNone(card)), nil
		},
	},
	{
		ID:            "update-card-own-codes",
		Name:          "UpdateCard fails as UpdateCard.*",
		Documentation: "its page lists GetCard.* codes",
		Sandbox:       "DealerCustomer.GetCard.CardNotFound",
		Switched:      "DealerCustomer.UpdateCard.CardNotFound",
		probe: func(ctx context.Context, s *session) (string, error) {
			// A token no card has: nothing is changed, whatever the answer.
			_, err := s.call(ctx, "UpdateCard", map[string]any{"CardToken": "00000000-0000-4000-8000-" + strings.Repeat("0", 12), "CardName": "none"})
			var apiErr *moka.APIError
			if err == nil {
				return "", fmt.Errorf("UpdateCard of a card that does not exist succeeded")
			}
			if !asAPIError(err, &apiErr) {
				return "", err
			}
			return apiErr.ResultCode, nil
		},
	},
	{
		ID:            "add-card-answers-all-cards",
		Name:          "AddCard answers with all cards",
		Documentation: "silent",
		Sandbox:       "the new card only",
		Switched:      "all of the customer's cards",
		probe: func(ctx context.Context, s *session) (string, error) {
			code, _, err := s.addCustomer(ctx, "ADDCARD", nil)
			if err != nil {
				return "", err
			}
			if _, err := s.addCard(ctx, code, testCard, "12", "2030", "first"); err != nil {
				return "", err
			}
			tokens, err := s.addCard(ctx, code, otherTestCard, "12", "2030", "second")
			if err != nil {
				return "", err
			}
			// Compared with GetCardList, so that a card stored twice by a
			// retry after a lost answer does not change what is settled.
			all, err := s.call(ctx, "GetCardList", map[string]any{"CustomerCode": code})
			if err != nil {
				return "", err
			}
			listed, err := cardTokens(all)
			if err != nil {
				return "", err
			}
			switch {
			case len(tokens) == 1 && len(listed) > 1:
				return "the new card only", nil
			case sameTokens(tokens, listed):
				return "all of the customer's cards", nil
			}
			return fmt.Sprintf("%d of the customer's %d cards", len(tokens), len(listed)), nil
		},
	},
	{
		ID:            "refuse-duplicate-card",
		Name:          "AddCard refuses a duplicate card",
		Documentation: "silent",
		Sandbox:       "stored again",
		Switched:      refusedInvalidRequest,
		probe: func(ctx context.Context, s *session) (string, error) {
			code, _, err := s.addCustomer(ctx, "DUPCARD", nil)
			if err != nil {
				return "", err
			}
			if _, err := s.addCard(ctx, code, testCard, "12", "2030", "once"); err != nil {
				return "", err
			}
			_, err = s.addCard(ctx, code, testCard, "12", "2030", "twice")
			return outcome(err, "stored again")
		},
	},
	{
		ID:            "skip-luhn-check",
		Name:          "AddCard accepts a bad Luhn digit",
		Documentation: "silent",
		Sandbox:       refusedInvalidRequest,
		Switched:      "accepted",
		probe: func(ctx context.Context, s *session) (string, error) {
			code, _, err := s.addCustomer(ctx, "LUHN", nil)
			if err != nil {
				return "", err
			}
			_, err = s.addCard(ctx, code, luhnFailing, "12", "2030", "luhn")
			return outcome(err, "accepted")
		},
	},
	{
		ID:            "skip-expiry-check",
		Name:          "AddCard accepts an expired card",
		Documentation: "silent",
		Sandbox:       refusedInvalidRequest,
		Switched:      "accepted",
		probe: func(ctx context.Context, s *session) (string, error) {
			code, _, err := s.addCustomer(ctx, "EXPIRED", nil)
			if err != nil {
				return "", err
			}
			_, err = s.addCard(ctx, code, testCard, "01", "2020", "expired")
			return outcome(err, "accepted")
		},
	},
	{
		ID:            "update-keeps-empty",
		Name:          `UpdateCustomer keeps a field sent as ""`,
		Documentation: "silent",
		Sandbox:       `Address "" cleared`,
		Switched:      `Address "" kept`,
		probe: func(ctx context.Context, s *session) (string, error) {
			code, id, err := s.addCustomer(ctx, "EMPTY", map[string]any{"Address": "Kadikoy"})
			if err != nil {
				return "", err
			}
			if _, err := s.call(ctx, "UpdateCustomer", map[string]any{"DealerCustomerId": id, "CustomerCode": code, "Address": ""}); err != nil {
				return "", err
			}
			got, err := s.customer(ctx, code)
			if err != nil {
				return "", err
			}
			switch address := text(got["Address"]); {
			case address == "":
				return `Address "" cleared`, nil
			case strings.EqualFold(address, "Kadikoy"):
				return `Address "" kept`, nil
			default:
				return fmt.Sprintf("Address \"\" became %q", address), nil
			}
		},
	},
	{
		ID:            "update-clears-null",
		Name:          "UpdateCustomer clears a field sent as null",
		Documentation: "silent",
		Sandbox:       "null like an omitted field",
		Switched:      "null cleared, omitted kept",
		probe: func(ctx context.Context, s *session) (string, error) {
			code, id, err := s.addCustomer(ctx, "NULL", map[string]any{"Address": "Kadikoy", "LastName": "Lovelace"})
			if err != nil {
				return "", err
			}
			// Address null, LastName left out.
			if _, err := s.call(ctx, "UpdateCustomer", map[string]any{"DealerCustomerId": id, "CustomerCode": code, "Address": nil, "FirstName": "Ada"}); err != nil {
				return "", err
			}
			got, err := s.customer(ctx, code)
			if err != nil {
				return "", err
			}
			kept := func(name, was string) string {
				switch v := text(got[name]); {
				case v == "":
					return "cleared"
				case strings.EqualFold(v, was):
					return "kept"
				default:
					return fmt.Sprintf("became %q", v)
				}
			}
			null, omitted := kept("Address", "Kadikoy"), kept("LastName", "Lovelace")
			if null == omitted {
				return "null like an omitted field", nil
			}
			return fmt.Sprintf("null %s, omitted %s", null, omitted), nil
		},
	},
	{
		ID:            "update-card-refuses-empty-name",
		Name:          "UpdateCard refuses an empty CardName",
		Documentation: "silent",
		Sandbox:       "empty name set",
		Switched:      "refused (InvalidRequest)",
		probe: func(ctx context.Context, s *session) (string, error) {
			code, _, err := s.addCustomer(ctx, "CARDNAME", nil)
			if err != nil {
				return "", err
			}
			tokens, err := s.addCard(ctx, code, testCard, "12", "2030", "named")
			if err != nil {
				return "", err
			}
			if len(tokens) == 0 {
				return "", fmt.Errorf("the AddCard answer shows no card")
			}
			token := tokens[len(tokens)-1]
			_, err = s.call(ctx, "UpdateCard", map[string]any{"CardToken": token, "CardName": ""})
			var apiErr *moka.APIError
			switch {
			case err == nil:
			case asAPIError(err, &apiErr) && apiErr.ResultCode != moka.ResultCodeEX:
				// The reason only: which prefix UpdateCard's codes carry is
				// update-card-own-codes' question.
				return fmt.Sprintf("refused (%s)", apiErr.Reason), nil
			default:
				return "", err
			}
			data, err := s.call(ctx, "GetCard", map[string]any{"CardToken": token})
			if err != nil {
				return "", err
			}
			var v struct {
				CardList []map[string]json.RawMessage `json:"CardList"`
			}
			if err := json.Unmarshal(data, &v); err != nil || len(v.CardList) == 0 {
				return "", fmt.Errorf("the GetCard answer shows no card: %s", shortJSON(data))
			}
			if name := text(v.CardList[0]["CardName"]); name != "" {
				return fmt.Sprintf("accepted, name still %q", name), nil
			}
			return "empty name set", nil
		},
	},
	{
		ID:            "truncate-text",
		Name:          "Long text stored cut",
		Documentation: "limits only (Address 200, CardName 50 characters)",
		Sandbox:       fmt.Sprintf("%d characters kept", len([]rune(longText))),
		Switched:      "cut to 40 characters",
		probe: func(ctx context.Context, s *session) (string, error) {
			reads, err := s.textRoundTrip(ctx)
			if err != nil {
				return "", err
			}
			return describeReads(reads, func(r textRead) string {
				if n := len([]rune(r.value)); n < len([]rune(longText)) {
					return fmt.Sprintf("cut to %d characters", n)
				}
				return fmt.Sprintf("%d characters kept", len([]rune(longText)))
			}), nil
		},
	},
	{
		ID:            "upper-case-text",
		Name:          "Text stored in upper case",
		Documentation: "silent",
		Sandbox:       "case kept",
		Switched:      "upper-cased",
		probe: func(ctx context.Context, s *session) (string, error) {
			reads, err := s.textRoundTrip(ctx)
			if err != nil {
				return "", err
			}
			return describeReads(reads, func(r textRead) string {
				base := string([]rune(longText)[:min(len([]rune(r.value)), len([]rune(longText)))])
				switch r.value {
				case base:
					return "case kept"
				case strings.ToUpper(base):
					return "upper-cased"
				}
				return fmt.Sprintf("changed to %q", r.value)
			}), nil
		},
	},
	{
		ID:            "lists-omit-fields",
		Name:          "List answers leave fields out",
		Documentation: "silent",
		Sandbox:       "lists carry CardName and Address",
		Switched:      "GetCardList without CardName, GetCustomerList without Address",
		probe: func(ctx context.Context, s *session) (string, error) {
			reads, err := s.textRoundTrip(ctx)
			if err != nil {
				return "", err
			}
			var missing []string
			for _, r := range reads {
				if r.missing {
					missing = append(missing, r.where)
				}
			}
			switch {
			case len(missing) == 0:
				return "lists carry CardName and Address", nil
			case slices.Equal(missing, []string{readCardList, readCustomerList}):
				return "GetCardList without CardName, GetCustomerList without Address", nil
			}
			return "without the text: " + strings.Join(missing, ", "), nil
		},
	},
	{
		ID:            "birth-date-dotted",
		Name:          "BirthDate answered as DD.MM.YYYY",
		Documentation: "sent as YYYYMMDD",
		Sandbox:       "not DD.MM.YYYY",
		Switched:      "DD.MM.YYYY",
		probe: func(ctx context.Context, s *session) (string, error) {
			form, raw, err := s.birthDateForm(ctx)
			switch {
			case err != nil:
				return "", err
			case form == "DD.MM.YYYY":
				return form, nil
			case form != "":
				return "not DD.MM.YYYY", nil
			}
			return "unknown form " + raw, nil
		},
	},
	{
		ID:            "birth-date-dotnet",
		Name:          "BirthDate answered as /Date(ms)/",
		Documentation: "sent as YYYYMMDD",
		Sandbox:       "not /Date(ms)/",
		Switched:      "/Date(ms)/",
		probe: func(ctx context.Context, s *session) (string, error) {
			form, raw, err := s.birthDateForm(ctx)
			switch {
			case err != nil:
				return "", err
			case form == "/Date(ms)/":
				return form, nil
			case form != "":
				return "not /Date(ms)/", nil
			}
			return "unknown form " + raw, nil
		},
	},
	{
		// No call can make Moka answer EX on purpose: the row is settled only
		// by EX answers that come by themselves during the run (exWatch), and
		// is "not observed", neither same nor differs, without one.
		ID:            "ex-text-in-exception",
		Name:          "EX answers carry their text in Exception",
		Documentation: "ResultMessage [seed]; settled only by an EX that comes by itself",
		Sandbox:       "text in ResultMessage",
		Switched:      "text in Exception",
		probe: func(_ context.Context, s *session) (string, error) {
			return s.exSeen()
		},
	},
}

// The fields MOKA-API.md documents on a customer and on a card.
var (
	documentedCustomerFields = []string{"DealerCustomerId", "CustomerCode", "Password", "FirstName", "LastName", "Gender", "BirthDate", "GsmNumber", "Email", "Address"}
	documentedCardFields     = []string{"CardToken", "CardName", "BankName", "CardNumberFirstSix", "CardNumberLastFour", "CardHolderFullName", "ExpMonth", "ExpYear"}
)

// outcome describes a write that either succeeded (as success says) or was
// refused by Moka with a result code; any other failure is an error.
func outcome(err error, success string) (string, error) {
	var apiErr *moka.APIError
	switch {
	case err == nil:
		return success, nil
	case asAPIError(err, &apiErr) && apiErr.ResultCode != moka.ResultCodeEX:
		return fmt.Sprintf("refused (%s)", strings.TrimPrefix(apiErr.ResultCode, "DealerCustomer.")), nil
	}
	return "", err
}

// lookup asks for a customer by code: "found" or "not found".
func (s *session) lookup(ctx context.Context, code string) (string, error) {
	_, err := s.call(ctx, "GetCustomer", map[string]any{"CustomerCode": code})
	switch {
	case err == nil:
		return "found", nil
	case moka.Reason(err) == moka.ReasonDealerCustomerNotFound:
		return "not found", nil
	}
	return "", err
}

// customer reads a customer's fields as Moka sent them.
func (s *session) customer(ctx context.Context, code string) (map[string]json.RawMessage, error) {
	data, err := s.call(ctx, "GetCustomer", map[string]any{"CustomerCode": code})
	if err != nil {
		return nil, err
	}
	var v struct {
		DealerCustomer map[string]json.RawMessage `json:"DealerCustomer"`
	}
	if err := json.Unmarshal(data, &v); err != nil || v.DealerCustomer == nil {
		return nil, fmt.Errorf("the GetCustomer answer has no DealerCustomer: %s", shortJSON(data))
	}
	return v.DealerCustomer, nil
}

// shown is how a field of an answer looks: its JSON, or "absent".
func shown(obj map[string]json.RawMessage, name string) string {
	raw, ok := obj[name]
	if !ok {
		return "absent"
	}
	return string(raw)
}

// text is a string field's value ("" for anything else).
func text(raw json.RawMessage) string {
	var v string
	_ = json.Unmarshal(raw, &v)
	return v
}

// undocumented lists, sorted, the members of obj not in documented.
func undocumented(obj map[string]json.RawMessage, documented []string) []string {
	var extra []string
	for name := range obj {
		if !slices.ContainsFunc(documented, func(d string) bool { return strings.EqualFold(d, name) }) {
			extra = append(extra, name)
		}
	}
	slices.Sort(extra)
	return extra
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// shortJSON is the start of an answer for an error message. The script never
// sends a customer password, and Moka never answers a card number, so an
// answer to this script holds no secret.
func shortJSON(data json.RawMessage) string {
	const limit = 200
	if len(data) > limit {
		return string(data[:limit]) + "..."
	}
	return string(data)
}
