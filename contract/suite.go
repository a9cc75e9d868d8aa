package contract

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Cases returns the whole suite, in the order it runs. Each call builds fresh values, so a
// caller may filter or reorder them freely.
func Cases() []Case {
	var all []Case
	for _, group := range [][]Case{tokenCases(), validateCases(), errorCases(), jwksCases(),
		clockCases(), raceCases(), observationCases(), profileCases(), loopProfileCases(), faultCases(), scenarioCases(),
		ledgerCases(), companyCases(), companyObservationCases()} {
		all = append(all, group...)
	}
	return all
}

// Select keeps the cases whose name matches pattern (a regular expression, as go test -run);
// an empty pattern keeps all.
func Select(cases []Case, pattern string) ([]Case, error) {
	if pattern == "" {
		return cases, nil
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("--only: %w", err)
	}
	var out []Case
	for _, k := range cases {
		if re.MatchString(k.Name) {
			out = append(out, k)
		}
	}
	return out, nil
}

// ErrUnreachable wraps the failure of the first request: nothing answers at the base URL.
type ErrUnreachable struct {
	URL string
	Err error
}

func (e *ErrUnreachable) Error() string { return "cannot reach " + e.URL + ": " + e.Err.Error() }
func (e *ErrUnreachable) Unwrap() error { return e.Err }

// Runner is a prepared run: the target reached and its capabilities discovered.
type Runner struct {
	s      *session
	report *Report
}

// Prepare checks that something answers at the base URL and discovers the capabilities. It
// fails with *ErrUnreachable when nothing does.
func Prepare(ctx context.Context, t Target) (*Runner, error) {
	s, err := newSession(t)
	if err != nil {
		return nil, err
	}
	if _, err := s.send(ctx, Request{Method: http.MethodGet, Path: PathValidate}); err != nil {
		return nil, &ErrUnreachable{URL: redactURL(t.BaseURL), Err: err}
	}
	s.discover(ctx)
	r := &Report{Target: redactURL(t.BaseURL), Started: time.Now().UTC().Format(time.RFC3339),
		Capabilities: map[string]string{}}
	for _, c := range []Capability{CapAdmin, CapJWKS, CapRestore} {
		if ok, why := s.has(c); ok {
			r.Capabilities[string(c)] = "yes"
		} else {
			r.Capabilities[string(c)] = "no: " + why
		}
	}
	return &Runner{s: s, report: r}, nil
}

// Missing returns why k cannot run on this target, or "" when it can.
func (r *Runner) Missing(k Case) string {
	for _, need := range k.Needs {
		if ok, why := r.s.has(need); !ok {
			return fmt.Sprintf("needs %s: %s", need, why)
		}
	}
	if err := r.s.abortErr(); err != nil {
		return err.Error()
	}
	return ""
}

// RunCase runs one case (or records it skipped) and adds its result to the report.
func (r *Runner) RunCase(ctx context.Context, k Case) CaseResult {
	res := CaseResult{Name: k.Name, Doc: k.Doc, Verdict: Skip, Reason: r.Missing(k)}
	if res.Reason == "" {
		res = runCase(ctx, r.s, k)
	}
	r.report.Cases = append(r.report.Cases, res)
	return res
}

// Report finishes and returns the run's report.
func (r *Runner) Report() *Report {
	if err := r.s.abortErr(); err != nil {
		r.report.Aborted = err.Error()
	}
	r.report.finish()
	return r.report
}

// RunSuite runs the given cases against t and returns the report.
func RunSuite(ctx context.Context, t Target, cases []Case) (*Report, error) {
	r, err := Prepare(ctx, t)
	if err != nil {
		return nil, err
	}
	for _, k := range cases {
		if ctx.Err() != nil {
			break
		}
		r.RunCase(ctx, k)
	}
	return r.Report(), nil
}

// redactURL drops user info and query from a URL meant for a report.
func redactURL(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	if i := strings.Index(u, "@"); i >= 0 {
		if j := strings.Index(u, "://"); j >= 0 && j < i {
			u = u[:j+3] + u[i+1:]
		}
	}
	return u
}
