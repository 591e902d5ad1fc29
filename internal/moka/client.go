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
	// maxRetryAfter caps how long a Retry-After header can make us wait.
	maxRetryAfter = time.Minute
	// maxBodyBytes bounds what we read of an answer; GetCustomerList of a large
	// dealer account is the biggest legitimate one.
	maxBodyBytes = 64 << 20
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

	// HTTPClient is the transport; nil means a client of our own with keep-alive.
	HTTPClient *http.Client
	UserAgent  string
	Logger     Logger

	// MaxRetries is how many times a failed attempt is tried again; -1 means never.
	MaxRetries int
	// RequestTimeout bounds each attempt.
	RequestTimeout time.Duration
	RetryBaseDelay time.Duration
	RetryMaxDelay  time.Duration
	// RateLimiter spaces attempts out (ratelimit.go); nil means no limit.
	RateLimiter *RateLimiter
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
	// writes counts the calls of operations that may change what Moka holds,
	// once each has ended (WriteCount).
	writes atomic.Uint64
	// cardClaims are the claims of every card create this client began.
	cardClaims sync.Map
}

// WroteCardClaim reports whether name holds the claim of a card create this
// client began: a card of this process's own creates (running, finished, or
// kept as a pending record), never a stopped apply's.
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

// WriteCount is how many calls that may change what Moka holds (every
// operation but the Get ones) this client has finished, successful or not. A
// cache of Moka's answers taken when it was n holds no older data than any
// write while it is still n.
func (c *Client) WriteCount() uint64 { return c.writes.Load() }

// NewHTTPClient is the transport the provider shares between all resources:
// one connection pool, kept alive, sized for Terraform's default parallelism.
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

// callResult is what the request path knows of a call beyond its Data.
type callResult struct {
	// uncertain is set when some attempt may have reached the server without its
	// answer reaching us, so a write may have happened even though it failed.
	uncertain bool
}

// call is the one request path: it POSTs request in op's envelope to op's
// path, retries transient failures, and decodes a Success answer's Data into
// out. secrets are values of this request (a customer password, a card number)
// that must not appear in a log line or error.
func (c *Client) call(ctx context.Context, op operation, request any, out any, secrets ...string) (callResult, error) {
	return c.callRetrying(ctx, c.maxRetries, op, request, out, secrets...)
}

// Call sends one operation of the DealerCustomer API through the client's
// request path (authentication, retries, typed errors, masked logging) with
// request as its DealerCustomerRequest (nil: none), and returns the answer's
// Data exactly as Moka sent it. It is for tools that must see Moka's answers
// themselves, such as `terraform-provider-moka conformance`; everything else
// uses the typed operations. secrets are values of request that must never be
// logged or put into an error (a customer password, a card number).
func (c *Client) Call(ctx context.Context, operation string, request any, secrets ...string) (json.RawMessage, error) {
	var data json.RawMessage
	if _, err := c.call(ctx, dealerCustomer.operation(operation), request, &data, secrets...); err != nil {
		return nil, err
	}
	return data, nil
}

// callRetrying is call with its own retry budget.
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
// server may have acted on it: the client's own rule, for callers that retry
// calls of their own (the conformance script).
func Classify(err error) (retryable, uncertain bool) {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		// EX is Moka's unexpected error: the server may or may not have committed.
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
			// The request never left: safe to retry, nothing happened.
			return true, false
		}
		if te.HTTPStatus >= 400 && te.HTTPStatus < 500 && te.HTTPStatus != http.StatusTooManyRequests && te.HTTPStatus != http.StatusRequestTimeout {
			// A proxy refused the request itself; trying again will not help.
			return false, false
		}
		// No answer, a 5xx, or a 200 whose body was cut off or is not Moka's: the
		// server may well have acted on it.
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

// answerEnvelope is what every answer of every service is wrapped in.
type answerEnvelope struct {
	Data          json.RawMessage `json:"Data"`
	ResultCode    flexString      `json:"ResultCode"`
	ResultMessage flexString      `json:"ResultMessage"`
	// Exception is where Moka's general developer documentation (and
	// optimisthub/moka-php) put an EX's text; the sandbox puts it in
	// ResultMessage. Null, a string, or an object.
	Exception json.RawMessage `json:"Exception"`
}

// errorText is what a failing answer says of its failure: ResultMessage,
// or if that is blank the Exception's text.
func (env *answerEnvelope) errorText() string {
	if strings.TrimSpace(string(env.ResultMessage)) != "" {
		return string(env.ResultMessage)
	}
	if text := exceptionText(env.Exception); text != "" {
		return text
	}
	return string(env.ResultMessage)
}

// exceptionText is the text of an answer's Exception: a string as it is, an
// object's Message if it has one, and anything else as compact JSON, with
// secret fields masked by name (an exception may echo the request).
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

// attempt makes one HTTP exchange and returns the Data of a Success answer.
func (c *Client) attempt(ctx context.Context, op operation, attempt int, payload []byte, secrets []string) (json.RawMessage, error) {
	operation := op.name
	// The turn comes before the attempt's own timeout starts. A wait that
	// fails sent nothing: a plain error, neither retried nor uncertain.
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
		// Not retried: a second try would download as much again, and fail alike.
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

// decodeEnvelope turns one HTTP answer into the Data of a Success, an APIError or
// a TransportError.
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
		// The code as Moka sent it: a fixed name such as
		// DealerCustomer.GetCard.CardNotFound, which a password that happens
		// to be "Card" must not garble (every decision is made on it). The
		// message (ResultMessage, else Exception) is free text and may echo
		// what was sent.
		return nil, newAPIError(operation, string(env.ResultCode), redact(env.errorText(), secrets))
	}
	return env.Data, nil
}

// transportCause describes why an attempt got no usable answer. Its text is
// secret-free, but the original error stays in the chain, so that classify can
// still tell a refused dial from a lost answer and callers can still match
// context.Canceled and context.DeadlineExceeded with errors.Is.
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

// redactedError is an error whose text has had secrets removed, with the
// original error kept for errors.Is and errors.As.
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

// excerpt is a short, printable, secret-free start of a body that is not JSON,
// so an error can say what a proxy answered without quoting a whole page.
func excerpt(raw []byte, secrets []string) string {
	s := strings.ToValidUTF8(string(raw), "")
	s = redact(s, secrets)
	// A cut-off JSON answer carries secrets this call did not send (a read's
	// customer password): mask them by field name, to the end if cut there.
	s = secretField.ReplaceAllString(s, `"$1":"***"`)
	if looksLikeHTML(s) {
		// Quote the page's text, not its DOCTYPE and markup, which would fill
		// the excerpt before the words that say what happened. Redact again:
		// dropping tags or decoding entities could join up a secret.
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

// secretField matches a sensitive JSON field and its string value, which may
// be cut short by the end of the body.
var secretField = regexp.MustCompile(`"(Password|CheckKey|CardNumber)"\s*:\s*"(?:[^"\\]|\\.)*"?`)

// htmlTag matches a tag, comment or declaration of an HTML page.
var htmlTag = regexp.MustCompile(`(?s)<!--.*?-->|<[!/?]?[A-Za-z][^<>]*>`)

func looksLikeHTML(s string) bool {
	return strings.HasPrefix(strings.TrimSpace(s), "<")
}

// redact removes every secret value from s.
func redact(s string, secrets []string) string {
	for _, secret := range secrets {
		if len(secret) >= 3 {
			s = strings.ReplaceAll(s, secret, "***")
		}
	}
	return s
}
