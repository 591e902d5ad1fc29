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

// FaultKind is a way a DealerCustomer call can fail, as real networks and
// servers do, so that a client's retries are tested against it.
type FaultKind string

const (
	// FaultHTML503: HTTP 503 with an IIS/HTTP.sys HTML page; nothing is committed.
	FaultHTML503 FaultKind = "html503"
	// FaultReset: the connection is reset (RST) without an answer; nothing is committed.
	FaultReset FaultKind = "reset"
	// FaultTimeout: the request is held for TimeoutHang (or until its context
	// ends), then the connection is closed; nothing is committed.
	FaultTimeout FaultKind = "timeout"
	// FaultEX: HTTP 200 with ResultCode "EX"; nothing is committed.
	FaultEX FaultKind = "ex"
	// FaultLostReply: the operation commits, then the connection is closed.
	FaultLostReply FaultKind = "lostreply"
	// FaultLateCommit: a write that lands after the client gave up. The
	// request is held for TimeoutHang whatever its context does, then commits
	// and the connection is closed; Close ends the hold without a commit.
	FaultLateCommit FaultKind = "latecommit"
)

// AllFaultKinds is the default Options.FaultKinds and --fault-kinds all. It
// leaves out FaultLateCommit, which can undo a client's later writes and is
// chosen only by name.
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

// newFaultRNG: a fixed seed makes a run's faults repeatable.
func newFaultRNG(seed int64) *rand.Rand {
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	return rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15)) //nolint:gosec // G404: faults need a repeatable sequence, not secrecy
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

// serveFault answers op's call the way kind fails; handle runs the operation,
// for the faults that commit.
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
		// has given up.
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

// drop closes the connection without an answer, with an RST when reset.
// Where the connection cannot be hijacked (HTTP/2, a recorder), the handler
// aborts, which net/http turns into a closed connection or reset stream.
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
