// Package moka is a client for Moka United's DealerCustomer API: one request
// path that authenticates, retries what is safe to retry, decodes Moka's
// envelope leniently and turns result codes into typed errors.
package moka

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Base URLs of Moka's environments.
const (
	TestBaseURL       = "https://service.refmokaunited.com"
	ProductionBaseURL = "https://service.mokaunited.com"
)

// Defaults for Config fields left zero.
const (
	DefaultMaxRetries     = 4
	DefaultRequestTimeout = 30 * time.Second
	DefaultRetryBaseDelay = 250 * time.Millisecond
	DefaultRetryMaxDelay  = 10 * time.Second
	maxRetryAfter         = time.Minute
	maxBodyBytes          = 64 << 20 // GetCustomerList of a large account is the biggest
)

// Logger receives one line per HTTP attempt, with secrets already masked.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
}

// Config configures a Client. BaseURL and the credentials are required.
type Config struct {
	BaseURL    string
	DealerCode string
	Username   string
	Password   string

	HTTPClient *http.Client
	UserAgent  string
	Logger     Logger

	MaxRetries     int           // -1: never retry
	RequestTimeout time.Duration // per attempt
	RetryBaseDelay time.Duration
	RetryMaxDelay  time.Duration
	RateLimiter    *RateLimiter
}

// Client calls the DealerCustomer API. It is safe for concurrent use.
type Client struct {
	baseURL    string
	auth       authentication
	httpClient *http.Client
	userAgent  string
	logger     Logger
	maxRetries int
	timeout    time.Duration
	baseDelay  time.Duration
	maxDelay   time.Duration
	limiter    *RateLimiter
	writes     atomic.Uint64
	cardClaims sync.Map // the claims of every card create this client began
}

// WroteCardClaim reports whether name holds the claim of a card create this
// client began, never a stopped apply's.
func (c *Client) WroteCardClaim(name string) bool {
	if !IsClaim(name) {
		return false
	}
	wrote := false
	c.cardClaims.Range(func(claim, _ any) bool {
		wrote = HoldsClaim(name, claim.(string)) //nolint:forcetypeassert // only AddCard stores here
		return !wrote
	})
	return wrote
}

// WriteCount is how many non-Get calls this client has finished: a cache
// taken at n is no older than any write while it is still n.
func (c *Client) WriteCount() uint64 { return c.writes.Load() }

// NewHTTPClient is one connection pool, sized for Terraform's default
// parallelism, for all of a provider's clients.
func NewHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone() //nolint:forcetypeassert // net/http declares DefaultTransport a *Transport
	t.MaxIdleConns = 64
	t.MaxIdleConnsPerHost = 32
	t.IdleConnTimeout = 90 * time.Second
	return &http.Client{Transport: t}
}

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("moka: base URL %q is not an http(s) URL", cfg.BaseURL)
	}
	if cfg.DealerCode == "" || cfg.Username == "" || cfg.Password == "" {
		return nil, errors.New("moka: dealer code, username and password are all required")
	}
	c := &Client{
		baseURL:    u.String(),
		auth:       newAuthentication(cfg),
		httpClient: cfg.HTTPClient,
		userAgent:  cfg.UserAgent,
		logger:     cfg.Logger,
		maxRetries: cfg.MaxRetries,
		timeout:    cfg.RequestTimeout,
		baseDelay:  cfg.RetryBaseDelay,
		maxDelay:   cfg.RetryMaxDelay,
		limiter:    cfg.RateLimiter,
	}
	if c.httpClient == nil {
		c.httpClient = NewHTTPClient()
	}
	if c.userAgent == "" {
		c.userAgent = "terraform-provider-moka"
	}
	switch {
	case c.maxRetries < 0:
		c.maxRetries = 0
	case c.maxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	}
	if c.timeout <= 0 {
		c.timeout = DefaultRequestTimeout
	}
	if c.baseDelay <= 0 {
		c.baseDelay = DefaultRetryBaseDelay
	}
	if c.maxDelay <= 0 {
		c.maxDelay = DefaultRetryMaxDelay
	}
	return c, nil
}

// BaseURL is the endpoint the client calls.
func (c *Client) BaseURL() string { return c.baseURL }

type callResult struct {
	uncertain bool // some attempt may have acted without its answer reaching us
}

// call POSTs request in op's envelope, retries, and decodes a Success's Data
// into out. secrets are masked in every log line and error.
func (c *Client) call(ctx context.Context, op operation, request any, out any, secrets ...string) (callResult, error) {
	return c.callRetrying(ctx, c.maxRetries, op, request, out, secrets...)
}

// Call sends one DealerCustomer operation through the request path and
// returns its Data as Moka sent it, for tools that must see Moka's answers
// (conformance). secrets are masked in every log line and error.
func (c *Client) Call(ctx context.Context, operation string, request any, secrets ...string) (json.RawMessage, error) {
	var data json.RawMessage
	if _, err := c.call(ctx, dealerCustomer.operation(operation), request, &data, secrets...); err != nil {
		return nil, err
	}
	return data, nil
}

