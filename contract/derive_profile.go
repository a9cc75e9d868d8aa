package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// profileKnobs are the behaviour profile's top-level settings, in the order a profile file lists
// them; the file names each one, set or not, so a reader sees what the run left at the default.
var profileKnobs = []string{"refresh_grace", "revoke_family_on_reuse", "max_active_pairs",
	"kill_old_access_on_create", "fixed_refresh_expiry", "expiry_format", "expiry_formats",
	"validate_expires_in", "validate_expired", "refresh_path_kind", "allowed_scopes", "error_answers"}

// setting is one knob's value and the observation that set it.
type setting struct{ value, key, answer string }

// unmapped is an observation that set no knob.
type unmapped struct{ key, answer, why string }

// ProfileYAML turns a report into a behaviour profile file: YAML whose `profile:` section is
// what a fixtures file and `plummock serve --profile` accept (every value is JSON, so the same
// section converted to JSON is a body for PUT /__admin/profile), then `not_mapped:`, the
// observations no knob expresses and why. When two observations set one knob differently the
// first (by key) wins and the other is listed as not mapped.
func ProfileYAML(r *Report) []byte {
	set, missed := deriveSettings(r.Observations)
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Behaviour profile derived by `plummock contract --profile-out` from a run against\n# %s started %s.\n", oneLine(r.Target), r.Started)
	b.WriteString("# Start a fake that behaves the same: plummock serve --profile THIS_FILE\n")
	b.WriteString("profile:\n")
	for _, k := range profileKnobs {
		writeKnob(&b, k, set)
	}
	if len(missed) == 0 {
		return b.Bytes()
	}
	b.WriteString("not_mapped:\n")
	for _, m := range missed {
		fmt.Fprintf(&b, "  - observation: %s\n    answer: %s\n    why: %s\n", quote(m.key), quote(m.answer), quote(m.why))
	}
	return b.Bytes()
}

// deriveSettings maps each observation to its knob (knobFor), in the report's key order.
func deriveSettings(obs []Observation) (map[string]setting, []unmapped) {
	set := map[string]setting{}
	var missed []unmapped
	for _, o := range obs {
		knob, value, why := knobFor(o)
		if prev, ok := set[knob]; knob != "" && ok && prev.value != value {
			why = fmt.Sprintf("contradicts %s, which set %s: %s first", prev.key, knob, prev.value)
			knob = ""
		}
		if knob == "" {
			missed = append(missed, unmapped{o.Key, o.Answer, why})
			continue
		}
		if _, ok := set[knob]; !ok { // the first observation of a knob is the one the file cites
			set[knob] = setting{value, o.Key, o.Answer}
		}
	}
	return set, missed
}

// writeKnob writes one top-level knob: its value, or its nested settings (dotted knobs), or a
// comment that no observation set it.
func writeKnob(b *bytes.Buffer, knob string, set map[string]setting) {
	if s, ok := set[knob]; ok {
		fmt.Fprintf(b, "  # %s: %s\n  %s: %s\n", s.key, oneLine(s.answer), knob, s.value)
		return
	}
	var subs []string
	for k := range set {
		if strings.HasPrefix(k, knob+".") {
			subs = append(subs, k)
		}
	}
	if len(subs) == 0 {
		fmt.Fprintf(b, "  # %s: not observed in this run; the fake's default applies\n", knob)
		return
	}
	sort.Strings(subs)
	fmt.Fprintf(b, "  %s:\n", knob)
	for _, k := range subs {
		s := set[k]
		fmt.Fprintf(b, "    # %s: %s\n    %s: %s\n", s.key, oneLine(s.answer), strings.TrimPrefix(k, knob+"."), s.value)
	}
}

// quote writes s as a JSON string, which YAML reads as a double-quoted scalar.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// oneLine keeps a comment on one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
