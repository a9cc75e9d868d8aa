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

// routes assembles the listener's handler: every step a request passes, outermost first. This
// is the one place the chain is put together.
func (s *Server) routes() http.Handler {
	// The real API under /chef: answer browsers' preflights and mark allowed origins, journal
	// every call (redacted), then route from openapi.yaml, check, and run the operation.
	api := s.withCORS(s.journalCalls(http.HandlerFunc(s.serveAPI)), s.apiMethods)
	return s.withShared( // with a shared store: pull the state first, save it before the answer
		s.trackRequests( // request id and start in the context, the one writer wrapper, the access log
			s.recoverPanics( // a panic becomes a JSON 500 and an error line
				s.apiFirst(api, // the spec's fixed paths straight to the API
					s.rootRouter(api))))) // the admin API, the JWKS, and every other path
}

// apiMethods names the methods openapi.yaml declares for an API path, for CORS.
func (s *Server) apiMethods(path string) string {
	return s.allowedMethods(strings.TrimPrefix(path, apiPrefix))
}

// rootRouter routes what apiFirst does not: the API's other paths, the JWKS, the admin API,
// and a JSON 404 or 405 for the rest.
func (s *Server) rootRouter(api http.Handler) http.Handler {
	root := mux.NewRouter()
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
	return root
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