func (c *Client) callRetrying(ctx context.Context, maxRetries int, op operation, request any, out any, secrets ...string) (callResult, error) {
	operation := op.name
	if err := checkUTF8(operation, request); err != nil {
		return callResult{}, err
	}
	payload, err := json.Marshal(op.envelope(c.auth, request))
	if err != nil {
		return callResult{}, fmt.Errorf("moka %s: encoding the request: %w", operation, err)
	}
	secrets = append(secrets, c.auth.Password, c.auth.CheckKey)
	if !op.readOnly() {
		defer c.writes.Add(1)
	}

	var res callResult
	for attempt := 0; ; attempt++ {
		data, err := c.attempt(ctx, op, attempt, payload, secrets)
		if err == nil {
			if out == nil {
				return res, nil
			}
			if err := json.Unmarshal(data, out); err != nil {
				return res, fmt.Errorf("moka %s: the answer's Data is not what the API documents: %s", operation, redact(err.Error(), secrets))
			}
			return res, nil
		}
		retryable, uncertain := Classify(err)
		res.uncertain = res.uncertain || uncertain
		if !retryable || attempt >= maxRetries || ctx.Err() != nil {
			return res, attemptsError(err, attempt+1)
		}
		if serr := sleep(ctx, c.backoff(attempt, err)); serr != nil {
			return res, fmt.Errorf("moka %s: %w while waiting to retry after: %v", operation, serr, err) //nolint:errorlint // the wait's end is the cause; the earlier failure is context only
		}
	}
}

// Classify says whether a failed attempt may be tried again, and whether the
// server may have acted on it.
func Classify(err error) (retryable, uncertain bool) {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		ex := apiErr.ResultCode == ResultCodeEX
		return ex, ex
	}
	var te *TransportError
	if errors.As(err, &te) {
		if errors.Is(te.Err, context.Canceled) {
			return false, true
		}
		var dnsErr *net.DNSError
		var opErr *net.OpError
		if errors.As(te.Err, &dnsErr) || (errors.As(te.Err, &opErr) && opErr.Op == "dial") {
			return true, false
		}
		if te.HTTPStatus >= 400 && te.HTTPStatus < 500 && te.HTTPStatus != http.StatusTooManyRequests && te.HTTPStatus != http.StatusRequestTimeout {
			return false, false
		}
		return true, true
	}
	return false, false
}

func (c *Client) backoff(attempt int, err error) time.Duration {
	var te *TransportError
	if errors.As(err, &te) && te.RetryAfter != "" {
		if d, ok := parseRetryAfter(te.RetryAfter, time.Now()); ok {
			return min(d, maxRetryAfter)
		}
	}
	ceiling := c.baseDelay << min(attempt, 20)
	if ceiling <= 0 || ceiling > c.maxDelay {
		ceiling = c.maxDelay
	}
	// Full jitter: many resources failing together must not retry together.
	return ceiling/2 + rand.N(ceiling/2+1)
}

func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

type answerEnvelope struct {
	Data          json.RawMessage `json:"Data"`
	ResultCode    flexString      `json:"ResultCode"`
	ResultMessage flexString      `json:"ResultMessage"`
	// Exception: where Moka's documentation puts an EX's text. Null, a
	// string, or an object.
	Exception json.RawMessage `json:"Exception"`
}

func (env *answerEnvelope) errorText() string {
	if strings.TrimSpace(string(env.ResultMessage)) != "" {
		return string(env.ResultMessage)
	}
	if text := exceptionText(env.Exception); text != "" {
		return text
	}
	return string(env.ResultMessage)
}

// exceptionText masks secret fields by name: an exception may echo the request.
func exceptionText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var obj struct {
		Message *string `json:"Message"`
	}
	if json.Unmarshal(raw, &obj) == nil && obj.Message != nil && strings.TrimSpace(*obj.Message) != "" {
		return *obj.Message
	}
	var compact bytes.Buffer
	if json.Compact(&compact, raw) != nil || compact.String() == "{}" || compact.String() == "[]" {
		return ""
	}
	return secretField.ReplaceAllString(compact.String(), `"$1":"***"`)
}

