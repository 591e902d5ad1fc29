package sandbox

import (
	"errors"
	"fmt"
	"time"
)

// Options configures a Server. The zero value is a working sandbox.
type Options struct {
	// The dealer account. Empty fields default to "SANDBOX", "sandbox", "sandbox".
	DealerCode, Username, Password string
	// DataFile, when set, is loaded by New and compacted (rewritten
	// atomically: temporary file in the same directory, fsync, rename); every
	// committed write then appends one line to it before the answer is sent,
	// fsync'd in the background (see persist.go). Empty: memory only.
	DataFile string
	// Latency is added before each DealerCustomer answer.
	Latency time.Duration
	// FaultRate (0..1) is the share of DealerCustomer calls that fail in one
	// of FaultKinds (nil: AllFaultKinds, which leaves out FaultLateCommit),
	// chosen uniformly.
	FaultRate  float64
	FaultKinds []FaultKind
	// Seed seeds the fault RNG; 0 seeds from the clock.
	Seed int64
	// TimeoutHang is how long the timeout fault holds a request before it
	// drops the connection (default 30s); it ends early when the request's
	// context ends or the server closes. The latecommit fault holds a request
	// as long, whatever its context, and ends early only at Close.
	TimeoutHang time.Duration

	// Behaviour Moka's documentation leaves open, each a switch (see Switches
	// and MOKA-API.md, "Decisions and their switches"):

	// KeepCardsOnRemoveCustomer: RemoveCustomer leaves the customer's cards
	// (GetCard then still answers, with the removed customer's data).
	// Default false: the cards go with the customer.
	KeepCardsOnRemoveCustomer bool
	// ForbidCodeReuse: a removed CustomerCode stays taken
	// (CustomerCodeAlreadyUsing). Default false: it can be registered again.
	ForbidCodeReuse bool
	// UpdateClearsOmitted: UpdateCustomer clears every field that is missing
	// or null. Default false: such fields keep their value; a present field,
	// even "", is set.
	UpdateClearsOmitted bool
	// SkipLuhnCheck: accept card numbers that fail the Luhn check.
	// Default false: InvalidRequest.
	SkipLuhnCheck bool
	// SkipExpiryCheck: accept expired cards. Default false: InvalidRequest.
	// (ExpMonth must be 01..12 and ExpYear four digits either way.)
	SkipExpiryCheck bool
	// CodesIgnoreCase: CustomerCode compares ignoring case and trailing
	// spaces, as SQL Server's default collation would ("ABC " is "abc").
	// Default false: exactly.
	CodesIgnoreCase bool
	// UnsetAsNull: answers give a field that holds nothing as JSON null
	// instead of "" (text) or 0 (Gender). Default false: "" and 0.
	UnsetAsNull bool
	// ExtraFields: answers carry fields the documentation does not list but
	// public clients see: MasterCode and DealerId on a customer; CardType,
	// CreditType, ProductCategory, MaxInstallmentNumber and CardCode on a
	// card. Default false: only the documented fields.
	ExtraFields bool
	// UpdateCardOwnCodes: UpdateCard's failures use the prefix
	// DealerCustomer.UpdateCard. Default false: DealerCustomer.GetCard., as
	// the UpdateCard page lists them.
	UpdateCardOwnCodes bool
	// AddCardAnswersAllCards: AddCard answers with all of the customer's
	// cards. Default false: with the new card only (CardListCount 1), like
	// UpdateCard's documented answer.
	AddCardAnswersAllCards bool
	// DuplicateCardRefused: AddCard refuses a card the customer already has
	// stored (same number and expiry) with InvalidRequest. Default false: the
	// same card can be stored twice, under two tokens.
	DuplicateCardRefused bool
	// UpdateKeepsEmpty: UpdateCustomer keeps a field's value when the request
	// sends it as "" (Gender 0 or "", Password "" too). Default false: ""
	// clears the field.
	UpdateKeepsEmpty bool
	// UpdateClearsNull: UpdateCustomer clears a field sent as JSON null.
	// Default false: null is like an omitted field (kept, unless
	// UpdateClearsOmitted).
	UpdateClearsNull bool
	// UpdateCardRefusesEmptyName: UpdateCard with a CardName that is "",
	// blank, null or missing answers InvalidRequest ("CardName is required")
	// and changes nothing. Default false: it sets an empty name.
	UpdateCardRefusesEmptyName bool
	// TruncateText: FirstName, LastName, Address (customers) and CardName
	// (cards) are stored cut to their first 40 characters. Default false:
	// stored whole (up to the documented limits).
	TruncateText bool
	// UpperCaseText: FirstName, LastName, Address, CardName and
	// CardHolderFullName are stored in upper case. Default false: as sent.
	UpperCaseText bool
	// ListsOmitFields: GetCardList's cards carry no CardName, and
	// GetCustomerList's customers no Address. Default false: every field.
	ListsOmitFields bool
	// BirthDateDotted: answers give BirthDate as DD.MM.YYYY. Default false:
	// YYYYMMDD, as it is sent.
	BirthDateDotted bool
	// BirthDateDotNet: answers give BirthDate as .NET's JSON date,
	// "/Date(<milliseconds since 1970-01-01 UTC of its midnight UTC>)/"; it
	// wins over BirthDateDotted. Default false: YYYYMMDD.
	BirthDateDotNet bool
	// EXTextInException: an EX answer carries its text in Exception and
	// ResultMessage is "". Default false: the text is in ResultMessage and
	// Exception is null.
	EXTextInException bool

	// Logf, when set, gets one line per DealerCustomer call (operation,
	// result code or fault; never a request's content) and server errors.
	Logf func(format string, args ...any)
}

const defaultTimeoutHang = 30 * time.Second

// withDefaults fills in what the field comments above promise for a zero
// value, and refuses values no sandbox can play. The fault kinds are copied so
// that a caller changing its slice later cannot change a running server.
func (opts Options) withDefaults() (Options, error) {
	if opts.DealerCode == "" {
		opts.DealerCode = "SANDBOX"
	}
	if opts.Username == "" {
		opts.Username = "sandbox"
	}
	if opts.Password == "" {
		opts.Password = "sandbox"
	}
	if opts.FaultRate < 0 || opts.FaultRate > 1 || opts.FaultRate != opts.FaultRate {
		return Options{}, fmt.Errorf("sandbox: fault rate %v is not between 0 and 1", opts.FaultRate)
	}
	if opts.Latency < 0 {
		return Options{}, fmt.Errorf("sandbox: negative latency %v", opts.Latency)
	}
	if opts.TimeoutHang < 0 {
		return Options{}, fmt.Errorf("sandbox: negative timeout hang %v", opts.TimeoutHang)
	}
	if opts.TimeoutHang == 0 {
		opts.TimeoutHang = defaultTimeoutHang
	}
	if opts.FaultKinds == nil {
		opts.FaultKinds = AllFaultKinds
	}
	if len(opts.FaultKinds) == 0 {
		return Options{}, errors.New("sandbox: empty list of fault kinds")
	}
	opts.FaultKinds = append([]FaultKind(nil), opts.FaultKinds...)
	for _, k := range opts.FaultKinds {
		if !validFaultKind(k) {
			return Options{}, fmt.Errorf("sandbox: unknown fault kind %q (known: %s)", k, joinKinds(KnownFaultKinds))
		}
	}
	return opts, nil
}
