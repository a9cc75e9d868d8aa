package mockserver

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/gorilla/mux"
	"github.com/plummock/plummock/mockserver/apierr"
	"github.com/plummock/plummock/mockserver/clock"
	"github.com/plummock/plummock/mockserver/jsonbody"
)

// adminRoutes mounts the admin API (design.md). Health is open; the rest is guarded.
func (s *Server) adminRoutes(r *mux.Router) {
	s.adminEndpoints = append(s.adminEndpoints, "GET /health") // mounted by routes, always
	guarded := func(path string, h http.HandlerFunc, methods ...string) {
		r.Handle(adminPrefix+path, s.guardAdmin(h)).Methods(methods...)
		for _, m := range methods {
			s.adminEndpoints = append(s.adminEndpoints, m+" "+path)
		}
	}
	guarded("/clock", s.adminClock, http.MethodGet)
	guarded("/clock/advance", s.adminClockAdvance, http.MethodPost)
	guarded("/clock/set", s.adminClockSet, http.MethodPost)
	for _, action := range []string{"freeze", "unfreeze", "reset"} {
		guarded("/clock/"+action, s.adminClockAction(action), http.MethodPost)
	}
	guarded("/reset", s.adminReset, http.MethodPost)
	r.PathPrefix(adminPrefix + "/").Methods(http.MethodOptions).HandlerFunc(s.refuseBrowserAdmin) // preflights (cors.go)
	s.controlRoutes(guarded)
	s.inspectRoutes(guarded)
}

// adminPrefix is where the admin API lives on the mock's listener (design.md).
const adminPrefix = "/__admin"

func (s *Server) adminHealth(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// guardAdmin lets through a caller with the admin token or, when none is configured, a loopback
// caller that also names a loopback host (which defeats DNS rebinding from a browser).
func (s *Server) guardAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if crossOrigin(r) {
			s.refuseBrowserAdmin(w, r)
			return
		}
		if !s.adminAllowed(r) {
			e := apierr.New(http.StatusUnauthorized, "invalid_token", "admin API: a valid admin token is required")
			if s.opts.AdminToken == "" {
				e = apierr.New(http.StatusForbidden, "access_denied", "admin API: only loopback callers with a loopback Host")
			} else {
				e.Challenge = `Bearer realm="plummock-admin"`
			}
			writeError(w, e)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) adminAllowed(r *http.Request) bool {
	if crossOrigin(r) {
		return false
	}
	if s.opts.AdminToken != "" {
		tok, ok := bearerToken(r)
		return ok && subtle.ConstantTimeCompare([]byte(tok), []byte(s.opts.AdminToken)) == 1
	}
	return isLoopbackAddr(r.RemoteAddr) && isLoopbackHost(r.Host)
}

// crossOrigin reports a browser call from another origin. Such a "simple" POST (no body, no
// preflight) would otherwise reach the admin API from any web page the developer visits, since
// the browser sends a loopback Host; command-line clients send no Origin.
func crossOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	u, err := url.Parse(origin)
	return err != nil || !strings.EqualFold(u.Host, r.Host)
}

func isLoopbackAddr(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func isLoopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// clockBody is the admin API's view of the clock.
type clockBody struct {
	Now      string `json:"now"`
	NowMS    int64  `json:"now_ms"`
	Offset   string `json:"offset"`
	OffsetMS int64  `json:"offset_ms"`
	Frozen   bool   `json:"frozen"`
}

func (s *Server) writeClock(w http.ResponseWriter, st clock.State) {
	now := s.clock.Now()
	writeJSON(w, http.StatusOK, clockBody{
		Now: now.UTC().Format(time.RFC3339Nano), NowMS: now.UnixMilli(),
		Offset: st.Offset.String(), OffsetMS: st.Offset.Milliseconds(), Frozen: st.Frozen,
	})
}

func (s *Server) adminClock(w http.ResponseWriter, _ *http.Request) { s.writeClock(w, s.clock.State()) }

// maxAdvance bounds a clock advance: a century is past any token's lifetime.
const maxAdvance = 100 * 365 * 24 * time.Hour

func (s *Server) adminClockAdvance(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Duration string `json:"duration"`
	}
	if !decodeAdmin(w, r, &in) {
		return
	}
	d, err := time.ParseDuration(in.Duration)
	switch {
	case err != nil:
		writeError(w, apierr.BadRequest(`duration: not a Go duration such as "361h" or "30m"`))
	case d < 0:
		writeError(w, apierr.BadRequest("duration: must not be negative (use /__admin/clock/set to go back)"))
	case d > maxAdvance:
		writeError(w, apierr.BadRequest("duration: more than 100 years"))
	default:
		st, err := s.clock.Advance(d)
		if err != nil {
			writeError(w, apierr.BadRequest("duration: the mock's time would leave the years 1970-2200"))
			return
		}
		s.writeClock(w, st)
	}
}

func (s *Server) adminClockSet(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Time string `json:"time"`
	}
	if !decodeAdmin(w, r, &in) {
		return
	}
	t, err := time.Parse(time.RFC3339Nano, in.Time)
	if err != nil {
		writeError(w, apierr.BadRequest(`time: not an RFC 3339 time such as "2027-01-01T00:00:00Z"`))
		return
	}
	st, err := s.clock.Set(t)
	if err != nil {
		writeError(w, apierr.BadRequest("time: must be between 1970 and 2200"))
		return
	}
	s.writeClock(w, st)
}

func (s *Server) adminClockAction(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		switch action {
		case "freeze":
			s.writeClock(w, s.clock.Freeze())
		case "unfreeze":
			s.writeClock(w, s.clock.Unfreeze())
		default:
			s.writeClock(w, s.clock.Reset())
		}
	}
}

func (s *Server) adminReset(w http.ResponseWriter, r *http.Request) {
	if err := s.Reset(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "reset"})
}

// decodeAdmin reads an admin body strictly: JSON only, unknown fields refused, one object.
func decodeAdmin(w http.ResponseWriter, r *http.Request, into any) bool {
	if !isJSON(r.Header.Get("Content-Type")) {
		writeError(w, apierr.New(http.StatusUnsupportedMediaType, "invalid_request", "Content-Type must be application/json"))
		return false
	}
	body, err := jsonbody.Read(r.Body, DefaultMaxBodyBytes)
	if errors.Is(err, jsonbody.ErrTooLarge) {
		writeError(w, apierr.New(http.StatusRequestEntityTooLarge, "invalid_request", "request body too large"))
		return false
	}
	if err != nil {
		writeError(w, apierr.BadRequest("could not read the request body"))
		return false
	}
	if err := jsonbody.Check(body); err != nil {
		writeError(w, apierr.BadRequest(err.Error()))
		return false
	}
	if err := strictDecode(body, into); err != nil {
		writeError(w, apierr.BadRequest(describeDecode(err, body, into)))
		return false
	}
	return true
}

func strictDecode(body []byte, into any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	return dec.Decode(into)
}

// describeDecode names the field in an encoding/json error. A value's own decoding error (a bad
// duration, say) does not name its field, so each field is then decoded alone to find it.
func describeDecode(err error, body []byte, into any) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field + ": must be " + te.Type.String()
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "json: unknown field ") {
		return strings.TrimPrefix(msg, "json: unknown field ") + ": unknown field"
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) == nil {
		for name, raw := range fields {
			one, _ := json.Marshal(map[string]json.RawMessage{name: raw})
			if fieldErr := strictDecode(one, reflect.New(reflect.TypeOf(into).Elem()).Interface()); fieldErr != nil {
				return name + ": " + fieldErr.Error()
			}
		}
	}
	return "request body: " + msg
}
