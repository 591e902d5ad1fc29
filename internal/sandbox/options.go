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
	// DataFile, when set, keeps the state: every committed write is in it
	// before its answer is sent (persist.go). Empty: memory only.
	DataFile string
	// Latency is added before each DealerCustomer answer.
	Latency time.Duration
	// FaultRate (0..1) is the share of DealerCustomer calls that fail in one
	// of FaultKinds (nil: AllFaultKinds), chosen uniformly.
	FaultRate  float64
	FaultKinds []FaultKind
	// Seed seeds the fault RNG; 0 seeds from the clock.
	Seed int64
	// TimeoutHang is how long the timeout and latecommit faults hold (default 30s).
	TimeoutHang time.Duration

	// Switches for behaviour Moka's documentation leaves open (Switches,
	// MOKA-API.md "Decisions and their switches"); false is the default.

	// KeepCardsOnRemoveCustomer: RemoveCustomer leaves the customer's cards.
	KeepCardsOnRemoveCustomer bool
	// ForbidCodeReuse: a removed CustomerCode stays taken.
	ForbidCodeReuse bool
	// UpdateClearsOmitted: UpdateCustomer clears fields missing or null.
	UpdateClearsOmitted bool
	// SkipLuhnCheck: accept card numbers that fail the Luhn check.
	SkipLuhnCheck bool
	// SkipExpiryCheck: accept expired cards.
	SkipExpiryCheck bool
	// CodesIgnoreCase: CustomerCode compares ignoring case and trailing spaces.
	CodesIgnoreCase bool
	// UnsetAsNull: answers give a field that holds nothing as null.
	UnsetAsNull bool
	// ExtraFields: answers carry fields public clients see but the
	// documentation does not list.
	ExtraFields bool
	// UpdateCardOwnCodes: UpdateCard's failures are DealerCustomer.UpdateCard.*.
	UpdateCardOwnCodes bool
	// AddCardAnswersAllCards: AddCard answers with all of the customer's cards.
	AddCardAnswersAllCards bool
	// DuplicateCardRefused: AddCard refuses a card the customer already has.
	DuplicateCardRefused bool
	// UpdateKeepsEmpty: UpdateCustomer keeps a field sent as "".
	UpdateKeepsEmpty bool
	// UpdateClearsNull: UpdateCustomer clears a field sent as null.
	UpdateClearsNull bool
	// UpdateCardRefusesEmptyName: UpdateCard refuses an empty or blank CardName.
	UpdateCardRefusesEmptyName bool
	// TruncateText: some text fields are stored cut to 40 characters.
	TruncateText bool
	// UpperCaseText: some text fields are stored in upper case.
	UpperCaseText bool
	// ListsOmitFields: list answers leave out CardName and Address.
	ListsOmitFields bool
	// BirthDateDotted: answers give BirthDate as DD.MM.YYYY.
	BirthDateDotted bool
	// BirthDateDotNet: answers give BirthDate as .NET's "/Date(ms)/" (wins over dotted).
	BirthDateDotNet bool
	// EXTextInException: an EX answer carries its text in Exception.
	EXTextInException bool

	// Logf, when set, gets one line per DealerCustomer call (never a
	// request's content) and server errors.
	Logf func(format string, args ...any)
}

const defaultTimeoutHang = 30 * time.Second

// withDefaults fills in the defaults and refuses values no sandbox can play.
// The fault kinds are copied: a caller's later change must not reach a
// running server.
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
