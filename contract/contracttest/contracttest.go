// Package contracttest runs the contract suite from `go test`: one subtest per case, so a Go
// project checks its own Plum fake (or plummock) with
//
//	func TestPlumContract(t *testing.T) {
//		contracttest.Run(t, contract.Target{BaseURL: srv.URL + "/chef", AdminURL: srv.URL,
//			Credentials: contract.DemoCredentials()})
//	}
//
// It is apart from package contract so that the plummock binary, which runs the suite from
// its command line, does not link package testing.
package contracttest

import (
	"context"
	"testing"

	"github.com/plummock/plummock/contract"
)

// Run runs the whole suite against target as subtests of t, one per case; a case whose
// capability the target lacks is skipped with the reason (the pattern of fstest.TestFS).
func Run(t *testing.T, target contract.Target) *contract.Report {
	t.Helper()
	ctx := context.Background()
	r, err := contract.Prepare(ctx, target)
	if err != nil {
		t.Fatalf("contract: %v", err)
	}
	for _, k := range contract.Cases() {
		t.Run(k.Name, func(t *testing.T) {
			res := r.RunCase(ctx, k)
			logResult(t, res)
		})
	}
	return r.Report()
}

func logResult(t *testing.T, res contract.CaseResult) {
	t.Helper()
	for _, o := range res.Observations {
		t.Logf("observed %s: %s (%s)", o.Key, o.Answer, o.Detail)
	}
	for _, f := range res.Failures {
		if f.Request != nil {
			t.Errorf("%s\n    request: %s %s -> %d %s", f.Message, f.Request.Method, f.Request.Path,
				f.Request.Status, f.Request.ResponseBody)
		} else {
			t.Errorf("%s", f.Message)
		}
	}
	if res.Verdict == contract.Skip {
		t.Skip(res.Reason)
	}
}
