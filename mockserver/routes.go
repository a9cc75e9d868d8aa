package mockserver

import (
	"net/http"

	"github.com/gorilla/mux"
	"github.com/plummock/plummock/mockserver/apierr"
)

// routes assembles the listener's handler: the spec-routed API under /chef, the admin API and
// the JWKS beside it, all behind request logging and panic recovery.
func (s *Server) routes() http.Handler {
	root := mux.NewRouter()
	root.PathPrefix("/chef/").Handler(http.StripPrefix("/chef", http.HandlerFunc(s.serveAPI)))
	root.Handle("/.well-known/jwks.json", http.HandlerFunc(s.serveJWKS)).Methods(http.MethodGet, http.MethodHead)
	if !s.opts.DisableAdmin {
		s.adminRoutes(root)
	}
	root.NotFoundHandler = http.HandlerFunc(notFound)
	root.MethodNotAllowedHandler = http.HandlerFunc(methodNotAllowed)
	return s.logRequests(s.recoverPanics(root))
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
