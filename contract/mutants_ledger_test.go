package contract_test

import (
	"net/http"

	"github.com/plummock/plummock/contract"
)

// onQuery matches E8 calls for query.
func onQuery(query string) func(r *http.Request) bool {
	return func(r *http.Request) bool {
		return on(http.MethodPost, pAPI)(r) && objectOf(r)["query"] == query
	}
}

// ledgerOK is a made-up success of a ledger query.
func ledgerOK(name string, success bool) map[string]any {
	return map[string]any{"data": map[string]any{name: map[string]any{"error": false, "message": "ok",
		"recipients": []map[string]any{{"unique_id": 1, "success": success}}}}}
}

// answerWithout answers matching calls itself and never lets them reach the fake.
func answerWithout(next http.Handler, when func(*http.Request) bool, status int, body any) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if when(r) {
			reply(w, status, body)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ledgerMutants break E8's ledger one promise at a time.
func ledgerMutants() []mutant {
	return []mutant{
		{"send-moves-nothing", "ledger/send-moves-points", func(next http.Handler) http.Handler {
			return answerWithout(next, onQuery(contract.QuerySend), 200, ledgerOK("sendBalance", true))
		}},
		{"cancel-restores-nothing", "ledger/cancel-restores-once", func(next http.Handler) http.Handler {
			return answerWithout(next, onQuery(contract.QueryCancel), 200, ledgerOK("cancelBalance", true))
		}},
		{"second-cancel-succeeds", "ledger/cancel-restores-once", func(next http.Handler) http.Handler {
			return editResponses(next, onQuery(contract.QueryCancel), func(_ *http.Request, c *captured) {
				c.setObject(ledgerOK("cancelBalance", true))
			})
		}},
		{"overdraw-accepted", "ledger/overdraw-refused", func(next http.Handler) http.Handler {
			return editResponses(next, onQuery(contract.QuerySend), func(_ *http.Request, c *captured) {
				if c.status == http.StatusBadRequest {
					c.status = http.StatusOK
					c.setObject(ledgerOK("sendBalance", true))
				}
			})
		}},
		{"unsupported-query-answered", "ledger/unsupported-query", func(next http.Handler) http.Handler {
			return answerWithout(next, onQuery("storesAdmin.query.contract_suite_unknown"), 200, map[string]any{"data": map[string]any{}})
		}},
		{"per-query-limit-ignored", "ledger/per-query-limit", func(next http.Handler) http.Handler {
			return editResponses(next, on(http.MethodPost, pAPI), func(_ *http.Request, c *captured) {
				if c.status == http.StatusTooManyRequests {
					c.status = http.StatusOK
					c.setObject(map[string]any{"data": map[string]any{}})
				}
			})
		}},
		{"profile-ignores-refresh_path_kind", "profile/refresh-path-kind", func(next http.Handler) http.Handler {
			return ignoreProfileOption(next, "refresh_path_kind")
		}},
	}
}
