package contract_test

import (
	"net/http"
	"strings"
	"sync"
)

// controlMutants break the fake's control plane (issue 4): a profile option that does nothing,
// a scenario answered with the wrong body or not run at all, a fault preset with the wrong
// status or body, a fault or rate limit that counts wrong.
func controlMutants() []mutant {
	return append(profileMutants(), append(scenarioMutants(), faultMutants()...)...)
}

// profileMutants each ignore one profile option while reporting it set, so only the behaviour
// the profile case observes can tell.
func profileMutants() []mutant {
	var out []mutant
	for _, field := range []string{"refresh_grace", "revoke_family_on_reuse", "max_active_pairs",
		"kill_old_access_on_create", "fixed_refresh_expiry", "expiry_format", "validate_expires_in",
		"validate_expired", "expiry_formats", "allowed_scopes", "error_answers"} {
		caughtBy := "profile/" + strings.ReplaceAll(field, "_", "-")
		out = append(out, mutant{"profile-ignores-" + field, caughtBy, func(next http.Handler) http.Handler {
			return ignoreProfileOption(next, field)
		}})
	}
	return out
}

// ignoreProfileOption drops field from every PUT /__admin/profile (so the default applies) and
// echoes it back as if it had been applied.
func ignoreProfileOption(next http.Handler, field string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPut || r.URL.Path != "/__admin/profile" {
			next.ServeHTTP(w, r)
			return
		}
		sent := objectOf(r)
		want, had := sent[field]
		delete(sent, field)
		c := capture(next, withBody(r, sent))
		if m := c.object(); had && c.status == http.StatusOK && m != nil {
			m[field] = want
			c.setObject(m)
		}
		c.write(w)
	})
}

func scenarioMutants() []mutant {
	return []mutant{
		{"password-reset-as-invalid-token", "scenario/password-reset", func(next http.Handler) http.Handler {
			return editResponses(next, anyRequest, func(_ *http.Request, c *captured) {
				if m := c.object(); m != nil && m["error_message_id"] == "auth.token_error" {
					c.setObject(map[string]any{"error": "invalid_token", "error_description": "invalid/expired token"})
				}
			})
		}},
		{"other-super-admin-not-run", "scenario/other-super-admin", func(next http.Handler) http.Handler {
			return skipScenario(next, "other_super_admin")
		}},
		{"disabled-user-as-invalid-token", "scenario/user-disabled", func(next http.Handler) http.Handler {
			return editResponses(next, anyRequest, func(_ *http.Request, c *captured) {
				if m := c.object(); m != nil && m["errorId"] == "PIPE10015" {
					c.setObject(map[string]any{"error": "invalid_token", "error_description": "invalid/expired token"})
				}
			})
		}},
		{"company-disabled-as-user-disabled", "scenario/company-disabled", func(next http.Handler) http.Handler {
			return renameBusiness(next, "PIPE10016", "PIPE10015")
		}},
		{"ip-block-never-lifted", "scenario/ip-not-allowed", func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodDelete && r.URL.Path == "/__admin/scenarios" {
					reply(w, http.StatusOK, map[string]any{"blocks": []any{}})
					return
				}
				next.ServeHTTP(w, r)
			})
		}},
		{"regenerate-not-run", "scenario/regenerate", func(next http.Handler) http.Handler {
			return skipScenario(next, "regenerate")
		}},
	}
}

// skipScenario answers POST /__admin/scenarios/{name} as if it had run, without running it.
func skipScenario(next http.Handler, name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/__admin/scenarios/"+name {
			reply(w, http.StatusOK, map[string]any{"scenario": name, "revoked": 0, "blocked": false})
			return
		}
		next.ServeHTTP(w, r)
	})
}

func renameBusiness(next http.Handler, from, to string) http.Handler {
	return editResponses(next, anyRequest, func(_ *http.Request, c *captured) {
		if m := c.object(); m != nil && m["errorId"] == from {
			m["errorId"] = to
			c.setObject(m)
		}
	})
}

func faultMutants() []mutant {
	return []mutant{
		{"rate-limited-as-per-api-body", "fault/rate-limited", editStatus(429, func(m map[string]any) {
			if m["message"] != nil {
				clear(m)
				m["errors"] = []any{map[string]any{"message": "auth.request_limit_exceeded", "penaltySeconds": 60}}
			}
		})},
		{"per-api-limit-without-penalty", "fault/per-api-limit", editStatus(429, func(m map[string]any) {
			if errs, ok := m["errors"].([]any); ok && len(errs) > 0 {
				delete(errs[0].(map[string]any), "penaltySeconds")
			}
		})},
		{"server-error-as-503", "fault/500", func(next http.Handler) http.Handler {
			return editResponses(next, anyRequest, func(_ *http.Request, c *captured) {
				if c.status == http.StatusInternalServerError {
					c.status = http.StatusServiceUnavailable
				}
			})
		}},
		{"bad-gateway-as-500", "fault/502", func(next http.Handler) http.Handler {
			return editResponses(next, anyRequest, func(_ *http.Request, c *captured) {
				if c.status == http.StatusBadGateway {
					c.status = http.StatusInternalServerError
					c.setObject(map[string]any{"error": "server_error", "error_description": "internal error"})
				}
			})
		}},
		{"unavailable-without-description", "fault/503", editStatus(503, func(m map[string]any) { delete(m, "error_description") })},
		{"fault-count-off-by-one", "fault/count-and-scope", faultCountPlusOne},
		{"faulted-refresh-consumes-token", "fault/count-and-scope", consumeOnFault},
		{"rate-limit-ignored", "fault/rate-limit", ignoreRateLimits},
	}
}

// editStatus edits the JSON body of every answer with the given status.
func editStatus(status int, edit func(m map[string]any)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler { return editJSON(next, anyRequest, status, edit) }
}

// faultCountPlusOne stores every counted fault with one call more than asked, and reports the
// count asked for.
func faultCountPlusOne(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/__admin/faults" {
			next.ServeHTTP(w, r)
			return
		}
		rule := objectOf(r)
		n, ok := rule["count"].(float64)
		if ok {
			rule["count"] = n + 1
		}
		c := capture(next, withBody(r, rule))
		if m := c.object(); ok && m != nil {
			m["count"], m["remaining"] = n, n
			c.setObject(m)
		}
		c.write(w)
	})
}

// consumeOnFault makes a refresh refused by a fault count as a use of the token: once a token
// got a 429, a later success for it is turned into invalid_grant.
func consumeOnFault(next http.Handler) http.Handler {
	var mu sync.Mutex
	refused := map[string]bool{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !on(http.MethodPost, pUser)(r) {
			next.ServeHTTP(w, r)
			return
		}
		tok := bodyOf(r)["refresh_token"]
		c := capture(next, r)
		mu.Lock()
		switch {
		case c.status == http.StatusTooManyRequests:
			refused[tok] = true
		case c.status == http.StatusOK && refused[tok]:
			c.status = http.StatusBadRequest
			c.setObject(map[string]any{"error": "invalid_grant", "error_description": "refresh token already used"})
		}
		mu.Unlock()
		c.write(w)
	})
}

// ignoreRateLimits accepts POST /__admin/ratelimits and reports the limit in force, but never
// installs it.
func ignoreRateLimits(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/__admin/ratelimits") {
			next.ServeHTTP(w, r)
			return
		}
		rl := objectOf(r)
		list := []any{}
		if n, _ := rl["per_minute"].(float64); n > 0 {
			list = append(list, rl)
		}
		reply(w, http.StatusOK, map[string]any{"rate_limits": list})
	})
}
