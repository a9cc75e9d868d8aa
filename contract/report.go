package contract

import (
	"fmt"
	"sort"
)

// Verdict is a case's outcome.
type Verdict string

// The three verdicts, as printed.
const (
	Pass Verdict = "PASS"
	Fail Verdict = "FAIL"
	Skip Verdict = "SKIP"
)

// Exchange is one request and its answer as the report shows it: secrets fingerprinted.
type Exchange struct {
	Method       string `json:"method"`
	Path         string `json:"path"`
	RequestBody  string `json:"request_body,omitempty"`
	Status       int    `json:"status"`
	ResponseBody string `json:"response_body,omitempty"`
	Operation    string `json:"operation,omitempty"`
	// Assumed: the response definition openapi.yaml matched is x-assumed (plummock's guess).
	Assumed   bool   `json:"assumed,omitempty"`
	SpecError string `json:"spec_error,omitempty"`
}

// Failure is one broken expectation and, when there is one, the request that showed it.
type Failure struct {
	Message string    `json:"message"`
	Request *Exchange `json:"request,omitempty"`
}

// Observation answers one question Plum's pages leave open with what the target did.
type Observation struct {
	Key      string `json:"key"`
	Question string `json:"question"`
	Answer   string `json:"answer"`
	Detail   string `json:"detail,omitempty"`
	Case     string `json:"case"`
	// Knob is the behaviour-profile setting the answer maps to (a dotted YAML path such as
	// error_answers.invalid_grant) and Value its setting as JSON; empty when the answer sets none
	// or is mapped by its key alone (see knobFor).
	Knob  string `json:"knob,omitempty"`
	Value string `json:"value,omitempty"`
	// NotMapped says why no knob can express this answer.
	NotMapped string `json:"not_mapped,omitempty"`
}

// CaseResult is one case's outcome with its evidence.
type CaseResult struct {
	Name         string        `json:"name"`
	Doc          string        `json:"doc,omitempty"`
	Verdict      Verdict       `json:"verdict"`
	Reason       string        `json:"reason,omitempty"`
	Duration     string        `json:"duration,omitempty"`
	Failures     []Failure     `json:"failures,omitempty"`
	Observations []Observation `json:"observations,omitempty"`
	Exchanges    []Exchange    `json:"exchanges,omitempty"`
}

// Assumption tallies the responses that matched one response definition of the spec, so a run
// against the real service shows which x-assumed statuses and shapes held.
type Assumption struct {
	Operation string `json:"operation"`
	Status    int    `json:"status"`
	Assumed   bool   `json:"assumed"`
	Seen      int    `json:"seen"`
	Conformed int    `json:"conformed"`
}

// Report is a whole run; its JSON form is what --json writes and --compare reads.
type Report struct {
	Target       string            `json:"target"`
	Started      string            `json:"started"`
	Capabilities map[string]string `json:"capabilities"`
	Cases        []CaseResult      `json:"cases"`
	Observations []Observation     `json:"observations"`
	Assumptions  []Assumption      `json:"assumptions"`
	Aborted      string            `json:"aborted,omitempty"`
}

// Counts returns how many cases passed, failed and were skipped.
func (r *Report) Counts() (pass, fail, skip int) {
	for _, c := range r.Cases {
		switch c.Verdict {
		case Pass:
			pass++
		case Fail:
			fail++
		case Skip:
			skip++
		}
	}
	return pass, fail, skip
}

// Failed reports whether any case failed or the run was aborted.
func (r *Report) Failed() bool {
	_, fail, _ := r.Counts()
	return fail > 0 || r.Aborted != ""
}

// Case returns the named case's result, or nil.
func (r *Report) Case(name string) *CaseResult {
	for i := range r.Cases {
		if r.Cases[i].Name == name {
			return &r.Cases[i]
		}
	}
	return nil
}

// finish (idempotent) gathers observations and the assumption tally from the cases, in a stable order.
func (r *Report) finish() {
	r.Observations, r.Assumptions = nil, nil
	tally := map[string]*Assumption{}
	for _, c := range r.Cases {
		r.Observations = append(r.Observations, c.Observations...)
		for _, ex := range c.Exchanges {
			if ex.Operation == "" {
				continue
			}
			k := fmt.Sprintf("%s %d", ex.Operation, ex.Status)
			a := tally[k]
			if a == nil {
				a = &Assumption{Operation: ex.Operation, Status: ex.Status, Assumed: ex.Assumed}
				tally[k] = a
			}
			a.Seen++
			if ex.SpecError == "" {
				a.Conformed++
			}
		}
	}
	sort.SliceStable(r.Observations, func(i, j int) bool { return r.Observations[i].Key < r.Observations[j].Key })
	for _, a := range tally {
		r.Assumptions = append(r.Assumptions, *a)
	}
	sort.Slice(r.Assumptions, func(i, j int) bool {
		ai, aj := r.Assumptions[i], r.Assumptions[j]
		return ai.Operation < aj.Operation || ai.Operation == aj.Operation && ai.Status < aj.Status
	})
}
