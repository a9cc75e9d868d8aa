package mockserver

import (
	"errors"
	"net/http"
	"path"
	"strings"

	"github.com/getkin/kin-openapi/routers"
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
	root.Handle(jwksPath, jwks).Methods(http.MethodGet, http.MethodHead, http.MethodOptions)
	// The admin API is routed from admin.yaml; with --admin=false only health stays (it changes
	// nothing, and container health checks use it).
	root.PathPrefix(adminPrefix + "/").HandlerFunc(s.serveAdmin)
	// A path that is not in its clean form reaches notFound rather than gorilla/mux's empty 301,
	// which a client follows with a GET, dropping the body.
	root.SkipClean(true)
	root.NotFoundHandler = http.HandlerFunc(notFound)
	root.MethodNotAllowedHandler = http.HandlerFunc(methodNotAllowed)
	return s.logRequests(s.recoverPanics(s.apiFirst(api, root)))
}

// apiFirst sends the spec's fixed paths straight to the API; everything else (the admin API,
// the JWKS, odd paths the root router cleans or refuses) goes through the root router.
func (s *Server) apiFirst(api, root http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case s.fixedRoutes.has(r.URL.Path):
			api.ServeHTTP(w, r)
		case path.Clean(r.URL.Path) != r.URL.Path && r.URL.Path != "":
			s.uncleanPath(w, r)
		default:
			root.ServeHTTP(w, r)
		}
	})
}

// uncleanPath answers a path with a doubled or trailing slash or a dot segment (a base URL
// configured with a trailing "/" gives "/chef//v1/..."): a JSON 404 that names the path meant,
// when the clean form is served. It is not served itself: the real service's answer to such a
// path is not documented, and a client that works against the mock must work against it.
func (s *Server) uncleanPath(w http.ResponseWriter, r *http.Request) {
	clean := path.Clean(r.URL.Path)
	msg := "no such endpoint: " + r.URL.Path
	if s.served(clean) {
		msg += " (did you mean " + clean + "? check the base URL for a trailing or doubled slash)"
	}
	writeError(w, apierr.New(http.StatusNotFound, "invalid_request", msg))
}

// served reports a clean path the mock answers, whatever the method.
func (s *Server) served(clean string) bool {
	if clean == jwksPath {
		return true
	}
	if p, ok := strings.CutPrefix(clean, apiPrefix); ok {
		return routeExists(s.router, p)
	}
	if p, ok := strings.CutPrefix(clean, adminPrefix); ok {
		return !s.opts.DisableAdmin && routeExists(s.admin.router, p) || p == "/health"
	}
	return false
}

// routeExists asks a spec router whether a path is one of its paths, whatever the method.
func routeExists(router routers.Router, p string) bool {
	req, err := http.NewRequest(http.MethodGet, p, nil)
	if err != nil {
		return false
	}
	_, _, err = router.FindRoute(req)
	return err == nil || errors.Is(err, routers.ErrMethodNotAllowed)
}

// jwksPath is where the mock publishes its public keys.
const jwksPath = "/.well-known/jwks.json"

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
