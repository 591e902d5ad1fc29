package moka

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestErrorTextFromEitherField: an answer's error text is its ResultMessage
// (the sandbox's field), or if that is blank its Exception (the field of
// Moka's general developer page and of optimisthub/moka-php), whichever
// shape the Exception has; the secrets of the call are masked in either.
func TestErrorTextFromEitherField(t *testing.T) {
	const custPW = "hunter2-customer"
	tests := []struct {
		name string
		code string // EX unless set
		// message and exception are the JSON of the two fields; empty
		// leaves the field out of the answer.
		message, exception string
		want               string
	}{
		{name: "ResultMessage alone", message: `"Object reference not set to an instance of an object."`, exception: `null`, want: "Object reference not set to an instance of an object."},
		{name: "ResultMessage, no Exception field", message: `"boom"`, want: "boom"},
		{name: "Exception string, empty ResultMessage", message: `""`, exception: `"Timeout expired."`, want: "Timeout expired."},
		{name: "Exception string, null ResultMessage", message: `null`, exception: `"Timeout expired."`, want: "Timeout expired."},
		{name: "Exception string, no ResultMessage field", exception: `"Timeout expired."`, want: "Timeout expired."},
		{name: "Exception string, blank ResultMessage", message: `"  "`, exception: `"Timeout expired."`, want: "Timeout expired."},
		{name: "both: ResultMessage wins", message: `"the sandbox's text"`, exception: `"the documented text"`, want: "the sandbox's text"},
		{name: "Exception object with Message", message: `""`, exception: `{"ClassName": "System.Data.SqlClient.SqlException", "Message": "Deadlock victim.", "StackTraceString": "at X"}`, want: "Deadlock victim."},
		{name: "Exception object without Message", message: `""`, exception: "{\n  \"ClassName\": \"System.Exception\",\n  \"HResult\": -2146233088\n}", want: `{"ClassName":"System.Exception","HResult":-2146233088}`},
		{name: "Exception object with a null Message", message: `""`, exception: `{"Message": null, "InnerException": "x"}`, want: `{"Message":null,"InnerException":"x"}`},
		{name: "Exception object with a blank Message", message: `""`, exception: `{"Message": "", "Code": 7}`, want: `{"Message":"","Code":7}`},
		{name: "Exception object with a number for Message", message: `""`, exception: `{"Message": 7}`, want: `{"Message":7}`},
		{name: "empty Exception object", message: `""`, exception: `{}`, want: ""},
		{name: "Exception number", message: `""`, exception: `42`, want: "42"},
		{name: "Exception array", message: `""`, exception: `[ "a", 1 ]`, want: `["a",1]`},
		{name: "Exception null, ResultMessage empty", message: `""`, exception: `null`, want: ""},
		{name: "Exception empty string", message: `""`, exception: `""`, want: ""},
		{name: "blank ResultMessage kept when nothing else", message: `" "`, exception: `null`, want: " "},
		{name: "not an EX", code: "DealerCustomer.GetCustomer.DealerCustomerNotFound", message: `null`, exception: `{"Message":"No such customer."}`, want: "No such customer."},
		// Secrets: the call's own, the API password, and a secret field an
		// exception object echoes.
		{name: "secret in an Exception string", message: `""`, exception: `"Login failed for password ` + custPW + `"`, want: "Login failed for password ***"},
		{name: "secret in an Exception's Message", message: `""`, exception: `{"Message":"Bad key ` + tAPIPW + `"}`, want: "Bad key ***"},
		{name: "secret in an Exception object", message: `""`, exception: `{"Request":{"Password":"` + custPW + `","CardNumber":"4111111111111111","Other":"x"}}`, want: `{"Request":{"Password":"***","CardNumber":"***","Other":"x"}}`},
		{name: "secret in ResultMessage", message: `"Bad password ` + custPW + `"`, exception: `"x"`, want: "Bad password ***"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := tt.code
			if code == "" {
				code = ResultCodeEX
			}
			fields := []string{`"Data":null`, `"ResultCode":"` + code + `"`}
			if tt.message != "" {
				fields = append(fields, `"ResultMessage":`+tt.message)
			}
			if tt.exception != "" {
				fields = append(fields, `"Exception":`+tt.exception)
			}
			body := "{" + strings.Join(fields, ",") + "}"
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, _ []byte) {
				writeJSON(w, body)
			})
			c := newTestClient(t, f.URL(), func(cfg *Config) { cfg.MaxRetries = -1 })
			_, err := c.Call(t.Context(), "GetCustomer", map[string]any{"CustomerCode": "C1", "Password": custPW}, custPW)
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %#v, want an *APIError", err)
			}
			if apiErr.Message != tt.want {
				t.Errorf("Message = %q, want %q (answer %s)", apiErr.Message, tt.want, body)
			}
			if apiErr.ResultCode != code {
				t.Errorf("ResultCode = %q, want %q", apiErr.ResultCode, code)
			}
			wantErr := "moka GetCustomer: " + code
			if tt.want != "" {
				wantErr += ": " + tt.want
			}
			if err.Error() != wantErr {
				t.Errorf("error %q, want %q", err.Error(), wantErr)
			}
			for _, secret := range []string{custPW, tAPIPW, "4111111111111111"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("the error shows a secret: %v", err)
				}
			}
		})
	}
}

// TestExceptionDoesNotBreakSuccess: a Success answer decodes whatever its
// Exception holds.
func TestExceptionDoesNotBreakSuccess(t *testing.T) {
	for _, exception := range []string{`null`, `"x"`, `{"Message":"x"}`, `[1]`, `7`} {
		data, err := decodeEnvelope("Op", http.StatusOK, "", []byte(`{"Data":{"A":1},"ResultCode":"Success","ResultMessage":"","Exception":`+exception+`}`), nil)
		if err != nil || string(data) != `{"A":1}` {
			t.Errorf("Exception %s: Data %s, err %v", exception, data, err)
		}
	}
}
