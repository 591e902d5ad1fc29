package moka

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"
)

// service is one of Moka's APIs, by name: each serves its calls under
// /<name>/ and names its envelope's blocks <name>Authentication and
// <name>Request, and all take the same authentication. Another API is a new
// service value and its operations; the request path stays as it is.
type service string

const dealerCustomer service = "DealerCustomer"

// operation is one call of a service; its name is what logs and errors say.
type operation struct {
	service service
	name    string
}

func (s service) operation(name string) operation {
	return operation{service: s, name: name}
}

// readOnly: Moka names its reads Get… (GetCustomer, GetCardList), and
// nothing else.
func (o operation) readOnly() bool {
	return strings.HasPrefix(o.name, "Get")
}

func (o operation) path() string {
	return "/" + string(o.service) + "/" + o.name
}

// resultCode is the full code Moka answers this operation with for reason.
func (o operation) resultCode(reason string) string {
	return string(o.service) + "." + o.name + "." + reason
}

// envelope is the request body; a nil request leaves its block out.
func (o operation) envelope(auth authentication, request any) map[string]any {
	body := map[string]any{string(o.service) + "Authentication": auth}
	if request != nil {
		body[string(o.service)+"Request"] = request
	}
	return body
}

type authentication struct {
	DealerCode string `json:"DealerCode"`
	Username   string `json:"Username"`
	Password   string `json:"Password"`
	CheckKey   string `json:"CheckKey"`
}

func newAuthentication(cfg Config) authentication {
	return authentication{
		DealerCode: cfg.DealerCode,
		Username:   cfg.Username,
		Password:   cfg.Password,
		CheckKey:   CheckKey(cfg.DealerCode, cfg.Username, cfg.Password),
	}
}

// CheckKey is Moka's authentication digest: lowercase hex of
// SHA-256(DealerCode + "MK" + Username + "PD" + Password).
func CheckKey(dealerCode, username, password string) string {
	sum := sha256.Sum256([]byte(dealerCode + "MK" + username + "PD" + password))
	return hex.EncodeToString(sum[:])
}

// credentialsCheckTimeout: a Moka that does not answer delays each command no
// longer, and the calls that follow report it.
const credentialsCheckTimeout = 5 * time.Second

// ErrCredentialsRejected: Moka refused the dealer code, username and password.
var ErrCredentialsRejected = errors.New("moka: the dealer code, username and password were refused")

// CheckCredentials sends a GetCard without a token: Moka answers a bad
// CheckKey with InvalidRequest, a good one with CardTokenIsRequired. No answer
// proves nothing and returns nil.
func (c *Client) CheckCredentials(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, credentialsCheckTimeout)
	defer cancel()
	_, err := c.callRetrying(ctx, 0, opGetCard, cardTokenRequest{}, nil)
	if Reason(err) == ReasonInvalidRequest {
		return ErrCredentialsRejected
	}
	return nil
}
