package mockserver

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/apierr"
	"github.com/plummock/plummock/mockserver/store"
	"github.com/plummock/plummock/mockserver/tokens"
)

// operations binds openapi.yaml's operationIds to handlers.
func (s *Server) bindings() map[string]operation {
	return map[string]operation{
		"createUserToken":     s.createUserToken,
		"refreshUserToken":    s.refresh(store.KindUser),
		"refreshCompanyToken": s.refresh(store.KindCompany),
		"validateToken":       s.validateToken,
		"callApi":             s.callAPI,
	}
}

// tokenSetBody is the JSON token set; the expiry fields are numbers or strings by profile.
type tokenSetBody struct {
	AccessToken        string `json:"access_token"`
	TokenType          string `json:"token_type"`
	ExpiresIn          int64  `json:"expires_in"`
	RefreshToken       string `json:"refresh_token"`
	AccessTokenExpiry  any    `json:"access_token_expiry"`
	RefreshTokenExpiry any    `json:"refresh_token_expiry"`
}

// epochMillis renders a time as Plum does: epoch milliseconds, a number or a string of digits.
func (s *Server) epochMillis(op string, t time.Time) any {
	if s.tokens.Policy().ExpiryFormatFor(op) == fixtures.ExpiryString {
		return strconv.FormatInt(t.UnixMilli(), 10)
	}
	return t.UnixMilli()
}

func (s *Server) tokenSetJSON(set tokens.TokenSet) tokenSetBody {
	return s.tokenSetFor(fixtures.OpCreateUser, set)
}

// tokenSetFor is the token set as the endpoint op (an operationId) types its expiry fields.
func (s *Server) tokenSetFor(op string, set tokens.TokenSet) tokenSetBody {
	return tokenSetBody{
		AccessToken: set.AccessToken, TokenType: "bearer", ExpiresIn: set.ExpiresIn, RefreshToken: set.RefreshToken,
		AccessTokenExpiry: s.epochMillis(op, set.AccessExpiry), RefreshTokenExpiry: s.epochMillis(op, set.RefreshExpiry),
	}
}

func (s *Server) writeTokenSet(w http.ResponseWriter, op string, set tokens.TokenSet) {
	writeJSON(w, http.StatusOK, s.tokenSetFor(op, set))
}

// fail answers a domain error; one that is not the client's fault is logged, never echoed.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	e, ok := apierr.FromDomain(err)
	if !ok {
		s.log.LogAttrs(r.Context(), slog.LevelError, "internal error", slog.String("error", err.Error()))
	}
	s.refuse(w, r, e)
}

// refuse answers a refusal and logs its reason at debug level (the reason never holds a
// token or a secret).
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, e *apierr.Error) {
	if e.Reason != "" && s.log.Enabled(r.Context(), slog.LevelDebug) {
		s.log.LogAttrs(r.Context(), slog.LevelDebug, "refused", slog.String("request_id", metaOf(r.Context()).id),
			slog.String("operation", exchangeOf(w).operation), slog.Int("status", e.Status), slog.String("reason", e.Reason))
	}
	writeError(w, e)
}

func (s *Server) createUserToken(w http.ResponseWriter, r *http.Request, in input) {
	set, err := s.tokens.CreateUserTokens(r.Context(), in.bearer, in.fields["user_input"], in.fields["scope"])
	if err != nil {
		s.failAPI(w, r, err)
		return
	}
	s.writeTokenSet(w, fixtures.OpCreateUser, set)
}

func (s *Server) refresh(kind store.Kind) operation {
	return func(w http.ResponseWriter, r *http.Request, in input) {
		set, err := s.tokens.Refresh(r.Context(), kind, tokens.RefreshRequest{
			GrantType: in.fields["grant_type"], RefreshToken: in.fields["refresh_token"],
			ClientID: in.fields["client_id"], ClientSecret: in.fields["client_secret"],
		})
		if err != nil {
			s.failAPI(w, r, err)
			return
		}
		s.writeTokenSet(w, refreshOp(kind), set)
	}
}

