package moka

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Reasons are the part of a ResultCode after the last dot: decisions are made
// on them alone, as UpdateCard answers with GetCard.* codes.
const (
	ReasonInvalidRequest = "InvalidRequest"
	ResultCodeEX         = "EX"
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

// TransportError is a call that got no usable Moka answer.
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
	Claim            string // a create's claim the holder carries
	HeldAs           string // the holder's spelling, from a Moka that ignores case
	// Retired: no customer holds the code, and Moka keeps removed customers'
	// codes.
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

// IsNotFound reports whether err says the customer or card does not exist.
func IsNotFound(err error) bool {
	switch Reason(err) {
	case ReasonDealerCustomerNotFound, ReasonCardNotFound:
		return true
	}
	return false
}

// IsAlreadyExists reports whether err says a CustomerCode is taken.
func IsAlreadyExists(err error) bool {
	var conflict *ConflictError
	return errors.As(err, &conflict) || isCodeTaken(err)
}

func isCodeTaken(err error) bool { return Reason(err) == ReasonCustomerCodeAlreadyUsing }

// IsInvalidEmail reports whether Moka refused the e-mail address.
func IsInvalidEmail(err error) bool {
	return Reason(err) == ReasonInvalidEmailFormat
}

// MayHaveTakenEffect reports whether a failed write may have happened.
func MayHaveTakenEffect(err error) bool {
	var u *UncertainError
	return errors.As(err, &u)
}
