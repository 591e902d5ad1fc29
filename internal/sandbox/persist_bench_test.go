package sandbox

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// benchCreates is how many customers BenchmarkDataFileCreates creates per
// run, and benchWorkers how many at a time (Terraform's default
// -parallelism).
const (
	benchCreates = 5000
	benchWorkers = 10
)

// BenchmarkDataFileCreates measures what --data costs: each iteration creates
// benchCreates customers over HTTP against a memory-only sandbox and against
// one with a DataFile, the way the provider creates one (AddCustomer, then
// UpdateCustomer writing the address over the claim), benchWorkers at a time,
// the two side by side in alternating order. It reports the ratio of the
// summed wall times (data/memory) and each side's time per run.
//
//	go test -run '^$' -bench DataFileCreates -benchtime 3x ./internal/sandbox/
func BenchmarkDataFileCreates(b *testing.B) {
	var mem, data time.Duration
	for i := range b.N {
		memFirst := i%2 == 0
		for _, withData := range []bool{!memFirst, memFirst} {
			opts := Options{}
			if withData {
				opts.DataFile = filepath.Join(b.TempDir(), "moka.json")
			}
			d := createCustomers(b, opts, benchCreates, benchWorkers)
			if withData {
				data += d
			} else {
				mem += d
			}
		}
	}
	b.ReportMetric(float64(data)/float64(mem), "data/memory")
	b.ReportMetric(mem.Seconds()/float64(b.N), "memory-s/run")
	b.ReportMetric(data.Seconds()/float64(b.N), "data-s/run")
}

// createCustomers starts a sandbox with opts and creates n customers, workers
// at a time; it returns the wall time of the creates alone.
func createCustomers(b *testing.B, opts Options, n, workers int) time.Duration {
	b.Helper()
	b.StopTimer()
	h := newHarness(b, opts)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	defer client.CloseIdleConnections()
	post := func(op string, req []byte) error {
		resp, err := client.Post(h.url+"/DealerCustomer/"+op, "application/json", bytes.NewReader(req))
		if err != nil {
			return err
		}
		raw, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			return err
		}
		if !bytes.Contains(raw, []byte(`"ResultCode":"Success"`)) {
			return fmt.Errorf("%s: %s", op, raw)
		}
		return nil
	}
	work := make(chan int)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	b.StartTimer()
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			failed := false
			for i := range work {
				if failed {
					continue // keep taking work, so that the feeder never blocks
				}
				code := "bench-" + strconv.Itoa(i)
				add := body(map[string]any{"CustomerCode": code, "FirstName": "Ayşe", "LastName": "Yılmaz",
					"Email": "ayse@example.com", "GsmNumber": "5551234567", "Address": "claim-" + strconv.Itoa(i)})
				upd := body(map[string]any{"CustomerCode": code, "Address": "Bağdat Caddesi " + strconv.Itoa(i)})
				for _, call := range []struct {
					op  string
					req []byte
				}{{"AddCustomer", add}, {"UpdateCustomer", upd}} {
					if err := post(call.op, call.req); err != nil {
						errs <- err
						failed = true
						break
					}
				}
			}
		}()
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	select {
	case err := <-errs:
		b.Fatal(err)
	default:
	}
	if got := len(h.s.Customers()); got != n {
		b.Fatalf("%d customers, want %d", got, n)
	}
	b.StartTimer()
	return elapsed
}
