package sandbox

import (
	"context"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"time"
)

// Faults: the sandbox plays the ways a real network and server fail, so that
// a client's retries are tested against them. Each DealerCustomer call fails
// with probability FaultRate, in one of FaultKinds chosen uniformly; inspection
// (/sandbox/*) never fails.

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
	// FaultLateCommit: the request is held for TimeoutHang whatever its
	// context does (the client has given up by then), then the operation
	// commits and the connection is closed without an answer: a write that
	// lands after the client's request timeout. When the server closes
	// first, the held request ends there without committing.
	FaultLateCommit FaultKind = "latecommit"
)

// AllFaultKinds lists the fault kinds a server plays when Options.FaultKinds
// is nil, and that --fault-kinds all names. FaultLateCommit is not among
// them: a write landing after its client moved on can undo the client's
// later writes, which tests that run under every kind do not expect; it is
// chosen by name (--fault-kinds latecommit, Options.FaultKinds).
var AllFaultKinds = []FaultKind{FaultHTML503, FaultReset, FaultTimeout, FaultEX, FaultLostReply}

// KnownFaultKinds lists every FaultKind.
var KnownFaultKinds = []FaultKind{FaultHTML503, FaultReset, FaultTimeout, FaultEX, FaultLostReply, FaultLateCommit}

func validFaultKind(k FaultKind) bool {
	for _, a := range KnownFaultKinds {
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

// newFaultRNG makes the generator that picks faults; a fixed seed makes a
// run's faults repeatable, 0 takes one from the clock.
func newFaultRNG(seed int64) *rand.Rand {
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	return rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15)) //nolint:gosec // G404: faults need a repeatable sequence, not secrecy
}

// pickFault draws the fault for one call: "" for none.
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

// serveFault answers op's call the way kind fails. handle runs the operation;
// only FaultLostReply and FaultLateCommit run it, the faults that commit. kind is
// one of the kinds New accepted.
func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, op string, kind FaultKind, handle func() result) {
	switch kind {
	case FaultHTML503:
		s.logf("sandbox: %s -> fault %s", op, kind)
		w.Header().Set("Content-Type", "text/html; charset=us-ascii")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, html503)
	case FaultEX:
		s.logf("sandbox: %s -> fault %s", op, kind)
		s.writeEnvelope(w, op, result{reason: codeEX, msg: "An unexpected error has occurred (sandbox fault injection)"})
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
	case FaultLateCommit:
		s.logf("sandbox: %s -> fault %s (holding %v)", op, kind, s.opts.TimeoutHang)
		// Not the request's context: the point is to commit after the client
		// has given up. Close ends the hold, and then nothing is committed.
		if !s.wait(context.Background(), s.opts.TimeoutHang) {
			s.logf("sandbox: %s -> closed while holding a late commit; not committed", op)
			s.drop(w, false)
			return
		}
		res := handle()
		s.logf("sandbox: %s -> %s, committed late (fault %s)", op, resultCode(s.codePrefix(op), res), kind)
		s.drop(w, false)
	}
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
// whether the whole time passed. Latency and the timeout fault both wait, so
// that neither outlives the request or the server.
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
