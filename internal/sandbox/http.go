package sandbox

import (
	"errors"
	"io"
	"net/http"
	"strings"
)

// maxBodyBytes: a larger body is InvalidRequest, not memory held per request.
const maxBodyBytes = 1 << 20

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

// serveInspect answers a /sandbox/* endpoint, the sandbox's own for people
// and scripts watching a run: not counted as calls, never faulted.
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
	s.countCall(op)

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
	if kind := s.pickFault(); kind != "" {
		s.serveFault(w, r, op, kind, handle)
		return
	}
	res := handle()
	s.logf("sandbox: %s -> %s", op, resultCode(s.codePrefix(op), res))
	s.writeEnvelope(w, op, res)
}

func (s *Server) writeEnvelope(w http.ResponseWriter, op string, r result) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(marshalEnvelope(s.codePrefix(op), r, s.opts.EXTextInException))
}

func (s *Server) codePrefix(op string) string {
	return codePrefixFor(op, s.opts.UpdateCardOwnCodes)
}
