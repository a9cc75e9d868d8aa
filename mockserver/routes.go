package mockserver

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"
	"github.com/plummock/plummock/mockserver/apierr"
)

// routes assembles the listener's handler: the spec-routed API under /chef, the admin API and
// the JWKS beside it, all behind request logging and panic recovery.
func (s *Server) routes() http.Handler {
	root := mux.NewRouter()
	api := s.withCORS(s.journalCalls(http.HandlerFunc(s.serveAPI)), func(path string) string {
		return s.allowedMethods(strings.TrimPrefix(path, apiPrefix))
	})
	root.PathPrefix(apiPrefix + "/").Handler(api)
	jwks := s.withCORS(http.HandlerFunc(s.serveJWKS), func(string) string { return "GET, HEAD" })
	root.Handle("/.well-known/jwks.json", jwks).Methods(http.MethodGet, http.MethodHead, http.MethodOptions)
	// Health stays with --admin=false: it changes nothing, and container health checks use it.
	root.HandleFunc(adminPrefix+"/health", s.adminHealth).Methods(http.MethodGet)
	if !s.opts.DisableAdmin {
		s.adminRoutes(root)
	}
	root.NotFoundHandler = http.HandlerFunc(notFound)
	root.MethodNotAllowedHandler = http.HandlerFunc(methodNotAllowed)
	return s.logRequests(s.recoverPanics(s.apiFirst(api, root)))
}

// apiFirst sends the spec's fixed paths straight to the API; everything else (the admin API,
// the JWKS, odd paths the root router cleans or refuses) goes through the root router.
func (s *Server) apiFirst(api, root http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.fixedRoutes.has(r.URL.Path) {
			api.ServeHTTP(w, r)
			return
		}
		root.ServeHTTP(w, r)
	})
}

func notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, apierr.New(http.StatusNotFound, "invalid_request", "no such endpoint: "+r.URL.Path))
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	writeError(w, apierr.New(http.StatusMethodNotAllowed, "invalid_request", "method "+r.Method+" is not allowed on this path"))
}

// serveJWKS publishes the public keys so clients can verify the mock's tokens.
func (s *Server) serveJWKS(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.keys.JWKS())
}
