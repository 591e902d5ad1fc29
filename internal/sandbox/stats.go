package sandbox

import (
	"maps"
	"time"
)

// Stats counts calls per operation (faulted ones too) and accepted TCP
// connections (only for a Server that was Started). PeakCallsPerSecond is the
// most calls that arrived within any one second (a sliding window, all
// operations together): what a client-side rate limit is checked against.
type Stats struct {
	Calls              map[string]int `json:"calls"`
	Connections        int            `json:"connections"`
	PeakCallsPerSecond int            `json:"peak_calls_per_second"`
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	return Stats{Calls: maps.Clone(s.calls), Connections: s.conns, PeakCallsPerSecond: s.peak}
}

// countCall counts a call of op that arrives now.
func (s *Server) countCall(op string) {
	s.statsMu.Lock()
	s.calls[op]++
	s.countArrival(time.Now())
	s.statsMu.Unlock()
}

// countConnection counts an accepted TCP connection.
func (s *Server) countConnection() {
	s.statsMu.Lock()
	s.conns++
	s.statsMu.Unlock()
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
