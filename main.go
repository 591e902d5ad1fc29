// Command terraform-provider-moka serves the Moka Terraform provider; as
// `terraform-provider-moka sandbox ...` it runs a local Moka DealerCustomer
// sandbox, and as `terraform-provider-moka conformance ...` it checks a real
// Moka against the sandbox's model.
package main

import (
	"flag"
	"log"
	"os"
	"runtime/pprof"
	"strconv"

	"github.com/terraform-moka/terraform-provider-moka/internal/conformance"
	"github.com/terraform-moka/terraform-provider-moka/internal/lifeline"
	"github.com/terraform-moka/terraform-provider-moka/internal/provider"
	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
)

// version and commit are set by the release build through -ldflags.
var (
	version = "dev"
	commit  = "none"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "sandbox" {
		os.Exit(sandbox.Main(os.Args[2:], os.Stdout, os.Stderr))
	}
	if len(os.Args) > 1 && os.Args[1] == "conformance" {
		os.Exit(conformance.Main(os.Args[2:], os.Stdout, os.Stderr))
	}
	if len(os.Args) > 1 && os.Args[1] == "version" {
		os.Stdout.WriteString(version + " (" + commit + ")\n")
		return
	}

	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	// A provider whose Terraform was killed (SIGKILL, as CI runners stop a
	// job) is not told to stop: it ends itself once its parent is gone. Not
	// under a debugger, where no Terraform is the parent.
	if !debug {
		lifeline.Start()
	}

	// MOKA_CPUPROFILE=FILE writes this process's CPU profile to FILE.<pid>
	// when Terraform ends it (make bench -cpuprofile; see CONTRIBUTING.md).
	if file := os.Getenv("MOKA_CPUPROFILE"); file != "" {
		defer cpuProfile(file + "." + strconv.Itoa(os.Getpid()))()
	}

	// provider.Serve is providerserver.Serve with a fix for a memory leak of
	// the framework's (see provider.Serve).
	if err := provider.Serve(version, debug); err != nil {
		log.Fatal(err.Error())
	}
}

// cpuProfile starts a CPU profile into file and returns what stops it. A
// profile that cannot start is reported and skipped: it never stops the
// provider.
func cpuProfile(file string) (stop func()) {
	f, err := os.Create(file) //nolint:gosec // a path the developer asked for
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		log.Printf("MOKA_CPUPROFILE: %v", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}
}
