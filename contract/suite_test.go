package contract_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/plummock/plummock/contract"
	"github.com/plummock/plummock/mockserver"
)

// newFake starts the real fake in process with a handler wrapper (identity for the plain fake,
// a deviation for a mutant) and returns a Target for it.
func newFake(t *testing.T, wrap func(http.Handler) http.Handler, n int) contract.Target {
	t.Helper()
	srv, err := mockserver.New(mockserver.Options{Strict: true})
	if err != nil {
		t.Fatalf("mockserver.New: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	h := srv.Handler()
	if wrap != nil {
		h = wrap(h)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	bal := contract.DemoBalance
	return contract.Target{BaseURL: ts.URL + "/chef", AdminURL: ts.URL, Credentials: contract.DemoCredentials(),
		Concurrency: n, ExpectedBalance: &bal, Client: ts.Client()}
}

// TestFake runs the whole suite against the unmodified fake: every case must pass, none skip.
func TestFake(t *testing.T) {
	rep := contract.Run(t, newFake(t, nil, 100))
	if pass, fail, skip := rep.Counts(); fail > 0 || skip > 0 {
		t.Errorf("against the fake: %d passed, %d failed, %d skipped; want no failure and no skip", pass, fail, skip)
	}
}
