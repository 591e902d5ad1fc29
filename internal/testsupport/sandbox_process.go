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

// SandboxProcess is `terraform-provider-moka sandbox` in a process of its
// own, so that it can be killed and its work is not counted in the test's.
type SandboxProcess struct {
	URL    string
	cmd    *exec.Cmd
	exited chan struct{}
}

const sandboxStartWait = 20 * time.Second

// SpawnSandbox starts bin's sandbox, again if it exits at once: after a kill,
// its port may still be held for a moment.
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

// StartSandboxProcess is SpawnSandbox stopped when t ends.
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

// Kill sends SIGKILL: no shutdown, no last write.
func (p *SandboxProcess) Kill() {
	_ = p.cmd.Process.Kill()
	<-p.exited
}

// Stop sends SIGTERM, as Ctrl-C would.
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

// Stats is GET /sandbox/stats; the look itself is one of its Connections.
func (p *SandboxProcess) Stats() (sandbox.Stats, error) {
	var s sandbox.Stats
	err := p.getJSON("/sandbox/stats", &s)
	return s, err
}

// State is GET /sandbox/state.
func (p *SandboxProcess) State() ([]sandbox.Customer, []sandbox.Card, error) {
	var s struct {
		Customers []sandbox.Customer `json:"customers"`
		Cards     []sandbox.Card     `json:"cards"`
	}
	err := p.getJSON("/sandbox/state", &s)
	return s.Customers, s.Cards, err
}

// Contents is State; t fails if the sandbox does not answer.
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
	// Exactly one connection per look: tools/bench subtracts it.
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

// FreeLoopbackAddr is a loopback address nobody listens on now.
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
