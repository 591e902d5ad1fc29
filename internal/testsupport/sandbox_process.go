package testsupport

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
)

// SandboxProcess is `terraform-provider-moka sandbox` running as a process of
// its own, as users run it, so that it can be killed with SIGKILL and so that
// its work is not counted in the test's own process.
type SandboxProcess struct {
	URL    string
	cmd    *exec.Cmd
	exited chan struct{}
}

// sandboxStartWait is how long a sandbox may take to say where it listens.
const sandboxStartWait = 20 * time.Second

// SpawnSandbox runs bin's sandbox on listen with args, its standard error
// going to stderr, and waits for it to say where it listens. The caller stops
// it. A sandbox that exits at once is started again, up to 50 times: after a
// kill, its port may still be held for a moment.
func SpawnSandbox(bin, listen string, stderr io.Writer, args ...string) (*SandboxProcess, error) {
	var lastErr error
	for range 50 {
		p, retry, err := spawnSandboxOnce(bin, listen, stderr, args)
		if err == nil || !retry {
			return p, err
		}
		lastErr = err
		time.Sleep(100 * time.Millisecond)
	}
	return nil, fmt.Errorf("the sandbox did not start on %s: %w", listen, lastErr)
}

func spawnSandboxOnce(bin, listen string, stderr io.Writer, args []string) (p *SandboxProcess, retry bool, err error) {
	cmd := exec.Command(bin, append([]string{"sandbox", "--listen", listen}, args...)...) //nolint:gosec // the provider binary a test or bench just built
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, false, err
	}
	if err := cmd.Start(); err != nil {
		return nil, false, err
	}
	type firstLine struct {
		text string
		err  error
	}
	first := make(chan firstLine, 1)
	go func() {
		line, err := bufio.NewReader(stdout).ReadString('\n')
		first <- firstLine{line, err}
	}()
	select {
	case l := <-first:
		if url, ok := strings.CutPrefix(strings.TrimSpace(l.text), "listening on "); l.err == nil && ok {
			p := &SandboxProcess{URL: url, cmd: cmd, exited: make(chan struct{})}
			go func() {
				_, _ = io.Copy(io.Discard, stdout)
				_ = cmd.Wait()
				close(p.exited)
			}()
			return p, false, nil
		}
		_ = cmd.Wait()
		return nil, true, fmt.Errorf("first line %q (read error: %v)", l.text, l.err) //nolint:errorlint // l.err may be nil
	case <-time.After(sandboxStartWait):
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, false, fmt.Errorf("the sandbox did not start in %v", sandboxStartWait)
	}
}

// StartSandboxProcess is SpawnSandbox for a test: its standard error goes to
// a file that t shows if it does not start, and it is stopped when t ends.
func StartSandboxProcess(t testing.TB, bin, listen string, args ...string) *SandboxProcess {
	t.Helper()
	stderr, err := os.CreateTemp(t.TempDir(), "sandbox-*.log")
	if err != nil {
		t.Fatal(err)
	}
	p, err := SpawnSandbox(bin, listen, stderr, args...)
	if err != nil {
		b, _ := os.ReadFile(stderr.Name())
		t.Fatalf("%v\n%s", err, b)
	}
	t.Cleanup(p.Stop)
	return p
}

// Kill ends the sandbox with SIGKILL: no shutdown, no last write.
func (p *SandboxProcess) Kill() {
	_ = p.cmd.Process.Kill()
	<-p.exited
}

// Stop ends the sandbox with SIGTERM, as Ctrl-C would, if it still runs.
func (p *SandboxProcess) Stop() {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		p.Kill()
	}
}

// Stats is GET /sandbox/stats. The look itself is one connection, opened
// and closed, which Connections counts.
func (p *SandboxProcess) Stats() (sandbox.Stats, error) {
	var s sandbox.Stats
	err := p.getJSON("/sandbox/stats", &s)
	return s, err
}

// State is GET /sandbox/state: every customer and card the sandbox holds.
func (p *SandboxProcess) State() ([]sandbox.Customer, []sandbox.Card, error) {
	var s struct {
		Customers []sandbox.Customer `json:"customers"`
		Cards     []sandbox.Card     `json:"cards"`
	}
	err := p.getJSON("/sandbox/state", &s)
	return s.Customers, s.Cards, err
}

// Contents is State for a test, which fails if the sandbox does not answer.
func (p *SandboxProcess) Contents(t testing.TB) ([]sandbox.Customer, []sandbox.Card) {
	t.Helper()
	customers, cards, err := p.State()
	if err != nil {
		t.Fatalf("GET /sandbox/state: %v", err)
	}
	return customers, cards
}

func (p *SandboxProcess) getJSON(path string, out any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.URL+path, nil)
	if err != nil {
		return err
	}
	// A connection of its own, closed after: the sandbox's connection count
	// then grows by exactly one per look (tools/bench subtracts it).
	req.Close = true
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// FreeLoopbackAddr is a loopback address with a port nobody listens on now.
func FreeLoopbackAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}
