package contract_test

import (
	"net/http"

	"github.com/plummock/plummock/contract"
	"github.com/plummock/plummock/redact"
)

// authMutants let through bearers the contract says must be refused.
func authMutants() []mutant {
	company := "Bearer " + contract.DemoCredentials().CompanyToken
	return []mutant{
		{"missing-auth-accepted", "errors/e1-missing-bearer", func(next http.Handler) http.Handler {
			return swapAuth(next, pCreate, func(r *http.Request) bool { return r.Header.Get("Authorization") == "" }, company)
		}},
		{"user-token-accepted-on-e1", "errors/e1-user-token", func(next http.Handler) http.Handler {
			return swapAuth(next, pCreate, func(r *http.Request) bool { return redact.LooksLikeJWT(bearer(r)) }, company)
		}},
	}
}

// swapAuth replaces the Authorization header of matching POSTs to path with auth.
func swapAuth(next http.Handler, path string, when func(*http.Request) bool, auth string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if on(http.MethodPost, path)(r) && when(r) {
			r = r.Clone(r.Context())
			r.Header.Set("Authorization", auth)
		}
		next.ServeHTTP(w, r)
	})
}
