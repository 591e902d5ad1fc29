package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Options configures a Server. The zero value is a working sandbox.
type Options struct {
	// The dealer account. Empty fields default to "SANDBOX", "sandbox", "sandbox".
	DealerCode, Username, Password string
	// DataFile, when set, is loaded by New and rewritten atomically (temporary
	// file in the same directory, fsync, rename) after every committed write,
	// before the answer is sent. Empty: memory only.
	DataFile string
	// Latency is added before each DealerCustomer answer.
	Latency time.Duration
	// FaultRate (0..1) is the share of DealerCustomer calls that fail in one
	// of FaultKinds (nil: all kinds), chosen uniformly.
	FaultRate  float64
	FaultKinds []FaultKind
	// Seed seeds the fault RNG; 0 seeds from the clock.
	Seed int64
	// TimeoutHang is how long the timeout fault holds a request before it
	// drops the connection (default 30s); it ends early when the request's
	// context ends or the server closes.
	TimeoutHang time.Duration

	// Behaviour Moka's documentation leaves open, each a switch (see Switches
	// and MOKA-API.md, "Decisions and their switches"):

	// KeepCardsOnRemoveCustomer: RemoveCustomer leaves the customer's cards
	// (GetCard then still answers, with the removed customer's data).
	// Default false: the cards go with the customer.
	KeepCardsOnRemoveCustomer bool
	// ForbidCodeReuse: a removed CustomerCode stays taken
	// (CustomerCodeAlreadyUsing). Default false: it can be registered again.
	ForbidCodeReuse bool
	// UpdateClearsOmitted: UpdateCustomer clears every field that is missing
	// or null. Default false: such fields keep their value; a present field,
	// even "", is set.
	UpdateClearsOmitted bool
	// SkipLuhnCheck: accept card numbers that fail the Luhn check.
	// Default false: InvalidRequest.
	SkipLuhnCheck bool
	// SkipExpiryCheck: accept expired cards. Default false: InvalidRequest.
	// (ExpMonth must be 01..12 and ExpYear four digits either way.)
	SkipExpiryCheck bool
	// CodesIgnoreCase: CustomerCode compares ignoring case and trailing
	// spaces, as SQL Server's default collation would ("ABC " is "abc").
	// Default false: exactly.
	CodesIgnoreCase bool
	// UnsetAsNull: answers give a field that holds nothing as JSON null
	// instead of "" (text) or 0 (Gender). Default false: "" and 0.
	UnsetAsNull bool
	// ExtraFields: answers carry fields the documentation does not list but
	// public clients see: MasterCode and DealerId on a customer; CardType,
	// CreditType, ProductCategory, MaxInstallmentNumber and CardCode on a
	// card. Default false: only the documented fields.
	ExtraFields bool
	// UpdateCardOwnCodes: UpdateCard's failures use the prefix
	// DealerCustomer.UpdateCard. Default false: DealerCustomer.GetCard., as
	// the UpdateCard page lists them.
	UpdateCardOwnCodes bool
	// AddCardAnswersAllCards: AddCard answers with all of the customer's
	// cards. Default false: with the new card only (CardListCount 1), like
	// UpdateCard's documented answer.
	AddCardAnswersAllCards bool
	// DuplicateCardRefused: AddCard refuses a card the customer already has
	// stored (same number and expiry) with InvalidRequest. Default false: the
	// same card can be stored twice, under two tokens.
	DuplicateCardRefused bool

	// Logf, when set, gets one line per DealerCustomer call (operation,
	// result code or fault; never a request's content) and server errors.
	Logf func(format string, args ...any)
}

// FaultKind is a way a call can fail.
type FaultKind string

const (
	// FaultHTML503: HTTP 503 with an HTML page like IIS/HTTP.sys or a proxy
	// sends; nothing is committed.
	FaultHTML503 FaultKind = "html503"
	// FaultReset: the connection is reset (RST) without an answer; nothing is committed.
	FaultReset FaultKind = "reset"
	// FaultTimeout: the request is held for TimeoutHang (or until its context
	// ends) and the connection is then closed without an answer; nothing is committed.
	FaultTimeout FaultKind = "timeout"
	// FaultEX: HTTP 200 with ResultCode "EX"; nothing is committed.
	FaultEX FaultKind = "ex"
	// FaultLostReply: the operation commits, then the connection is closed
	// without an answer.
	FaultLostReply FaultKind = "lostreply"
)

// AllFaultKinds lists every FaultKind.
var AllFaultKinds = []FaultKind{FaultHTML503, FaultReset, FaultTimeout, FaultEX, FaultLostReply}

