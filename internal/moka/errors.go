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
	switch Reason(err) {
	case ReasonDealerCustomerNotFound, ReasonCardNotFound:
		return true
	}
	return false
}

// IsAlreadyExists reports whether err says the object's unique key (a
// CustomerCode) is taken.
func IsAlreadyExists(err error) bool {
	var conflict *ConflictError
	return errors.As(err, &conflict) || isCodeTaken(err)
}

// isCodeTaken reports whether err is Moka's answer that a CustomerCode is
// taken (not a ConflictError, which the client makes of it).
func isCodeTaken(err error) bool { return Reason(err) == ReasonCustomerCodeAlreadyUsing }

// IsInvalidEmail reports whether Moka refused the e-mail address.
func IsInvalidEmail(err error) bool {
	return Reason(err) == ReasonInvalidEmailFormat
}

// MayHaveTakenEffect reports whether err comes from a write that Moka may have
// carried out although the call failed, and that nobody could settle.
func MayHaveTakenEffect(err error) bool {
	var u *UncertainError
	return errors.As(err, &u)
}
