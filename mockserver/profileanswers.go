package mockserver

import (
	"errors"
	"net/http"

	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/apierr"
	"github.com/plummock/plummock/mockserver/store"
	"github.com/plummock/plummock/mockserver/tokens"
)

// refreshOp is the operationId of the refresh endpoint for a token kind.
func refreshOp(kind store.Kind) string {
	if kind == store.KindCompany {
		return fixtures.OpRefreshCompany
	}
	return fixtures.OpRefreshUser
}

// validateExpiresIn is E4's expires_in as the profile reads it: the seconds left (<= 0 for an
// expired token the profile answers), the lifetime, or the expiry as epoch seconds.
func validateExpiresIn(p tokens.Policy, v tokens.Validation) int64 {
	switch p.ValidateExpiresIn {
	case fixtures.ExpiresInLifetime:
		return v.Lifetime
	case fixtures.ExpiresInEpoch:
		return v.AccessExpiry.Unix()
	}
	return v.ExpiresIn
}

// failAPI answers a domain error on a Plum endpoint: as the mock decides, unless the profile
// replaces that error's answer (error_answers, learned from the real service).
func (s *Server) failAPI(w http.ResponseWriter, r *http.Request, err error) {
	a, ok := profileAnswer(s.tokens.Policy().ErrorAnswers, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	e := &apierr.Error{Status: a.Status, Body: a.Body}
	if a.Status == http.StatusUnauthorized {
		e.Challenge = `Bearer realm="plum", error="invalid_token"`
	}
	writeError(w, e)
}

// profileAnswer finds the profile's replacement for a domain error, if it sets one.
func profileAnswer(e fixtures.ErrorAnswers, err error) (fixtures.ErrorAnswer, bool) {
	for _, m := range []struct {
		domain error
		answer fixtures.ErrorAnswer
	}{
		{tokens.ErrInvalidToken, e.InvalidToken}, {tokens.ErrInvalidGrant, e.InvalidGrant},
		{tokens.ErrInvalidClient, e.InvalidClient}, {tokens.ErrInvalidScope, e.InvalidScope},
		{tokens.ErrUnknownUser, e.UnknownUser},
	} {
		if errors.Is(err, m.domain) {
			return m.answer, !m.answer.IsZero()
		}
	}
	return fixtures.ErrorAnswer{}, false
}