const defaultTimeoutHang = 30 * time.Second

// Stats counts calls per operation (faulted ones too) and accepted TCP
// connections (only for a Server that was Started). PeakCallsPerSecond is the
// most calls that arrived within any one second (a sliding window, all
// operations together): what a client-side rate limit is checked against.
type Stats struct {
	Calls              map[string]int `json:"calls"`
	Connections        int            `json:"connections"`
	PeakCallsPerSecond int            `json:"peak_calls_per_second"`
}

// Server is a sandbox. Create it with New; serve it with Start or use it as
// an http.Handler.
type Server struct {
	opts     Options
	checkKey string
	now      func() time.Time

	mu sync.Mutex // guards st and writes to DataFile
	st *state

	statsMu   sync.Mutex // guards the fields below
	rng       *rand.Rand
	faultRate float64
	calls     map[string]int
	conns     int
	// recent holds the arrival times of the calls of the last second, oldest
	// first; peak is the most it ever held.
	recent []time.Time
	peak   int

	hmu    sync.Mutex // guards active and closed
	hcond  *sync.Cond
	active int
	closed bool

	done      chan struct{} // closed by Close: ends held requests
	closeOnce sync.Once
	closeErr  error

	smu       sync.Mutex // guards srv, url, serveDone
	srv       *http.Server
	url       string
	serveDone chan struct{}
}

// New makes a Server. When opts.DataFile names an existing file it loads it
// (an unreadable or corrupt file is an error, never silently replaced), and it
// writes the file once to learn early whether it can.
func New(opts Options) (*Server, error) {
	if opts.DealerCode == "" {
		opts.DealerCode = "SANDBOX"
	}
	if opts.Username == "" {
		opts.Username = "sandbox"
	}
	if opts.Password == "" {
		opts.Password = "sandbox"
	}
	if opts.FaultRate < 0 || opts.FaultRate > 1 || opts.FaultRate != opts.FaultRate {
		return nil, fmt.Errorf("sandbox: fault rate %v is not between 0 and 1", opts.FaultRate)
	}
	if opts.Latency < 0 {
		return nil, fmt.Errorf("sandbox: negative latency %v", opts.Latency)
	}
	if opts.TimeoutHang < 0 {
		return nil, fmt.Errorf("sandbox: negative timeout hang %v", opts.TimeoutHang)
	}
	if opts.TimeoutHang == 0 {
		opts.TimeoutHang = defaultTimeoutHang
	}
	if opts.FaultKinds == nil {
		opts.FaultKinds = AllFaultKinds
	}
	if len(opts.FaultKinds) == 0 {
		return nil, errors.New("sandbox: empty list of fault kinds")
	}
	opts.FaultKinds = append([]FaultKind(nil), opts.FaultKinds...)
	for _, k := range opts.FaultKinds {
		if !validFaultKind(k) {
			return nil, fmt.Errorf("sandbox: unknown fault kind %q (known: %s)", k, joinKinds(AllFaultKinds))
		}
	}
	seed := opts.Seed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	s := &Server{
		opts:      opts,
		checkKey:  checkKeyFor(opts.DealerCode, opts.Username, opts.Password),
		now:       time.Now,
		st:        newState(),
		rng:       rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15)),
		faultRate: opts.FaultRate,
		calls:     map[string]int{},
		done:      make(chan struct{}),
	}
	s.hcond = sync.NewCond(&s.hmu)
	s.st.foldCodes = opts.CodesIgnoreCase
	if opts.DataFile != "" {
		st, err := loadState(opts.DataFile)
		if err != nil {
			return nil, err
		}
		s.st = st
		if err := st.foldedCodes(opts.CodesIgnoreCase); err != nil {
			return nil, fmt.Errorf("sandbox: data file %s: %w", opts.DataFile, err)
		}
		if err := s.save(st); err != nil {
			return nil, fmt.Errorf("sandbox: data file %s: %w", opts.DataFile, err)
		}
	}
	return s, nil
}

func validFaultKind(k FaultKind) bool {
	for _, a := range AllFaultKinds {
		if k == a {
			return true
		}
	}
	return false
}

func joinKinds(ks []FaultKind) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = string(k)
	}
	return strings.Join(parts, ",")
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}

func (s *Server) save(st *state) error {
	b, err := st.marshal()
	if err != nil {
		return err
	}
	return writeFileAtomic(s.opts.DataFile, b)
}

