package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestProviderEndsWithItsTerraform: a provider whose parent is killed with
// SIGKILL, as a CI runner stops a job's terraform, exits by itself within
// 5 s, saying why on stderr. The parent here is a shell that started the
// built binary with the environment Terraform gives it, and the provider is
// killed only after it has answered the handshake, as Terraform sees it.
func TestProviderEndsWithItsTerraform(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skipf("the test reads /proc to see the provider's process end, which only Linux has (GOOS=%s); the watch itself is tested in internal/lifeline", runtime.GOOS)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "terraform-provider-moka")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	// Pipes of our own, not exec's copying goroutines: the provider keeps
	// writing to them after the shell is gone.
	stdoutR, stdoutW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stderrR, stderrW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdoutR.Close(); stderrR.Close() })

	shell := exec.Command("sh", "-c", `"$0" & echo "provider_pid=$!" >&2; wait`, bin)
	shell.Env = append(os.Environ(),
		// What tf6server's go-plugin handshake wants (tfprotov6/tf6server.Serve).
		"TF_PLUGIN_MAGIC_COOKIE=d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
		"PLUGIN_PROTOCOL_VERSIONS=6",
		// go-plugin's socket directory, which a killed provider leaves behind.
		"TMPDIR="+dir,
	)
	shell.Stdout, shell.Stderr = stdoutW, stderrW
	if err := shell.Start(); err != nil {
		t.Fatal(err)
	}
	stdoutW.Close()
	stderrW.Close()
	shellDone := false
	t.Cleanup(func() {
		if !shellDone {
			_ = shell.Process.Kill()
			_ = shell.Wait()
		}
	})

	stdout := lines(stdoutR)
	stderr := lines(stderrR)
	var stderrSeen []string
	pid := 0
	handshake := ""
	deadline := time.After(30 * time.Second)
	for pid == 0 || handshake == "" {
		select {
		case l, ok := <-stdout:
			if !ok {
				t.Fatalf("the provider closed its stdout without a handshake; stderr:\n%s", strings.Join(stderrSeen, "\n"))
			}
			if strings.Contains(l, "|grpc") {
				handshake = l
			}
		case l, ok := <-stderr:
			if !ok {
				stderr = nil
				continue
			}
			stderrSeen = append(stderrSeen, l)
			if v, found := strings.CutPrefix(l, "provider_pid="); found {
				if pid, err = strconv.Atoi(v); err != nil {
					t.Fatalf("the shell wrote %q", l)
				}
				t.Cleanup(func() {
					if p, err := os.FindProcess(pid); err == nil && running(pid) {
						_ = p.Kill()
					}
				})
			}
		case <-deadline:
			t.Fatalf("no handshake and provider pid within 30 s; stderr:\n%s", strings.Join(stderrSeen, "\n"))
		}
	}
	t.Logf("provider pid %d answered %q", pid, handshake)

	// While its parent lives, it serves on: a few of the watch's looks.
	time.Sleep(1500 * time.Millisecond)
	if !running(pid) {
		t.Fatalf("the provider ended while its parent lived; stderr:\n%s", strings.Join(stderrSeen, "\n"))
	}

	if err := shell.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	_ = shell.Wait()
	shellDone = true
	killed := time.Now()

	for running(pid) {
		if time.Since(killed) > 5*time.Second {
			t.Fatalf("the provider (pid %d) still runs 5 s after its parent was killed", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("the provider ended %s after its parent", time.Since(killed).Round(time.Millisecond))

	// It said why, on the stderr it was started with.
	timeout := time.After(5 * time.Second)
	for said := false; !said; {
		select {
		case l, ok := <-stderr:
			if !ok {
				t.Fatalf("the provider did not say why it ended; stderr:\n%s", strings.Join(stderrSeen, "\n"))
			}
			stderrSeen = append(stderrSeen, l)
			said = strings.Contains(l, "is gone") && strings.Contains(l, "no further Moka call")
		case <-timeout:
			t.Fatalf("the provider did not say why it ended; stderr:\n%s", strings.Join(stderrSeen, "\n"))
		}
	}
}

// lines sends the lines read from f until it ends.
func lines(f *os.File) <-chan string {
	ch := make(chan string, 100)
	go func() {
		defer close(ch)
		s := bufio.NewScanner(f)
		for s.Scan() {
			ch <- s.Text()
		}
	}()
	return ch
}

// running reports whether process pid exists and has not exited: an exited
// process stays a zombie until its new parent (pid 1 or a subreaper) reaps it.
func running(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// pid (comm) state ...: comm may hold spaces and parentheses.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 >= len(s) {
		return false
	}
	state := s[i+2]
	return state != 'Z' && state != 'X'
}
