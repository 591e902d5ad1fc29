// Package mokaseeds holds the sample requests and answers of the two pages of
// Moka's documentation that MOKA-API.md calls the seed pages, copied verbatim
// (README.md beside them says which is which and what to know when replaying
// them). The client's tests and the sandbox's tests both replay them: one copy
// of the samples, and no code shared between the client and the sandbox.
// It is test data: only tests import it (depguard, .golangci.yml).
package mokaseeds

import (
	"embed"
	"io/fs"
)

//go:embed seed_*.json
var samples embed.FS

// Read returns the sample of that file name, such as
// "seed_addcustomer_request.json".
func Read(name string) ([]byte, error) { return samples.ReadFile(name) }

// Names lists the file names of the samples that match pattern (path.Match
// syntax, such as "seed_*_request.json"), in lexical order.
func Names(pattern string) ([]string, error) { return fs.Glob(samples, pattern) }
