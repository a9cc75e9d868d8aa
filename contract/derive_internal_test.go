package contract

import (
	"strings"
	"testing"
)

// The profile file cites the first observation of a knob, lists a contradicting one as not
// mapped, nests dotted knobs, and says which knobs no observation set.
func TestProfileYAML(t *testing.T) {
	r := &Report{Target: "http://sandbox.example/chef", Observations: []Observation{
		{Key: "a.first", Answer: "remaining", Knob: "validate_expires_in", Value: `"remaining"`},
		{Key: "b.same", Answer: "remaining too", Knob: "validate_expires_in", Value: `"remaining"`},
		{Key: "c.other", Answer: "lifetime", Knob: "validate_expires_in", Value: `"lifetime"`},
		{Key: "e1.old_access_after_new_e1", Answer: "rejected"},
		{Key: "error_answer.invalid_grant", Answer: "401 invalid_token", Knob: "error_answers.invalid_grant", Value: `{"body":{"error":"x"},"status":401}`},
		{Key: "token.format", Answer: "jwt RS256"},
		{Key: "validate.expired_token", Answer: "500"},
	}}
	got := string(ProfileYAML(r))
	for _, want := range []string{
		"  # a.first: remaining\n  validate_expires_in: \"remaining\"\n",
		"  # e1.old_access_after_new_e1: rejected\n  kill_old_access_on_create: true\n",
		"  error_answers:\n    # error_answer.invalid_grant: 401 invalid_token\n    invalid_grant: {\"body\":{\"error\":\"x\"},\"status\":401}\n",
		"  # refresh_grace: not observed in this run; the fake's default applies\n",
		"  - observation: \"c.other\"\n    answer: \"lifetime\"\n    why: \"contradicts a.first, which set validate_expires_in: \\\"remaining\\\" first\"\n",
		"  - observation: \"token.format\"\n",
		"  - observation: \"validate.expired_token\"\n    answer: \"500\"\n    why: \"no setting of validate_expired answers this way\"\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("profile file lacks\n%s\ngot:\n%s", want, got)
		}
	}
	if strings.Contains(got, "b.same") && !strings.Contains(got, "observation: \"b.same\"") {
		t.Errorf("an agreeing second observation must not replace the first's citation:\n%s", got)
	}
}
