package contract_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/plummock/plummock/contract"
	"github.com/plummock/plummock/contract/contracttest"
	"github.com/plummock/plummock/mockserver"
)

// newFake starts the real fake in process with a handler wrapper (identity for the plain fake,
// a deviation for a mutant) and returns a Target for it.
func newFake(t *testing.T, wrap func(http.Handler) http.Handler, n int) contract.Target {
	t.Helper()
	return newFakeWith(t, mockserver.Options{Strict: true}, wrap, n)
}

// newFakeWith is newFake with chosen server options.
func newFakeWith(t *testing.T, opts mockserver.Options, wrap func(http.Handler) http.Handler, n int) contract.Target {
	t.Helper()
	srv, err := mockserver.New(opts)
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
	rep := contracttest.Run(t, newFake(t, nil, 100))
	if pass, fail, skip := rep.Counts(); fail > 0 || skip > 0 {
		t.Errorf("against the fake: %d passed, %d failed, %d skipped; want no failure and no skip", pass, fail, skip)
	}
}

// A fake whose clock someone moved (the README walkthrough advances it 361 h) still passes, and
// the suite leaves the clock as it found it.
func TestFakeWithMovedClock(t *testing.T) {
	target := newFake(t, nil, 10)
	advance := func() {
		resp, err := target.Client.Post(target.AdminURL+"/__admin/clock/advance", "application/json",
			strings.NewReader(`{"duration":"361h"}`))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("advance: %v %v", err, resp)
		}
		resp.Body.Close()
	}
	advance()
	rep, err := contract.RunSuite(t.Context(), target, contract.Cases())
	if err != nil || rep.Failed() {
		for _, c := range rep.Cases {
			if c.Verdict == contract.Fail {
				t.Logf("%s: %+v", c.Name, c.Failures)
			}
		}
		t.Fatalf("suite against a moved clock: err %v, %d failed", err, failedCount(rep))
	}
	resp, err := target.Client.Get(target.AdminURL + "/__admin/clock")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var k contract.Clock
	_ = json.NewDecoder(resp.Body).Decode(&k)
	if k.OffsetMS != (361*time.Hour).Milliseconds() || k.Frozen {
		t.Errorf("clock left at offset %s frozen=%v, want 361h running", k.Offset, k.Frozen)
	}
}

func failedCount(rep *contract.Report) int {
	if rep == nil {
		return -1
	}
	_, fail, _ := rep.Counts()
	return fail
}
