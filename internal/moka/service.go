package moka

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"
)

// service is one of Moka's APIs as the request path needs to know it. Each of
// Moka's APIs has a path of its own and names its envelope's two blocks after
// itself (DealerCustomer here; PaymentDealer for payments, for instance), and
// all of them take the same authentication. An object of another API is a new
// file that declares its service and its calls; the request path stays as it is.
type service struct {
	// name starts the result codes of its operations, as in
	// "DealerCustomer.GetCard.CardNotFound".
	name string
	// path is what the name of an operation is appended to, after the base URL.
	path string
	// authBlock and requestBlock are the keys of the request envelope that hold
	// the authentication and the operation's own request.
	authBlock    string
	requestBlock string
}

// dealerCustomer is the API of customers and their stored cards.
var dealerCustomer = service{
	name:         "DealerCustomer",
	path:         "/DealerCustomer/",
	authBlock:    "DealerCustomerAuthentication",
	requestBlock: "DealerCustomerRequest",
}

// operation is one call of a service. Its name is what logs and errors say
// ("moka GetCustomer: ...").
type operation struct {
	service service
	name    string
}

func (s service) operation(name string) operation {
	return operation{service: s, name: name}
}

// readOnly says whether the operation only reads: Moka names its reads Get…
// (GetCustomer, GetCardList, …), and nothing else.
func (o operation) readOnly() bool {
	return strings.HasPrefix(o.name, "Get")
}

func (o operation) path() string {
	return o.service.path + o.name
}

// resultCode is the full code Moka answers this operation with for reason.
func (o operation) resultCode(reason string) string {
	return o.service.name + "." + o.name + "." + reason
}

// envelope is the JSON object a request sends: the authentication, and the
// operation's request when it has one (nil: the block is left out).
func (o operation) envelope(auth authentication, request any) map[string]any {
	body := map[string]any{o.service.authBlock: auth}
	if request != nil {
		body[o.service.requestBlock] = request
	}
	return body
}

// authentication is the block every request of every service starts with.
// Field names are Moka's; the server is lenient on types, but we send proper
// JSON types.
type authentication struct {
	DealerCode string `json:"DealerCode"`
	Username   string `json:"Username"`
	Password   string `json:"Password"`
	CheckKey   string `json:"CheckKey"`
}

// newAuthentication is the authentication of cfg's account.
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

// credentialsCheckTimeout bounds CheckCredentials: a Moka that does not answer
// delays every command no longer than this, and the calls that follow report it.
const credentialsCheckTimeout = 5 * time.Second

// ErrCredentialsRejected is CheckCredentials' answer when Moka refuses the
// dealer code, username and password.
var ErrCredentialsRejected = errors.New("moka: the dealer code, username and password were refused")

// CheckCredentials asks Moka something that any account may ask (a GetCard
// without a token) to learn whether it takes the credentials: Moka answers a
// bad CheckKey with InvalidRequest, and a good one with what the request lacks
// (CardTokenIsRequired, as the UpdateCard page documents). It returns
// ErrCredentialsRejected only when Moka said so; a call that got no answer
// within credentialsCheckTimeout proves nothing and returns nil.
func (c *Client) CheckCredentials(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, credentialsCheckTimeout)
	defer cancel()
	_, err := c.callRetrying(ctx, 0, opGetCard, cardTokenRequest{}, nil)
	if Reason(err) == ReasonInvalidRequest {
		return ErrCredentialsRejected
	}
	return nil
}
