package contract

import (
	"context"
	"testing"
)

// Run runs the whole suite against target as subtests of t, one per case; a case whose
// capability the target lacks is skipped with the reason (the pattern of fstest.TestFS).
func Run(t *testing.T, target Target) *Report {
	t.Helper()
	ctx := context.Background()
	r, err := Prepare(ctx, target)
	if err != nil {
		t.Fatalf("contract: %v", err)
	}
	for _, k := range Cases() {
		t.Run(k.Name, func(t *testing.T) {
			res := r.RunCase(ctx, k)
			logResult(t, res)
		})
	}
	return r.Report()
}

func logResult(t *testing.T, res CaseResult) {
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
	if res.Verdict == Skip {
		t.Skip(res.Reason)
	}
}
