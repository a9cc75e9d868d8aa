package mockserver

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/apierr"
	"github.com/plummock/plummock/mockserver/journal"
	"github.com/plummock/plummock/mockserver/store"
)

// inspectBindings are the admin calls that show state or replace fixtures.
func (s *Server) inspectBindings() map[string]adminOperation {
	return map[string]adminOperation{
		"listRequests":  s.adminListRequests,
		"clearRequests": s.adminClearRequests,
		"getState":      s.adminState,
		"putFixtures":   s.adminPutFixtures,
	}
}

// adminListRequests answers the journal, newest first, filtered by the optional query
// parameters operation, status, reason and limit (admin.yaml).
func (s *Server) adminListRequests(w http.ResponseWriter, r *http.Request, _ adminInput) {
	q := r.URL.Query()
	f := journal.Filter{Operation: q.Get("operation"), Reason: q.Get("reason")}
	for name, into := range map[string]*int{"status": &f.Status, "limit": &f.Limit} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				writeError(w, apierr.BadRequest(name+": must be a non-negative integer"))
				return
			}
			*into = n
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"size": s.journal.Size(), "requests": s.journal.List(f)})
}

func (s *Server) adminClearRequests(w http.ResponseWriter, _ *http.Request, _ adminInput) {
	s.journal.Clear()
	writeJSON(w, http.StatusOK, map[string]any{"requests": []any{}})
}

// companyState is what the state view shows of a company; secrets are never shown.
type companyState struct {
	ID         string           `json:"id"`
	Name       string           `json:"name,omitempty"`
	ClientID   string           `json:"client_id"`
	Users      []userState      `json:"users"`
	Families   []familyState    `json:"families"`
	Watermarks []watermarkState `json:"watermarks"`
}

type userState struct {
	Email      string  `json:"email"`
	SuperAdmin bool    `json:"super_admin"`
	Balance    float64 `json:"balance"`
}

// familyState is a family the store holds: its stored refresh tokens (live and the tombstones
// kept for replays) and fixture access tokens, and, for an issued family, its latest access
// token (issued access tokens have no record of their own: their claims say where they stand).
type familyState struct {
	ID      string       `json:"id"`
	Kind    store.Kind   `json:"kind"`
	Subject string       `json:"subject"`
	Scope   string       `json:"scope,omitempty"`
	Refresh []tokenState `json:"refresh_tokens"`
	Access  []tokenState `json:"access_tokens"`
	Latest  *tokenState  `json:"latest_access,omitempty"`
}

// tokenState names a token by fingerprint (the same one logs and the journal show).
type tokenState struct {
	ID        string    `json:"id,omitempty"`
	Status    string    `json:"status"` // live, used, revoked:<reason>, expired
	ExpiresAt time.Time `json:"expires_at"`
}

// watermarkState is a revocation in force: the subject's tokens issued before it ("tokens"),
// its families created before it ("families"), or one family ("family", kept until its tokens
// have all expired).
type watermarkState struct {
	Kind    store.Kind `json:"kind"`
	Subject string     `json:"subject"`
	Scope   string     `json:"scope"`
	Family  string     `json:"family,omitempty"`
	Reason  string     `json:"reason"`
	At      time.Time  `json:"at"`
	Until   *time.Time `json:"until,omitempty"`
}

func (s *Server) adminState(w http.ResponseWriter, r *http.Request, _ adminInput) {
	set, err := s.tokens.Fixtures(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	inspector, canList := s.opts.Store.(store.Inspector)
	out := []companyState{}
	for _, c := range set.Companies {
		cs := companyState{ID: c.ID, Name: c.Name, ClientID: c.ClientID, Users: []userState{}, Families: []familyState{}, Watermarks: []watermarkState{}}
		for _, u := range c.Users {
			cs.Users = append(cs.Users, userState{Email: u.Email, SuperAdmin: u.SuperAdmin, Balance: u.Balance})
		}
		if canList {
			in, err := inspector.Inspect(r.Context(), c.ID)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			cs.Families, cs.Watermarks = s.familyStates(in.Families), watermarkStates(in.Watermarks)
		}
		out = append(out, cs)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"now": s.clock.Now().UTC(), "companies": out, "blocks": s.tokens.Blocks(),
		"profile": s.tokens.Policy(), "families_listed": canList,
	})
}

