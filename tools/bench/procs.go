package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// wrap runs the real provider named name from $BENCH_REAL_DIR and appends
// "name peak-KiB cpu-ms" to $BENCH_RSS_FILE when it exits: the child's
// wait4 resource usage, ru_maxrss (the same figure as VmHWM in
// /proc/<pid>/status, exact however short the process lives) and user +
// system CPU time.
func wrap(name string) int {
	cmd := exec.Command(filepath.Join(os.Getenv("BENCH_REAL_DIR"), name), os.Args[1:]...) //nolint:gosec // the provider the bench built or installed
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	// A debugging aid: BENCH_CHILD_STDERR=file sends the provider's standard
	// error (its log, GODEBUG=gctrace=1 output) there instead of to Terraform.
	if file := os.Getenv("BENCH_CHILD_STDERR"); file != "" {
		if f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600); err == nil {
			defer f.Close()
			cmd.Stderr = f
		}
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "bench wrapper:", err)
		return 1
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		for s := range sigs {
			_ = cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru != nil {
		if f, ferr := os.OpenFile(os.Getenv("BENCH_RSS_FILE"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600); ferr == nil {
			cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
			fmt.Fprintf(f, "%s %d %d\n", name, ru.Maxrss, cpu.Milliseconds())
			_ = f.Close()
		}
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		return 1
	}
	return 0
}

// readUsage is the largest peak RSS, in KiB, and the summed CPU time of the
// provider processes the wrappers recorded in file.
func readUsage(file string) (peakKB int64, cpu time.Duration, err error) {
	data, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, err
	}
	peakKB, cpu = parseUsage(string(data))
	return peakKB, cpu, nil
}

func parseUsage(data string) (peakKB int64, cpu time.Duration) {
	for _, line := range strings.Split(strings.TrimSpace(data), "\n") {
		fields := strings.Fields(line)
		if len(fields) != 3 {
			continue
		}
		kb, err1 := strconv.ParseInt(fields[1], 10, 64)
		ms, err2 := strconv.ParseInt(fields[2], 10, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		peakKB = max(peakKB, kb)
		cpu += time.Duration(ms) * time.Millisecond
	}
	return peakKB, cpu
}

// clockTick is the unit of utime and stime in /proc/<pid>/stat: USER_HZ,
// 100 on every Linux architecture Go runs on.
const clockTick = 10 * time.Millisecond

// processCPU is the user + system CPU time a running process has used so
// far, from /proc/<pid>/stat.
func processCPU(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return parseStatCPU(string(data))
}

// parseStatCPU reads utime and stime (fields 14 and 15) of a
// /proc/<pid>/stat line. The command name, field 2, is in parentheses and
// may hold spaces and parentheses itself: fields are counted after its last
// ")".
func parseStatCPU(stat string) (time.Duration, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("no command name in %q", stat)
	}
	f := strings.Fields(stat[i+1:]) // f[0] is field 3, the state
	if len(f) < 13 {
		return 0, fmt.Errorf("short stat line %q", stat)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("bad utime or stime in %q", stat)
	}
	return time.Duration(utime+stime) * clockTick, nil
}

// parentOf is the parent pid of pid, from /proc/<pid>/stat (field 4).
func parentOf(pid int) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(f[1])
	return ppid
}

// newSandboxPid finds the sandbox this process has just started:
// testsupport.SpawnSandbox runs it as a child of ours, and does not say its
// pid. It is the child whose arguments begin with "sandbox" and that is not
// among known, the sandboxes already running.
func newSandboxPid(known map[int]bool) (int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	self := os.Getpid()
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || known[pid] || parentOf(pid) != self {
			continue
		}
		cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil {
			continue
		}
		if args := strings.Split(string(cmdline), "\x00"); len(args) > 1 && args[1] == "sandbox" {
			return pid, nil
		}
	}
	return 0, errors.New("the sandbox's process is not among this program's children")
}