// validateToken is E4. Its answer is appended field by field (it is the hot path; see
// jsonObject); refresh_token_expiry is left out when the family has no live refresh token.
func (s *Server) validateToken(w http.ResponseWriter, r *http.Request, in input) {
	v, err := s.tokens.Validate(r.Context(), in.bearer)
	if err != nil {
		s.failAPI(w, r, err)
		return
	}
	expiresIn := validateExpiresIn(s.tokens.Policy(), v)
	out := newJSONObject(len(v.Token)+160).str("access_token", v.Token).str("token_type", "bearer").num("expires_in", expiresIn)
	out = s.millis(out, "access_token_expiry", v.AccessExpiry)
	if !v.RefreshExpiry.IsZero() {
		out = s.millis(out, "refresh_token_expiry", v.RefreshExpiry)
	}
	writeEncoded(w, http.StatusOK, out.done())
}

// millis appends a time as epochMillis renders it.
func (s *Server) millis(o jsonObject, key string, t time.Time) jsonObject {
	if s.tokens.Policy().ExpiryFormatFor(fixtures.OpValidate) == fixtures.ExpiryString {
		return o.str(key, strconv.FormatInt(t.UnixMilli(), 10))
	}
	return o.num(key, t.UnixMilli())
}

// E8 queries the mock answers from its ledger.
const (
	balanceQuery = "storesAdmin.query.user_balance"
	sendQuery    = "storesAdmin.mutation.sendBalance"
	cancelQuery  = "storesAdmin.mutation.cancelBalance"
)

// callAPI is E8: a live token of either kind, Plum's per-query limits when the profile turns
// them on, then the ledger's three queries or a fixture's canned answer.
func (s *Server) callAPI(w http.ResponseWriter, r *http.Request, in input) {
	c, err := s.tokens.APICaller(r.Context(), in.bearer)
	if err != nil {
		s.failAPI(w, r, err)
		return
	}
	query := in.fields["query"]
	if e := s.e8.limit(s.tokens.Policy().APIRateLimits, c.Company.ID, query, s.clock.Now()); e != nil {
		s.refuse(w, r, e)
		return
	}
	switch query {
	case balanceQuery:
		s.userBalance(w, r, in, c)
	case sendQuery:
		s.sendBalance(w, r, in, c)
	case cancelQuery:
		s.cancelBalance(w, r, in, c)
	default:
		s.cannedAnswer(w, r, query, c)
	}
}

// userBalance answers storesAdmin.query.user_balance: the named user's balance, or a user
// token's own.
func (s *Server) userBalance(w http.ResponseWriter, r *http.Request, in input, c tokens.Caller) {
	email := in.fields["variables.user_data.email"]
	if email == "" {
		email = c.User()
	}
	if email == "" {
		s.refuse(w, r, withReason(apierr.BadRequest("variables.user_data.email: required with a company token"),
			"a company token speaks for no user: name one in variables.user_data.email"))
		return
	}
	total, err := s.e8.book.Balance(seeder(c), c.Company.ID, email)
	if err != nil {
		s.fail(w, r, fmt.Errorf("%w: %w", tokens.ErrUserNotFound, err))
		return
	}
	writeEncoded(w, http.StatusOK, balanceJSON(total))
}

// balanceJSON is E8's answer to user_balance,
// {"data":{"user_balance":{"success":1,"message":null,"data":{"total":N}}}}, appended (E8 is a
// hot path; see jsonObject).
func balanceJSON(total float64) []byte {
	n, _ := json.Marshal(total) // encoding/json's own number format
	data := newJSONObject(32).raw("total", n).done()
	balance := newJSONObject(64).num("success", 1).raw("message", []byte("null")).raw("data", data).done()
	return newJSONObject(96).raw("data", newJSONObject(96).raw("user_balance", balance).done()).done()
}
