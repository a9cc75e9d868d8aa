package runner

import (
	"fmt"
	"strings"

	"github.com/plummock/plummock/contract"
)

// caseLine renders one case as it finishes: verdict, name, and for a skip the reason, for a
// failure each broken expectation with the request that showed it.
func caseLine(r contract.CaseResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s", r.Verdict, r.Name)
	switch r.Verdict {
	case contract.Skip:
		fmt.Fprintf(&b, ": %s\n", r.Reason)
	case contract.Fail:
		fmt.Fprintf(&b, " (%s)\n", r.Duration)
		for _, f := range r.Failures {
			fmt.Fprintf(&b, "      %s\n", f.Message)
			if ex := f.Request; ex != nil {
				fmt.Fprintf(&b, "      request: %s %s -> %d %s\n", ex.Method, ex.Path, ex.Status, oneLine(ex.ResponseBody))
			}
		}
	default:
		fmt.Fprintf(&b, " (%s)\n", r.Duration)
	}
	return b.String()
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// header renders what was discovered about the target before the cases run.
func header(rep *contract.Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "plummock contract: %s\n", rep.Target)
	for _, k := range []string{"admin", "jwks", "restore"} {
		fmt.Fprintf(&b, "  capability %-8s %s\n", k+":", rep.Capabilities[k])
	}
	return b.String()
}

// footer renders the observations, the x-assumed tally and the closing count line.
func footer(rep *contract.Report) string {
	var b strings.Builder
	if len(rep.Observations) > 0 {
		b.WriteString("\nObservations (questions Plum's pages leave open; not pass/fail; => the profile knob each sets):\n")
		for _, o := range rep.Observations {
			knob := ""
			if o.Knob != "" {
				knob = "  => " + o.Knob + ": " + o.Value
			}
			fmt.Fprintf(&b, "  %-40s %s%s\n", o.Key, o.Answer, knob)
		}
	}
	if len(rep.Assumptions) > 0 {
		b.WriteString("\nResponses seen, by spec definition (assumed = x-assumed in openapi.yaml):\n")
		for _, a := range rep.Assumptions {
			fmt.Fprintf(&b, "  %-20s %d  %-8s seen %d, conformed %d\n", a.Operation, a.Status, assumedLabel(a.Assumed), a.Seen, a.Conformed)
		}
	}
	if rep.Aborted != "" {
		fmt.Fprintf(&b, "\nABORTED: %s\n", rep.Aborted)
	}
	pass, fail, skip := rep.Counts()
	fmt.Fprintf(&b, "\n%d passed, %d failed, %d skipped\n", pass, fail, skip)
	return b.String()
}

func assumedLabel(a bool) string {
	if a {
		return "assumed"
	}
	return "documented"
}

// differences renders a --compare result.
func differences(aName, bName string, diffs []contract.Difference) string {
	var b strings.Builder
	if len(diffs) == 0 {
		fmt.Fprintf(&b, "\nCompare: %s and %s agree on every behaviour.\n", aName, bName)
		return b.String()
	}
	fmt.Fprintf(&b, "\nCompare: %d behaviours differ (A = %s, B = %s):\n", len(diffs), aName, bName)
	for _, d := range diffs {
		fmt.Fprintf(&b, "  %s\n      A: %s\n      B: %s\n", d.Behaviour, orAbsent(d.A), orAbsent(d.B))
	}
	return b.String()
}

func orAbsent(s string) string {
	if s == "" {
		return "(absent)"
	}
	return s
}
