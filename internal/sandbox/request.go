package sandbox

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"unicode/utf8"
)

// checkKeyFor is the CheckKey: hex SHA-256 of DealerCode+"MK"+Username+"PD"+Password.
func checkKeyFor(dealerCode, username, password string) string {
	sum := sha256.Sum256([]byte(dealerCode + "MK" + username + "PD" + password))
	return hex.EncodeToString(sum[:])
}

type authBlock struct {
	DealerCode lenientString
	Username   lenientString
	Password   lenientString
	CheckKey   lenientString
}

// dcRequest holds every field any operation reads from DealerCustomerRequest.
type dcRequest struct {
	DealerCustomerId lenientInt //nolint:revive // the API's spelling
	CustomerCode     lenientString
	Password         lenientString
	FirstName        lenientString
	LastName         lenientString
	Gender           lenientInt
	BirthDate        lenientString
	GsmNumber        lenientString
	Email            lenientString
	Address          lenientString

	CardToken          lenientString
	CardName           lenientString
	CardHolderFullName lenientString
	CardNumber         lenientString
	ExpMonth           lenientString
	ExpYear            lenientString
}

func isJSONObject(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

func isMissing(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || string(raw) == "null"
}

// parse decodes a request body and checks the authentication block.
func (s *Server) parse(op string, body []byte) (*dcRequest, *result) {
	if !utf8.Valid(body) {
		r := invalid("request body is not valid UTF-8")
		return nil, &r
	}
	var top struct {
		Auth json.RawMessage `json:"DealerCustomerAuthentication"`
		Req  json.RawMessage `json:"DealerCustomerRequest"`
	}
	if !isJSONObject(body) {
		r := invalid("request body must be a JSON object")
		return nil, &r
	}
	if err := json.Unmarshal(body, &top); err != nil {
		r := invalid("request body is not valid JSON: %v", err)
		return nil, &r
	}
	if isMissing(top.Auth) {
		r := invalid("DealerCustomerAuthentication is required")
		return nil, &r
	}
	var a authBlock
	if !isJSONObject(top.Auth) || json.Unmarshal(top.Auth, &a) != nil || !s.authOK(a) {
		r := invalid("DealerCustomerAuthentication: wrong DealerCode, Username, Password or CheckKey")
		return nil, &r
	}
	q := &dcRequest{}
	if op == "GetCustomerList" {
		return q, nil // it takes no DealerCustomerRequest; one that is sent is ignored
	}
	if isMissing(top.Req) {
		r := invalid("DealerCustomerRequest is required")
		return nil, &r
	}
	if !isJSONObject(top.Req) || json.Unmarshal(top.Req, q) != nil {
		r := invalid("DealerCustomerRequest must be a JSON object")
		return nil, &r
	}
	return q, nil
}

func (s *Server) authOK(a authBlock) bool {
	for _, f := range []lenientString{a.DealerCode, a.Username, a.Password, a.CheckKey} {
		if f.Err != "" {
			return false
		}
	}
	eq := func(x, y string) bool { return subtle.ConstantTimeCompare([]byte(x), []byte(y)) == 1 }
	// Evaluate all four so the time taken says nothing about which was wrong.
	okDealer := eq(a.DealerCode.V, s.opts.DealerCode)
	okUser := eq(a.Username.V, s.opts.Username)
	okPass := eq(a.Password.V, s.opts.Password)
	okKey := eq(a.CheckKey.V, s.checkKey)
	return okDealer && okUser && okPass && okKey
}
