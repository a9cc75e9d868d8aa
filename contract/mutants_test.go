package contract_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/plummock/plummock/contract"
)

// mutant is the fake with one deliberate deviation, and a case that must catch it.
type mutant struct {
	name     string
	caughtBy string // a case that must fail; others may fail too
	wrap     func(next http.Handler) http.Handler
}

const (
	pCreate   = contract.PathCreateUser
	pUser     = contract.PathRefreshUser
	pCompany  = contract.PathRefreshCompany
	pValidate = contract.PathValidate
	pAPI      = contract.PathAPI
)

// tokenIssuers matches the three endpoints that answer a token set.
var tokenIssuers = on(http.MethodPost, pCreate, pUser, pCompany)

func mutants() []mutant {
	var all []mutant
	for _, group := range [][]mutant{responseMutants(), stateMutants(), authMutants(), controlMutants(), ledgerMutants()} {
		all = append(all, group...)
	}
	return all
}

// responseMutants change what an answer looks like.
func responseMutants() []mutant {
	return []mutant{
		{"expiry-in-seconds", "e1/token-set", func(next http.Handler) http.Handler {
			return editJSON(next, tokenIssuers, 200, func(m map[string]any) {
				scale(m, "access_token_expiry", 0.001)
				scale(m, "refresh_token_expiry", 0.001)
			})
		}},
		{"token-type-capitalised", "e1/token-set", func(next http.Handler) http.Handler {
			return editJSON(next, tokenIssuers, 200, func(m map[string]any) { m["token_type"] = "Bearer" })
		}},
		{"access-expiry-one-second-late", "jwks/access-token-verifies", func(next http.Handler) http.Handler {
			return editJSON(next, tokenIssuers, 200, func(m map[string]any) {
				m["access_token_expiry"] = m["access_token_expiry"].(float64) + 1000
			})
		}},
		{"refresh-lifetime-one-day", "clock/refresh-token-expiry", func(next http.Handler) http.Handler {
			return editJSON(next, tokenIssuers, 200, func(m map[string]any) {
				m["refresh_token_expiry"] = m["access_token_expiry"].(float64) + 86400e3
			})
		}},
		{"error-shape-message", "errors/e2-unknown-refresh", func(next http.Handler) http.Handler {
			return editResponses(next, anyRequest, func(_ *http.Request, c *captured) {
				if m := c.object(); c.status >= 400 && m != nil && m["error"] != nil {
					c.setObject(map[string]any{"message": m["error_description"]})
				}
			})
		}},
		{"no-cache-control", "e1/token-set", func(next http.Handler) http.Handler {
			return editResponses(next, anyRequest, func(_ *http.Request, c *captured) { c.header.Del("Cache-Control") })
		}},
		{"no-www-authenticate", "errors/e4-unknown-bearer", func(next http.Handler) http.Handler {
			return editResponses(next, anyRequest, func(_ *http.Request, c *captured) { c.header.Del("WWW-Authenticate") })
		}},
		{"invalid-grant-as-invalid-request", "errors/e2-unknown-refresh", func(next http.Handler) http.Handler {
			return renameError(next, "invalid_grant", "invalid_request")
		}},
		{"unsupported-grant-as-invalid-grant", "errors/e2-wrong-grant-type", func(next http.Handler) http.Handler {
			return renameError(next, "unsupported_grant_type", "invalid_grant")
		}},
		{"unauthorized-as-403", "errors/e1-unknown-bearer", func(next http.Handler) http.Handler {
			return editResponses(next, anyRequest, func(_ *http.Request, c *captured) {
				if c.status == http.StatusUnauthorized {
					c.status = http.StatusForbidden
				}
			})
		}},
		{"wrong-balance", "e8/user-balance", func(next http.Handler) http.Handler {
			return editJSON(next, on(http.MethodPost, pAPI), 200, func(m map[string]any) {
				m["data"] = map[string]any{"user_balance": map[string]any{"success": 1, "message": nil, "data": map[string]any{"total": 1000}}}
			})
		}},
		{"validate-does-not-echo", "e4/validate-user-token", func(next http.Handler) http.Handler {
			return editJSON(next, on(http.MethodGet, pValidate), 200, func(m map[string]any) { m["access_token"] = "x" + m["access_token"].(string)[1:] })
		}},
		{"validate-expires-in-is-lifetime", "clock/validate-remaining-seconds", func(next http.Handler) http.Handler {
			return editResponses(next, on(http.MethodGet, pValidate), func(r *http.Request, c *captured) {
				exp, iat, ok := jwtClaims(bearer(r))
				if m := c.object(); ok && c.status == 200 && m != nil {
					m["expires_in"] = exp - iat
					c.setObject(m)
				}
			})
		}},
	}
}

func renameError(next http.Handler, from, to string) http.Handler {
	return editResponses(next, anyRequest, func(_ *http.Request, c *captured) {
		if m := c.object(); m != nil && m["error"] == from {
			m["error"] = to
			c.setObject(m)
		}
	})
}

// TestMutantsAreCaught proves every check can fail: the suite must reject each mutant, and the
// case named for it must be among the failures.
func TestMutantsAreCaught(t *testing.T) {
	all := mutants()
	if len(all) < 15 {
		t.Fatalf("only %d mutants; the suite must be shown to catch at least 15", len(all))
	}
	for _, m := range all {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel() // each mutant is its own fake; they share nothing
			rep, err := contract.RunSuite(t.Context(), newFake(t, m.wrap, 10), contract.Cases())
			if err != nil {
				t.Fatal(err)
			}
			var failed []string
			for _, c := range rep.Cases {
				if c.Verdict == contract.Fail {
					failed = append(failed, c.Name)
				}
			}
			if len(failed) == 0 {
				t.Fatalf("mutant %s survived: every case passed", m.name)
			}
			if !contains(failed, m.caughtBy) {
				t.Errorf("mutant %s: want %s among the failing cases, got %v", m.name, m.caughtBy, failed)
			}
			t.Logf("caught by %d cases: %s", len(failed), strings.Join(failed, ", "))
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
