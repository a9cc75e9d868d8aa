package mockserver

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/plummock/plummock/mockserver/apierr"
)

// DefaultCORSOrigins let a frontend on any local port call the mock, over http or https.
func DefaultCORSOrigins() []string {
	return []string{"http://localhost:*", "http://127.0.0.1:*", "https://localhost:*", "https://127.0.0.1:*"}
}

// corsPolicy answers browsers: which origins may call the API, with which methods and headers.
type corsPolicy struct {
	any      bool
	patterns []originPattern
}

// originPattern is scheme://host with an exact port or any port.
type originPattern struct {
	scheme, host, port string // port "*" = any
}

func newCORSPolicy(origins []string) (*corsPolicy, error) {
	if origins == nil {
		origins = DefaultCORSOrigins()
	}
	p := &corsPolicy{}
	for _, o := range origins {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		if o == "*" {
			p.any = true
			continue
		}
		pat, err := parseOriginPattern(o)
		if err != nil {
			return nil, err
		}
		p.patterns = append(p.patterns, pat)
	}
	return p, nil
}

func parseOriginPattern(o string) (originPattern, error) {
	u, err := url.Parse(strings.Replace(o, ":*", ":0", 1))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return originPattern{}, fmt.Errorf("CORS origin %q: want scheme://host[:port] or scheme://host:*", o)
	}
	port := u.Port()
	if strings.HasSuffix(o, ":*") {
		port = "*"
	}
	return originPattern{scheme: u.Scheme, host: u.Hostname(), port: port}, nil
}

// allows reports whether origin may call, and whether it matched exactly (credentials are only
// ever allowed for an origin we echo, never with "*").
func (p *corsPolicy) allows(origin string) (ok, exact bool) {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false, false
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	for _, pat := range p.patterns {
		if pat.scheme == u.Scheme && strings.EqualFold(pat.host, u.Hostname()) && (pat.port == "*" || pat.port == port) {
			return true, true
		}
	}
	return p.any, false
}

// corsHeaders lists what a browser may send and read.
const (
	corsAllowHeaders  = "Authorization, Content-Type, X-Request-Id"
	corsExposeHeaders = "WWW-Authenticate, X-Request-Id, Plummock-Reason"
	corsMaxAge        = 600
)

// withCORS answers preflights and marks responses for allowed origins. allowMethods names the
// methods of the requested path.
func (s *Server) withCORS(next http.Handler, allowMethods func(path string) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", "Origin")
		ok, exact := s.cors.allows(origin)
		if ok {
			setAllowOrigin(w.Header(), origin, exact)
		}
		if isPreflight(r) {
			preflight(w, ok, allowMethods(r.URL.Path), r.Header.Values("Access-Control-Request-Headers"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func setAllowOrigin(h http.Header, origin string, exact bool) {
	h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
	if exact {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Credentials", "true")
		return
	}
	h.Set("Access-Control-Allow-Origin", "*")
}

func preflight(w http.ResponseWriter, ok bool, methods string, requested []string) {
	h := w.Header()
	h.Add("Vary", "Access-Control-Request-Method")
	h.Add("Vary", "Access-Control-Request-Headers")
	if !ok || methods == "" {
		writeError(w, apierr.New(http.StatusForbidden, "access_denied", "origin or path not allowed for cross-origin calls"))
		return
	}
	h.Set("Access-Control-Allow-Methods", methods+", OPTIONS")
	h.Set("Access-Control-Allow-Headers", allowHeaders(requested))
	h.Set("Access-Control-Max-Age", strconv.Itoa(corsMaxAge))
	w.WriteHeader(http.StatusNoContent)
}

// maxRequestedHeaders bounds what a preflight may ask for; browsers ask for a handful.
const maxRequestedHeaders = 32

// allowHeaders allows what a preflight asks for when each is a plausible header name (an RFC
// 9110 token of at most 64 bytes): tracing headers such as Sentry's sentry-trace and baggage,
// or W3C traceparent, ride along on real clients' calls. Anything else is left out, and the
// browser then refuses the call itself.
func allowHeaders(requested []string) string {
	out := corsAllowHeaders
	n := 0
	for _, line := range requested {
		for _, name := range strings.Split(line, ",") {
			name = strings.ToLower(strings.TrimSpace(name))
			if n < maxRequestedHeaders && isHeaderName(name) {
				out += ", " + name
				n++
			}
		}
	}
	return out
}

func isHeaderName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// refuseBrowserAdmin answers a browser's call (or preflight) to the admin API from another
// origin with the real reason. The refusal itself may be read by an origin the API allows, so
// a frontend can show it; nothing else of the admin API ever is.
func (s *Server) refuseBrowserAdmin(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	if ok, exact := s.cors.allows(origin); ok && origin != "" {
		w.Header().Add("Vary", "Origin")
		setAllowOrigin(w.Header(), origin, exact)
	}
	e := apierr.New(http.StatusForbidden, "access_denied", "admin API: cross-origin browser calls are refused, whatever the origin, "+
		"so no web page can move the clock, kill tokens or inject faults. Call /__admin from a script, a test or your dev server's "+
		"backend (anything that sends no Origin header), or from a page served on the mock's own host and port; there is no switch that allows browsers")
	e.Reason = "cross-origin admin call from " + headerSafe(origin)
	writeError(w, e)
}

// isPreflight reports a browser's CORS preflight: OPTIONS with an Origin and the method asked for.
func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != "" && r.Header.Get("Access-Control-Request-Method") != ""
}