func (s *Server) familyStates(fams []store.Family) []familyState {
	now := s.clock.Now()
	out := []familyState{}
	for _, f := range fams {
		fs := familyState{ID: f.ID, Kind: f.Grant.Kind, Subject: f.Grant.Subject, Scope: f.Grant.Scope, Refresh: []tokenState{}, Access: []tokenState{}}
		for _, t := range f.Refresh {
			fs.Refresh = append(fs.Refresh, tokenState{ID: "fp:" + t.Hash[:8], Status: status(t.Revoked, !t.UsedAt.IsZero(), t.ExpiresAt, now), ExpiresAt: t.ExpiresAt})
		}
		for _, t := range f.Access {
			fs.Access = append(fs.Access, tokenState{ID: accessID(t.ID), Status: status(t.Revoked, false, t.ExpiresAt, now), ExpiresAt: t.ExpiresAt})
		}
		if !f.AccessExpiry.IsZero() {
			fs.Latest = &tokenState{Status: status(f.AccessRevoked, false, f.AccessExpiry, now), ExpiresAt: f.AccessExpiry}
		}
		out = append(out, fs)
	}
	return out
}

func watermarkStates(ws []store.Watermark) []watermarkState {
	out := []watermarkState{}
	for _, w := range ws {
		ws := watermarkState{Kind: w.Grant.Kind, Subject: w.Grant.Subject, Scope: w.Scope, Family: w.Family, Reason: w.Why.Reason, At: w.Why.At}
		if !w.Until.IsZero() {
			ws.Until = &w.Until
		}
		out = append(out, ws)
	}
	return out
}

// accessID shows a fixture token's fingerprint (never the token).
func accessID(id string) string {
	if len(id) > 7 && id[:7] == "static:" {
		return "fp:" + id[7:15]
	}
	return "jti:" + id
}

func status(rev store.Revocation, used bool, exp, now time.Time) string {
	switch {
	case !rev.Alive():
		return "revoked:" + rev.Reason
	case !now.Before(exp):
		return "expired"
	case used:
		return "used"
	}
	return "live"
}

// adminPutFixtures replaces the fixtures (YAML or JSON, same format as --fixtures): admission
// checked the media type, size and schema; the loader validates the whole set, then it is
// applied at once; every token dies. A reset returns to the start-up fixtures.
func (s *Server) adminPutFixtures(w http.ResponseWriter, r *http.Request, in adminInput) {
	set, err := fixtures.Parse(bytes.NewReader(in.body))
	if err != nil {
		writeError(w, apierr.BadRequest(fixtureProblem(err)))
		return
	}
	if err := s.applyFixtures(r, set); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"companies": len(set.Companies), "profile": s.tokens.Policy()})
}

// applyFixtures resets the store first: if that fails, nothing else has changed.
func (s *Server) applyFixtures(r *http.Request, set *fixtures.Set) error {
	if err := s.tokens.Reset(r.Context(), set); err != nil {
		return err
	}
	s.rememberSecrets(set)
	s.e8.reset() // balances start from the new fixtures
	if set.Profile != nil {
		return s.tokens.SetPolicy(*set.Profile) // already checked by fixtures.Parse
	}
	return nil
}

// fixtureProblem drops the "fixtures: " prefix the loader puts on its errors.
func fixtureProblem(err error) string {
	msg := err.Error()
	const prefix = "fixtures: "
	if len(msg) > len(prefix) && msg[:len(prefix)] == prefix {
		return msg[len(prefix):]
	}
	return msg
}
