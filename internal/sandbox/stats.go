package sandbox

import (
	"maps"
	"time"
)

// Stats counts calls per operation (faulted ones too) and TCP connections
// (only after Start). PeakCallsPerSecond, the most calls within any one
// second, is what a client-side rate limit is checked against.
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

func (s *Server) countCall(op string) {
	s.statsMu.Lock()
	s.calls[op]++
	s.countArrival(time.Now())
	s.statsMu.Unlock()
}

func (s *Server) countConnection() {
	s.statsMu.Lock()
	s.conns++
	s.statsMu.Unlock()
}

// countArrival (under statsMu) takes the wall clock, not s.now: tests set the
// sandbox's date for expiry checks, and a rate is measured in real time.
func (s *Server) countArrival(now time.Time) {
	drop := 0
	for drop < len(s.recent) && now.Sub(s.recent[drop]) >= time.Second {
		drop++
	}
	s.recent = append(s.recent[drop:], now)
	s.peak = max(s.peak, len(s.recent))
}
