package moka

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Reasons Moka gives, the part of a ResultCode after the last dot. The server is
// not consistent about the prefix (UpdateCard answers with GetCard.* codes), so
// decisions are made on the reason alone. These two are any operation's; each
// object's file declares its own (customer.go, card.go).
const (
	ReasonInvalidRequest = "InvalidRequest"
	// ResultCodeEX is Moka's "unexpected error"; it has no prefix.
	ResultCodeEX = "EX"
)

// reasonMeaning is what a reason tells the predicates below.
type reasonMeaning int

const (
	meansNotFound reasonMeaning = iota + 1
	meansAlreadyExists
	meansInvalidEmail
)

// reasonMeanings holds every reason that some object's file declared to mean
// something. The predicates are derived from it, so that an object of a new
// API declares its codes in its own file, next to its calls.
var reasonMeanings = map[string]reasonMeaning{}

// declareReasons records what an object's reasons mean; each object's file
// calls it from its init. A reason declared twice must mean the same both
// times: a predicate cannot answer two ways for one code.
func declareReasons(meanings map[string]reasonMeaning) {
	for reason, meaning := range meanings {
		if was, ok := reasonMeanings[reason]; ok && was != meaning {
			panic(fmt.Sprintf("moka: reason %s is declared with two meanings", reason))
		}
		reasonMeanings[reason] = meaning
	}
}

// means reports whether err is a Moka answer whose reason was declared to mean m.
func means(err error, m reasonMeaning) bool {
	r := Reason(err)
	return r != "" && reasonMeanings[r] == m
}

// APIError is a Moka answer whose ResultCode is not Success.
type APIError struct {
	Operation  string // the operation called, e.g. "AddCustomer"
	ResultCode string // as Moka sent it, e.g. "DealerCustomer.GetCard.CardNotFound"
	Reason     string // ResultCode after the last dot, e.g. "CardNotFound"
	Message    string // ResultMessage, or if that is blank the Exception's text; often empty
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("moka %s: %s", e.Operation, e.ResultCode)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

func newAPIError(operation, resultCode, message string) *APIError {
	reason := resultCode
	if i := strings.LastIndex(resultCode, "."); i >= 0 {
		reason = resultCode[i+1:]
	}
	return &APIError{Operation: operation, ResultCode: resultCode, Reason: reason, Message: message}
}

// TransportError is a call that got no usable Moka answer: the connection failed,
// timed out, or the answer was not Moka's JSON envelope (a proxy's HTML page).
// Whether the server acted on the request is unknown.
type TransportError struct {
	Operation  string
	HTTPStatus int    // 0 when no HTTP answer arrived
	Excerpt    string // a short, secret-free excerpt of a non-JSON body
	RetryAfter string // the Retry-After header, if any
	Err        error
}

func (e *TransportError) Error() string {
	switch {
	case e.HTTPStatus != 0 && e.Excerpt != "":
		return fmt.Sprintf("moka %s: HTTP %d with a body that is not a Moka answer: %q", e.Operation, e.HTTPStatus, e.Excerpt)
	case e.HTTPStatus != 0:
		return fmt.Sprintf("moka %s: HTTP %d: %v", e.Operation, e.HTTPStatus, e.Err)
	default:
		return fmt.Sprintf("moka %s: %v", e.Operation, e.Err)
	}
}

func (e *TransportError) Unwrap() error { return e.Err }

// ConflictError is an AddCustomer whose CustomerCode belongs to a customer that
// this call did not create.
type ConflictError struct {
	CustomerCode     string
	DealerCustomerID int64
	// Claim is the create's claim the customer carries, if any: text in the
	// form a create of this provider writes, which no state settled.
	Claim string
	// HeldAs is the holder's own spelling of the code, when Moka answered
	// with another (a Moka that compares codes ignoring case).
	HeldAs string
	// Retired is set when no customer holds the code: Moka keeps the codes of
	// removed customers and does not let them be registered again.
	Retired bool
}

func (e *ConflictError) Error() string {
	if e.Retired {
		return fmt.Sprintf("Moka refuses customer_code %q as already used, yet no customer holds it: Moka does not let the code of a removed customer be registered again, so this code cannot be used any more", e.CustomerCode)
	}
	msg := fmt.Sprintf("a Moka customer with customer_code %q already exists", e.CustomerCode)
	if e.DealerCustomerID != 0 {
		msg += fmt.Sprintf(" (dealer_customer_id %d)", e.DealerCustomerID)
	}
	if e.HeldAs != "" && e.HeldAs != e.CustomerCode {
		msg += fmt.Sprintf(" as %q", e.HeldAs)
	}
	if e.Claim != "" {
		msg += "; it carries a create's mark, in the form terraform-provider-moka writes"
		if at, ok := ClaimWritten(e.Claim); ok {
			msg += fmt.Sprintf(" (written %s)", at.Format(time.RFC3339))
		}
	}
	return msg
}

// Reason returns the reason of a Moka API error in err's chain, or "".
func Reason(err error) string {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Reason
	}
	return ""
}

// IsNotFound reports whether err says the object asked for (a customer, a
// card) does not exist.
func IsNotFound(err error) bool {
	return means(err, meansNotFound)
}

// IsAlreadyExists reports whether err says the object's unique key (a
// CustomerCode) is taken.
func IsAlreadyExists(err error) bool {
	var conflict *ConflictError
	return errors.As(err, &conflict) || means(err, meansAlreadyExists)
}

// IsInvalidEmail reports whether Moka refused the e-mail address.
func IsInvalidEmail(err error) bool {
	return means(err, meansInvalidEmail)
}

// MayHaveTakenEffect reports whether err comes from a write that Moka may have
// carried out although the call failed, and that nobody could settle.
func MayHaveTakenEffect(err error) bool {
	var u *UncertainError
	return errors.As(err, &u)
}