// mutate runs fn on the state under s.mu (which the caller holds). With a
// DataFile, fn works on a copy that replaces the state only once it is on
// disk, so a failed write changes nothing.
func (s *Server) mutate(fn func(st *state) bool) error {
	work := s.st
	if s.opts.DataFile != "" {
		work = s.st.clone()
	}
	if !fn(work) {
		return nil
	}
	if s.opts.DataFile != "" {
		if err := s.save(work); err != nil {
			return err
		}
		s.st = work
	}
	return nil
}

// handle runs one operation on a request body.
func (s *Server) handle(op string, body []byte) result {
	q, bad := s.parse(op, body)
	if bad != nil {
		return *bad
	}
	fn := operations[op]
	s.mu.Lock()
	defer s.mu.Unlock()
	if readOperations[op] {
		// No copy for a read: with a DataFile, copying the whole state would
		// make each GetCustomer cost as much as the account is large.
		res, _ := fn(s, s.st, q)
		return res
	}
	var res result
	err := s.mutate(func(st *state) bool {
		var changed bool
		res, changed = fn(s, st, q)
		return changed
	})
	if err != nil {
		s.logf("sandbox: could not save state: %v", err)
		return result{reason: codeEX, msg: "sandbox could not save its state: " + err.Error()}
	}
	return res
}

// --- HTTP ---

// ServeHTTP serves POST /DealerCustomer/{Operation}, GET /sandbox/stats and
// GET /sandbox/state.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.enter() {
		http.Error(w, "sandbox is closed", http.StatusServiceUnavailable)
		return
	}
	defer s.leave()

	path := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case strings.EqualFold(path, "/sandbox/stats"):
		s.serveInspect(w, r, func() any { return s.Stats() })
		return
	case strings.EqualFold(path, "/sandbox/state"):
		s.serveInspect(w, r, func() any {
			return struct {
				Customers []Customer `json:"customers"`
				Cards     []Card     `json:"cards"`
			}{s.Customers(), s.Cards()}
		})
		return
	}
	const prefix = "/dealercustomer/"
	if len(path) <= len(prefix) || !strings.EqualFold(path[:len(prefix)], prefix) {
		http.NotFound(w, r)
		return
	}
	op, known := opByFold[strings.ToLower(path[len(prefix):])]
	if !known {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "405 method not allowed: use POST", http.StatusMethodNotAllowed)
		return
	}
	s.serveOp(w, r, op)
}

func (s *Server) serveInspect(w http.ResponseWriter, r *http.Request, get func() any) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "405 method not allowed: use GET", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(marshalJSON(get()))
}

func (s *Server) serveOp(w http.ResponseWriter, r *http.Request, op string) {
	s.statsMu.Lock()
	s.calls[op]++
	s.countArrival(time.Now())
	s.statsMu.Unlock()

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	var tooBig *http.MaxBytesError
	if err != nil && !errors.As(err, &tooBig) {
		s.logf("sandbox: %s: reading request: %v", op, err)
		s.drop(w, false)
		return
	}
	if !s.wait(r.Context(), s.opts.Latency) {
		s.drop(w, false)
		return
	}
	handle := func() result {
		if tooBig != nil {
			return invalid("request body larger than %d bytes", maxBodyBytes)
		}
		return s.handle(op, body)
	}
	switch kind := s.pickFault(); kind {
	case FaultHTML503:
		s.logf("sandbox: %s -> fault %s", op, kind)
		w.Header().Set("Content-Type", "text/html; charset=us-ascii")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, html503)
	case FaultEX:
		s.logf("sandbox: %s -> fault %s", op, kind)
		writeEnvelope(w, s.codePrefix(op), result{reason: codeEX, msg: "An unexpected error has occurred (sandbox fault injection)"})
	case FaultReset:
		s.logf("sandbox: %s -> fault %s", op, kind)
		s.drop(w, true)
	case FaultTimeout:
		s.logf("sandbox: %s -> fault %s (holding %v)", op, kind, s.opts.TimeoutHang)
		s.wait(r.Context(), s.opts.TimeoutHang)
		s.drop(w, false)
	case FaultLostReply:
		res := handle()
		s.logf("sandbox: %s -> %s, then fault %s", op, resultCode(s.codePrefix(op), res), kind)
		s.drop(w, false)
	default:
		res := handle()
		s.logf("sandbox: %s -> %s", op, resultCode(s.codePrefix(op), res))
		writeEnvelope(w, s.codePrefix(op), res)
	}
}

func writeEnvelope(w http.ResponseWriter, prefix string, r result) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(marshalEnvelope(prefix, r))
}

