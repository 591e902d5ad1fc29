package sandbox

import (
	"context"
	"errors"
	"fmt"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Server is a sandbox. Create it with New; serve it with Start or use it as
// an http.Handler.
type Server struct {
	opts     Options
	checkKey string
	now      func() time.Time

	mu sync.Mutex // guards st and j's appends (see persist.go)
	st *state
	j  *journal // the DataFile, or nil

	statsMu   sync.Mutex // guards the fields below
	rng       *rand.Rand
	faultRate float64
	calls     map[string]int
	conns     int
	// recent: arrival times of the last second's calls, oldest first.
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

// New makes a Server. It loads opts.DataFile if it exists (a corrupt file is
// an error, never silently replaced) and rewrites it compacted, so that a
// file that cannot be written fails now, not at the first write.
func New(opts Options) (*Server, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts:      opts,
		checkKey:  checkKeyFor(opts.DealerCode, opts.Username, opts.Password),
		now:       time.Now,
		st:        newState(),
		rng:       newFaultRNG(opts.Seed),
		faultRate: opts.FaultRate,
		calls:     map[string]int{},
		done:      make(chan struct{}),
	}
	s.hcond = sync.NewCond(&s.hmu)
	s.st.foldCodes = opts.CodesIgnoreCase
	if opts.DataFile != "" {
		st, info, err := readDataFile(opts.DataFile)
		if err != nil {
			return nil, err
		}
		s.st = st
		if err := st.foldedCodes(opts.CodesIgnoreCase); err != nil {
			return nil, fmt.Errorf("sandbox: data file %s: %w", opts.DataFile, err)
		}
		if info.torn != nil {
			s.logf("sandbox: data file %s: dropped a torn last line (%d bytes), left by a write cut short", opts.DataFile, len(info.torn))
		}
		s.j = newJournal(opts.DataFile)
		if err := s.j.compact(st); err != nil {
			return nil, fmt.Errorf("sandbox: data file %s: %w", opts.DataFile, err)
		}
	}
	return s, nil
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}

// enter admits a request unless the server is closing; Close waits until
// every admitted request has left.
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
				s.countConnection()
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

// Close stops the listener, ends held requests and waits for every handler
// to return, leaving no goroutine behind. It may be called more than once.
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
		if s.j != nil {
			s.mu.Lock()
			if err := s.j.close(); err != nil && s.closeErr == nil {
				s.closeErr = err
			}
			s.mu.Unlock()
		}
	})
	return s.closeErr
}
