package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Reasons: a result code is "DealerCustomer.{Operation}.{Reason}", or "EX".
const (
	reasonInvalidRequest        = "InvalidRequest"
	reasonInvalidEmailFormat    = "InvalidEmailFormat"
	reasonCodeAlreadyUsing      = "CustomerCodeAlreadyUsing"
	reasonCodeOrIDMustBeGiven   = "CustomerCodeOrDealerCustomerIdMustBeGiven"
	reasonCodeDoesntMatchID     = "CustomerCodeDoesntMatchDealerCustomerId"
	reasonDealerCustomerMissing = "DealerCustomerNotFound"
	reasonCardTokenIsRequired   = "CardTokenIsRequired" //nolint:gosec // a result code, not a credential
	reasonCardNotFound          = "CardNotFound"
	codeEX                      = "EX"
	codeSuccess                 = "Success"
)

// result is an operation's answer before it is wrapped in the envelope.
type result struct {
	data   any    // the envelope's Data; nil is null
	reason string // "" for Success, codeEX for EX, else a reason
	msg    string // the envelope's ResultMessage
}

func ok(data any) result { return result{data: data} }

func fail(reason string) result { return result{reason: reason} }

func invalid(format string, args ...any) result {
	return result{reason: reasonInvalidRequest, msg: fmt.Sprintf(format, args...)}
}

func (r result) failed() bool { return r.reason != "" }

type envelope struct {
	Data          any     `json:"Data"`
	ResultCode    string  `json:"ResultCode"`
	ResultMessage string  `json:"ResultMessage"`
	Exception     *string `json:"Exception"`
}

// codePrefix is op's result-code prefix by default: the UpdateCard page
// lists GetCard.* codes (sic).
func codePrefix(op string) string { return codePrefixFor(op, false) }

func codePrefixFor(op string, updateCardOwnCodes bool) string {
	if op == "UpdateCard" && !updateCardOwnCodes {
		op = "GetCard"
	}
	return "DealerCustomer." + op
}

func resultCode(prefix string, r result) string {
	switch r.reason {
	case "":
		return codeSuccess
	case codeEX:
		return codeEX
	}
	return prefix + "." + r.reason
}

// marshalEnvelope: exInException is Options.EXTextInException.
func marshalEnvelope(prefix string, r result, exInException bool) []byte {
	env := envelope{ResultCode: resultCode(prefix, r), ResultMessage: r.msg}
	if !r.failed() {
		env.Data = r.data
	}
	if r.reason == codeEX && exInException {
		msg := r.msg
		env.ResultMessage, env.Exception = "", &msg
	}
	return marshalJSON(env)
}

// marshalJSON encodes like the real (Newtonsoft) server: no HTML escaping,
// non-ASCII as UTF-8, no trailing newline.
func marshalJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("sandbox: encoding answer: %v", err))
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}