// codePrefix is the result-code prefix of op's failures on this server.
func (s *Server) codePrefix(op string) string {
	return codePrefixFor(op, s.opts.UpdateCardOwnCodes)
}

// html503 is what HTTP.sys answers when an IIS application pool is down.
const html503 = `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">
<HTML><HEAD><TITLE>Service Unavailable</TITLE>
<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>
<BODY><h2>Service Unavailable</h2>
<hr><p>HTTP Error 503. The service is unavailable.</p>
</BODY></HTML>
`

// wait sleeps for d unless ctx ends or the server closes first; it reports
// whether the whole time passed.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.done:
	}
	return false
}

// drop ends the exchange without an answer: the connection is closed, with
// an RST when reset is set. Where the connection cannot be taken over (an
// HTTP/2 stream, a recorder), the handler aborts, which net/http turns into
// a closed connection or a reset stream.
func (s *Server) drop(w http.ResponseWriter, reset bool) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func (s *Server) pickFault() FaultKind {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	if s.faultRate <= 0 || s.rng.Float64() >= s.faultRate {
		return ""
	}
	return s.opts.FaultKinds[s.rng.IntN(len(s.opts.FaultKinds))]
}

// SetFaultRate changes the share of calls that fail (clamped to 0..1).
func (s *Server) SetFaultRate(rate float64) {
	if rate != rate || rate < 0 {
		rate = 0
	}
	if rate > 1 {
		rate = 1
	}
	s.statsMu.Lock()
	s.faultRate = rate
	s.statsMu.Unlock()
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	return Stats{Calls: maps.Clone(s.calls), Connections: s.conns, PeakCallsPerSecond: s.peak}
}

// countArrival adds a call that arrived at now to the sliding one-second
// window (now-1s, now] and raises the peak; the caller holds statsMu. The
// wall clock, not s.now: the sandbox's date can be set for expiry checks, and
// a rate is measured in real time.
func (s *Server) countArrival(now time.Time) {
	drop := 0
	for drop < len(s.recent) && now.Sub(s.recent[drop]) >= time.Second {
		drop++
	}
	s.recent = append(s.recent[drop:], now)
	s.peak = max(s.peak, len(s.recent))
}

func (s *Server) enter() bool {
	s.hmu.Lock()
	defer s.hmu.Unlock()
	if s.closed {
		return false
	}
	s.active++
	return true
}

func (s *Server) leave() {
	s.hmu.Lock()
	s.active--
	if s.active == 0 {
		s.hcond.Broadcast()
	}
	s.hmu.Unlock()
}

// Start listens on listen (e.g. "127.0.0.1:0") and serves in the background.
// It returns the base URL, e.g. "http://127.0.0.1:41234".
func (s *Server) Start(listen string) (string, error) {
	s.smu.Lock()
	defer s.smu.Unlock()
	if s.srv != nil {
		return "", errors.New("sandbox: already started")
	}
	select {
	case <-s.done:
		return "", errors.New("sandbox: closed")
	default:
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return "", err
	}
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 30 * time.Second,
		ConnState: func(_ net.Conn, cs http.ConnState) {
			if cs == http.StateNew {
				s.statsMu.Lock()
				s.conns++
				s.statsMu.Unlock()
			}
		},
	}
	if s.opts.Logf != nil {
		srv.ErrorLog = log.New(logfWriter(s.opts.Logf), "", 0)
	}
	s.srv = srv
	s.url = "http://" + ln.Addr().String()
	s.serveDone = make(chan struct{})
	go func() {
		defer close(s.serveDone)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logf("sandbox: serve: %v", err)
		}
	}()
	return s.url, nil
}

type logfWriter func(format string, args ...any)

func (f logfWriter) Write(p []byte) (int, error) {
	f("%s", strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// URL is the base URL Start returned ("" before Start).
func (s *Server) URL() string {
	s.smu.Lock()
	defer s.smu.Unlock()
	return s.url
}

// Close stops the listener, ends held requests, waits for every handler to
// return and leaves no goroutine behind. It is safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		s.smu.Lock()
		srv, serveDone := s.srv, s.serveDone
		s.smu.Unlock()
		if srv != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
				s.closeErr = err
			}
			cancel()
			_ = srv.Close() // whatever Shutdown left open
			<-serveDone
		}
		s.hmu.Lock()
		s.closed = true
		for s.active > 0 {
			s.hcond.Wait()
		}
		s.hmu.Unlock()
	})
	return s.closeErr
}
