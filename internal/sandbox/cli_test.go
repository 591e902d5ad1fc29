package sandbox

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var listeningRE = regexp.MustCompile(`^listening on (http://127\.0\.0\.1:[0-9]+)\n$`)

// startMain runs the command line until the returned stop is called; stop
// returns the exit code.
func startMain(t *testing.T, main func(args []string, stdout, stderr io.Writer) int, args ...string) (url string, stderr *lockedBuffer, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	if main == nil {
		main = func(args []string, stdout, stderr io.Writer) int { return run(ctx, args, stdout, stderr) }
	}
	pr, pw := io.Pipe()
	stderr = &lockedBuffer{}
	code := make(chan int, 1)
	go func() {
		code <- main(args, pw, stderr)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	m := listeningRE.FindStringSubmatch(line)
	if err != nil || m == nil {
		cancel()
		t.Fatalf("first line %q (%v); stderr: %s", line, err, stderr)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	var once sync.Once
	var exit int
	stop = func() int {
		once.Do(func() {
			cancel()
			select {
			case exit = <-code:
			case <-time.After(10 * time.Second):
				t.Fatal("sandbox did not stop")
			}
		})
		return exit
	}
	t.Cleanup(func() { stop() })
	return m[1], stderr, stop
}

func getStats(t *testing.T, url string) Stats {
	t.Helper()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get(url + "/sandbox/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st Stats
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	return st
}

func postTo(t *testing.T, url, op string, b []byte) string {
	t.Helper()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	_, raw, err := postOp(&http.Client{Transport: tr}, url, op, b) //nolint:bodyclose // postOp reads and closes the body
	if err != nil {
		t.Fatal(err)
	}
	var env struct{ ResultCode string }
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	return env.ResultCode
}

func TestMainServesAndStops(t *testing.T) {
	url, stderr, stop := startMain(t, nil, "--listen", "127.0.0.1:0")
	if c := postTo(t, url, "AddCustomer", body(map[string]any{"CustomerCode": "x"})); c != "Success" {
		t.Errorf("AddCustomer: %s", c)
	}
	st := getStats(t, url)
	if st.Calls["AddCustomer"] != 1 || st.Connections < 1 {
		t.Errorf("stats %+v", st)
	}
	if code := stop(); code != 0 {
		t.Errorf("exit %d", code)
	}
	log := stderr.String()
	for _, want := range []string{"AddCustomer -> Success", "shutting down", `dealer code "SANDBOX"`} {
		if !strings.Contains(log, want) {
			t.Errorf("stderr lacks %q:\n%s", want, log)
		}
	}
}

func TestMainFlags(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.json")
	o := Options{DealerCode: "D1", Username: "u1", Password: "p1"}
	url, stderr, stop := startMain(t, nil, "--listen", "localhost:0", "--dealer-code", "D1", "--username", "u1", "--password", "p1",
		"--data", file, "--latency", "10ms", "--fault-rate", "0", "--fault-kinds", "ex,html503", "--seed", "4", "--timeout-hang", "1s",
		"--keep-cards-on-remove-customer", "--forbid-code-reuse", "--update-clears-omitted", "--skip-luhn-check", "--skip-expiry-check", "--quiet")
	b := func(req any) []byte {
		return mustJSON(map[string]any{"DealerCustomerAuthentication": validAuth(o), "DealerCustomerRequest": req})
	}
	if c := postTo(t, url, "AddCustomerWithCard", b(newCard("CustomerCode", "x", "CardNumber", "5127541122223333", "ExpYear", "2001"))); c != "Success" {
		t.Errorf("AddCustomerWithCard with the checks skipped: %s", c)
	}
	if c := postTo(t, url, "RemoveCustomer", b(map[string]any{"CustomerCode": "x"})); c != "Success" {
		t.Errorf("RemoveCustomer: %s", c)
	}
	if c := postTo(t, url, "AddCustomer", b(map[string]any{"CustomerCode": "x"})); c != "DealerCustomer.AddCustomer.CustomerCodeAlreadyUsing" {
		t.Errorf("reuse with --forbid-code-reuse: %s", c)
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stderr.String(), "->") {
		t.Errorf("--quiet still logs calls:\n%s", stderr)
	}
	st, err := loadState(file)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.customers) != 0 || len(st.cards) != 1 || len(st.removed) != 1 {
		t.Errorf("data file: %d customers, %d cards (kept), %d removed", len(st.customers), len(st.cards), len(st.removed))
	}
}

func TestMainSignal(t *testing.T) {
	// The real entry point, stopped by SIGTERM to this process (which Main
	// catches while it runs).
	url, _, stop := startMain(t, Main, "--listen", "127.0.0.1:0", "--quiet")
	getStats(t, url)
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := stop(); code != 0 {
		t.Errorf("exit %d", code)
	}
}

func TestMainHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, &stdout, &stderr); code != 0 {
		t.Errorf("-h: exit %d", code)
	}
	help := stderr.String()
	for _, want := range []string{
		"--listen", "127.0.0.1:8089", "--dealer-code", `"SANDBOX"`, "--username", "--password", `"sandbox"`,
		"--data", "memory only", "--latency", "--fault-rate", "--fault-kinds", "html503,reset,timeout,ex,lostreply",
		"--seed", "--timeout-hang", "30s", "--allow-non-loopback", "--keep-cards-on-remove-customer", "--forbid-code-reuse",
		"--update-clears-omitted", "--skip-luhn-check", "--skip-expiry-check", "/sandbox/stats",
	} {
		want = strings.TrimPrefix(want, "-") // flag prints "-listen"
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	if stdout.Len() != 0 {
		t.Errorf("help on stdout: %s", stdout.String())
	}
}

func TestMainRefuses(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	cases := []struct {
		args []string
		code int
	}{
		{[]string{"--listen", "0.0.0.0:0"}, 2},
		{[]string{"--listen", ":0"}, 2},
		{[]string{"--listen", "192.0.2.1:8089"}, 2},
		{[]string{"--listen", "example.com:8089"}, 2},
		{[]string{"--listen", "nonsense"}, 2},
		{[]string{"--no-such-flag"}, 2},
		{[]string{"extra"}, 2},
		{[]string{"--fault-kinds", "ex,boom"}, 2},
		{[]string{"--fault-kinds", ","}, 2},
		{[]string{"--latency", "soon"}, 2},
		{[]string{"--fault-rate", "1.5", "--listen", "127.0.0.1:0"}, 1},
		{[]string{"--listen", busy.Addr().String()}, 1},
	}
	for _, tc := range cases {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), tc.args, &stdout, &stderr); code != tc.code {
			t.Errorf("%v: exit %d, want %d (%s)", tc.args, code, tc.code, stderr.String())
		}
		if stdout.Len() != 0 || stderr.Len() == 0 {
			t.Errorf("%v: stdout %q, stderr %q", tc.args, stdout.String(), stderr.String())
		}
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:0": true, "127.1.2.3:8089": true, "[::1]:0": true, "localhost:8089": true, "LOCALHOST:1": true,
		"0.0.0.0:0": false, ":8089": false, "[::]:0": false, "10.0.0.1:80": false, "127.0.0.1": false, "host:1": false,
	} {
		if got := isLoopback(addr); got != want {
			t.Errorf("isLoopback(%q) = %v", addr, got)
		}
	}
}

func TestParseKinds(t *testing.T) {
	k, err := parseKinds(" EX , lostreply,")
	if err != nil || len(k) != 2 || k[0] != FaultEX || k[1] != FaultLostReply {
		t.Errorf("%v %v", k, err)
	}
	if k, err = parseKinds("all"); err != nil || len(k) != len(AllFaultKinds) {
		t.Errorf("all: %v %v", k, err)
	}
}
