package contract

import (
	"encoding/json"
	"strings"
)

// ObserveKnob is Observe for an answer that sets one knob of the fake's behaviour profile:
// value is the setting (marshalled to JSON, which is also YAML), so `--profile-out` can make a
// fake behave as the target did.
func (c *C) ObserveKnob(key, question, answer, detail, knob string, value any) {
	b, err := json.Marshal(value)
	if err != nil {
		c.Fatalf("observation %s: knob %s: %v", key, knob, err)
	}
	c.observe(Observation{Key: key, Question: question, Answer: answer, Detail: detail, Knob: knob,
		Value: c.s.secrets.redact(string(b))})
}

// ObserveUnmapped is Observe for an answer no knob can express, saying why.
func (c *C) ObserveUnmapped(key, question, answer, detail, why string) {
	c.observe(Observation{Key: key, Question: question, Answer: answer, Detail: detail, NotMapped: why})
}

// observe records o, its detail redacted.
func (c *C) observe(o Observation) {
	o.Detail, o.Case = c.s.secrets.redact(o.Detail), c.name
	c.mu.Lock()
	c.obs = append(c.obs, o)
	c.mu.Unlock()
}

// byAnswer maps the categorical answers of observations recorded with plain Observe to a knob.
type byAnswer struct {
	knob    string
	answers map[string]any // answer -> setting; an answer not listed sets nothing
}

// answerKnobs are the plain observations whose answer alone decides a knob.
func answerKnobs() map[string]byAnswer {
	expiresIn := map[string]any{"the remaining seconds": "remaining", "the lifetime": "lifetime", "an epoch timestamp": "epoch"}
	lifetime := map[string]any{"fresh lifetime (sliding)": false, "keeps the first expiry (fixed)": true}
	return map[string]byAnswer{
		"validate.expired_token": {"validate_expired", map[string]any{
			"200 with expires_in <= 0": "answer", "401 invalid_token": "reject"}},
		"validate.expires_in_meaning":     {"validate_expires_in", expiresIn},
		"validate.expires_in_after_time":  {"validate_expires_in", expiresIn},
		"refresh.lifetime_on_rotation":    {"fixed_refresh_expiry", lifetime},
		"refresh.lifetime_after_rotation": {"fixed_refresh_expiry", lifetime},
		"e1.expiry_field_type":            {"expiry_format", map[string]any{"number": "number", "string": "string"}},
		"e1.old_access_after_new_e1": {"kill_old_access_on_create", map[string]any{
			"still valid": false, "rejected": true}},
	}
}

// unmappedWhy says why observations of a key (or key prefix ending in ".") set no knob.
func unmappedWhy() map[string]string {
	return map[string]string{
		"token.format":                     "the token format is the fake's own (RS256 JWT); no knob changes it",
		"user.access_lifetime":             "lifetimes are configuration, not profile: serve --user-access-ttl",
		"user.refresh_lifetime":            "lifetimes are configuration, not profile: serve --user-refresh-ttl",
		"company.access_lifetime":          "lifetimes are configuration, not profile: serve --company-access-ttl",
		"company.refresh_lifetime":         "lifetimes are configuration, not profile: serve --company-refresh-ttl",
		"company.old_access_after_refresh": "no knob: the fake keeps a refreshed pair's old access token alive until it expires",
		"race.winners":                     "no knob: exactly one of concurrent refreshes with one token wins, always",
		"validate.expiry_fields":           "no knob: E4 always returns both expiry fields while the family has a live refresh token",
		"rotation.access_after_reuse":      "follows from revoke_family_on_reuse",
		"error.":                           "an error case of the suite: compared between runs, not configured (error_answers holds the errors the fake decides itself: observe/error-answers)",
		"scope.":                           "summed up by scope.allowed (allowed_scopes)",
	}
}

// knobFor is the knob and JSON setting an observation maps to, or why it maps to none.
func knobFor(o Observation) (knob, value, why string) {
	if o.Knob != "" {
		return o.Knob, o.Value, ""
	}
	if o.NotMapped != "" {
		return "", "", o.NotMapped
	}
	if m, ok := answerKnobs()[o.Key]; ok {
		v, ok := m.answers[o.Answer]
		if !ok {
			return "", "", "no setting of " + m.knob + " answers this way"
		}
		b, _ := json.Marshal(v)
		return m.knob, string(b), ""
	}
	for k, why := range unmappedWhy() {
		if o.Key == k || strings.HasSuffix(k, ".") && strings.HasPrefix(o.Key, k) {
			return "", "", why
		}
	}
	return "", "", "no knob of the profile expresses this behaviour"
}