func (c *Client) attempt(ctx context.Context, op operation, attempt int, payload []byte, secrets []string) (json.RawMessage, error) {
	operation := op.name
	// A wait that fails sent nothing: neither retried nor uncertain.
	written, err := c.limiter.wait(ctx)
	if err != nil {
		return nil, fmt.Errorf("moka %s: waiting for a turn under the request-rate limit: %w", operation, err)
	}
	defer written()
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	actx = httptrace.WithClientTrace(actx, &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { written() }})
	req, err := http.NewRequestWithContext(actx, http.MethodPost, c.baseURL+op.path(), bytes.NewReader(payload))
	if err != nil {
		return nil, fmt.Errorf("moka %s: %w", operation, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)

	start := time.Now()
	resp, err := c.httpClient.Do(req)
	if err != nil {
		terr := &TransportError{Operation: operation, Err: c.transportCause(ctx, actx, "", err, secrets)}
		c.log(ctx, operation, attempt, payload, nil, 0, time.Since(start), terr, secrets)
		return nil, terr
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	if err == nil && len(raw) > maxBodyBytes {
		err = fmt.Errorf("moka %s: the answer is larger than %d MiB, more than any Moka answer should be; it was not read", operation, maxBodyBytes>>20)
		c.log(ctx, operation, attempt, payload, nil, resp.StatusCode, time.Since(start), err, secrets)
		return nil, err
	}
	if err != nil {
		terr := &TransportError{Operation: operation, HTTPStatus: resp.StatusCode, Err: c.transportCause(ctx, actx, "reading the answer: ", err, secrets)}
		c.log(ctx, operation, attempt, payload, nil, resp.StatusCode, time.Since(start), terr, secrets)
		return nil, terr
	}
	data, err := decodeEnvelope(operation, resp.StatusCode, resp.Header.Get("Retry-After"), raw, secrets)
	c.log(ctx, operation, attempt, payload, raw, resp.StatusCode, time.Since(start), err, secrets)
	return data, err
}

func decodeEnvelope(operation string, status int, retryAfter string, raw []byte, secrets []string) (json.RawMessage, error) {
	// IIS may start a UTF-8 answer with a byte order mark, which JSON does not allow.
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	var env answerEnvelope
	if jerr := json.Unmarshal(raw, &env); jerr != nil || env.ResultCode == "" {
		cause := http.StatusText(status)
		if len(bytes.TrimSpace(raw)) == 0 {
			cause = "an empty body"
		}
		return nil, &TransportError{
			Operation:  operation,
			HTTPStatus: status,
			Excerpt:    excerpt(raw, secrets),
			RetryAfter: retryAfter,
			Err:        errors.New(cause),
		}
	}
	if status != http.StatusOK && env.ResultCode == "Success" {
		return nil, &TransportError{Operation: operation, HTTPStatus: status, RetryAfter: retryAfter, Err: errors.New("a Success answer with a failing HTTP status")}
	}
	if env.ResultCode != "Success" {
		// The code is not redacted: a password "Card" must not garble it.
		return nil, newAPIError(operation, string(env.ResultCode), redact(env.errorText(), secrets))
	}
	return env.Data, nil
}

// transportCause's text is secret-free; the original error stays in the
// chain for Classify and errors.Is.
func (c *Client) transportCause(ctx, actx context.Context, prefix string, err error, secrets []string) error {
	msg := unwrapURLError(err).Error()
	switch {
	case ctx.Err() != nil:
		err, msg = ctx.Err(), ctx.Err().Error()
	case actx.Err() != nil:
		msg = fmt.Sprintf("no answer within %s (request_timeout)", c.timeout)
	}
	return &redactedError{msg: prefix + redact(msg, secrets), cause: err}
}

type redactedError struct {
	msg   string
	cause error
}

func (e *redactedError) Error() string { return e.msg }

func (e *redactedError) Unwrap() error { return e.cause }

func unwrapURLError(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Err
	}
	return err
}

// excerpt is a short, printable, secret-free start of a body that is not JSON.
func excerpt(raw []byte, secrets []string) string {
	s := strings.ToValidUTF8(string(raw), "")
	s = redact(s, secrets)
	// A cut-off JSON answer carries secrets this call did not send.
	s = secretField.ReplaceAllString(s, `"$1":"***"`)
	if looksLikeHTML(s) {
		// The page's words, not its markup. Redact again: dropping tags or
		// decoding entities could join up a secret.
		s = redact(html.UnescapeString(htmlTag.ReplaceAllString(s, " ")), secrets)
	}
	s = strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)), " ")
	const limit = 120
	if utf8.RuneCountInString(s) > limit {
		s = string([]rune(s)[:limit]) + "..."
	}
	return s
}

// secretField's value may be cut short by the end of the body.
var secretField = regexp.MustCompile(`"(Password|CheckKey|CardNumber)"\s*:\s*"(?:[^"\\]|\\.)*"?`)

var htmlTag = regexp.MustCompile(`(?s)<!--.*?-->|<[!/?]?[A-Za-z][^<>]*>`)

func looksLikeHTML(s string) bool {
	return strings.HasPrefix(strings.TrimSpace(s), "<")
}

func redact(s string, secrets []string) string {
	for _, secret := range secrets {
		if len(secret) >= 3 {
			s = strings.ReplaceAll(s, secret, "***")
		}
	}
	return s
}
