package testsupport

import (
	"testing"
)

// TestSandboxProcess builds the provider, runs its sandbox, kills it and
// starts it again at once on the same port; every look at its statistics is
// one connection.
func TestSandboxProcess(t *testing.T) {
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin, err := BuildProvider(t.Context(), root, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	listen := FreeLoopbackAddr(t)
	p := StartSandboxProcess(t, bin, listen, "--quiet")
	if p.URL != "http://"+listen {
		t.Errorf("URL %q, want http://%s", p.URL, listen)
	}
	first, err := p.Stats()
	if err != nil {
		t.Fatal(err)
	}
	second, err := p.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if second.Connections != first.Connections+1 {
		t.Errorf("connections %d then %d: a look is not exactly one connection", first.Connections, second.Connections)
	}
	if customers, cards := p.Contents(t); len(customers) != 0 || len(cards) != 0 {
		t.Errorf("a new sandbox holds %d customers and %d cards", len(customers), len(cards))
	}

	p.Kill()
	if _, err := p.Stats(); err == nil {
		t.Fatal("the killed sandbox still answers")
	}
	p = StartSandboxProcess(t, bin, listen, "--quiet")
	if _, err := p.Stats(); err != nil {
		t.Errorf("the restarted sandbox does not answer: %v", err)
	}
}
