package mockserver

import (
	"encoding/json"
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
func (s *Server) epochMillis(t time.Time) any {
	if s.tokens.Policy().ExpiryFormat == fixtures.ExpiryString {
		return strconv.FormatInt(t.UnixMilli(), 10)
	}
	return t.UnixMilli()
}

func (s *Server) tokenSetJSON(set tokens.TokenSet) tokenSetBody {
	return tokenSetBody{
		AccessToken: set.AccessToken, TokenType: "bearer", ExpiresIn: set.ExpiresIn, RefreshToken: set.RefreshToken,
		AccessTokenExpiry: s.epochMillis(set.AccessExpiry), RefreshTokenExpiry: s.epochMillis(set.RefreshExpiry),
	}
}

func (s *Server) writeTokenSet(w http.ResponseWriter, set tokens.TokenSet) {
	writeJSON(w, http.StatusOK, s.tokenSetJSON(set))
}

// fail answers a domain error; one that is not the client's fault is logged, never echoed.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	e, ok := apierr.FromDomain(err)
	if !ok {
		s.log.LogAttrs(r.Context(), slog.LevelError, "internal error", slog.String("error", err.Error()))
	}
	writeError(w, e)
}

func (s *Server) createUserToken(w http.ResponseWriter, r *http.Request, in input) {
	var req struct {
		UserInput string `json:"user_input"`
		Scope     string `json:"scope"`
	}
	if json.Unmarshal(in.body, &req) != nil {
		writeError(w, apierr.BadRequest("request body does not match the API contract"))
		return
	}
	set, err := s.tokens.CreateUserTokens(r.Context(), in.bearer, req.UserInput, req.Scope)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeTokenSet(w, set)
}

func (s *Server) refresh(kind store.Kind) operation {
	return func(w http.ResponseWriter, r *http.Request, in input) {
		var req struct {
			GrantType    string `json:"grant_type"`
			RefreshToken string `json:"refresh_token"`
			ClientID     string `json:"client_id"`
			ClientSecret string `json:"client_secret"`
		}
		if json.Unmarshal(in.body, &req) != nil {
			writeError(w, apierr.BadRequest("request body does not match the API contract"))
			return
		}
		set, err := s.tokens.Refresh(r.Context(), kind, tokens.RefreshRequest(req))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.writeTokenSet(w, set)
	}
}

// validationBody is E4's answer; refresh_token_expiry is left out when the family has no live
// refresh token.
type validationBody struct {
	AccessToken        string `json:"access_token"`
	TokenType          string `json:"token_type"`
	ExpiresIn          int64  `json:"expires_in"`
	AccessTokenExpiry  any    `json:"access_token_expiry"`
	RefreshTokenExpiry any    `json:"refresh_token_expiry,omitempty"`
}

func (s *Server) validateToken(w http.ResponseWriter, r *http.Request, in input) {
	v, err := s.tokens.Validate(r.Context(), in.bearer)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := validationBody{AccessToken: v.Token, TokenType: "bearer", ExpiresIn: v.ExpiresIn, AccessTokenExpiry: s.epochMillis(v.AccessExpiry)}
	if s.tokens.Policy().ValidateExpiresIn == fixtures.ExpiresInLifetime {
		out.ExpiresIn = v.Lifetime
	}
	if !v.RefreshExpiry.IsZero() {
		out.RefreshTokenExpiry = s.epochMillis(v.RefreshExpiry)
	}
	writeJSON(w, http.StatusOK, out)
}

// balanceQuery is the only E8 query the mock implements.
const balanceQuery = "storesAdmin.query.user_balance"

func (s *Server) callAPI(w http.ResponseWriter, r *http.Request, in input) {
	var req struct {
		Query     string `json:"query"`
		Variables struct {
			UserData struct {
				Email string `json:"email"`
			} `json:"user_data"`
		} `json:"variables"`
	}
	if err := json.Unmarshal(in.body, &req); err != nil {
		writeError(w, apierr.BadRequest("variables.user_data.email: must be a string"))
		return
	}
	total, err := s.tokens.Balance(r.Context(), in.bearer, req.Variables.UserData.Email)
	if err == nil && req.Query != balanceQuery {
		err = tokens.ErrUnknownQuery
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var out balanceBody
	out.Data.UserBalance.Success = 1
	out.Data.UserBalance.Data.Total = total
	writeJSON(w, http.StatusOK, out)
}

// balanceBody is E8's answer to user_balance.
type balanceBody struct {
	Data struct {
		UserBalance struct {
			Success int     `json:"success"`
			Message *string `json:"message"`
			Data    struct {
				Total float64 `json:"total"`
			} `json:"data"`
		} `json:"user_balance"`
	} `json:"data"`
}
