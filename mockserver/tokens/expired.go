package tokens

import (
	"context"
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/plummock/plummock/fixtures"
)

// lookBack is the context key of the instant an expired token is checked at (see nowFor).
type lookBack struct{}

// nowFor is the clock's now, or the instant a validation of an expired token looks back to:
// just before the token's expiry, so every other check (signature, binding, revocation,
// blocks) still runs, only the expiry is forgiven.
func (s *Service) nowFor(ctx context.Context) time.Time {
	if t, ok := ctx.Value(lookBack{}).(time.Time); ok {
		return t
	}
	return s.clock.Now()
}

// allowedScopes are the profile's scopes, or the configured ones when it sets none.
func (s *Service) allowedScopes() []string {
	if sc := s.Policy().Scopes(); len(sc) > 0 {
		return sc
	}
	return s.cfg.Scopes
}

// authenticateExpired is E4's second chance under validate_expired "answer": a token whose
// only fault is its age is authenticated as of its last valid instant, so Validate can answer
// 200 with expires_in <= 0. Any other fault, or the default profile, keeps cause.
func (s *Service) authenticateExpired(ctx context.Context, bearer string, cause error) (Principal, error) {
	if s.Policy().ValidateExpired != fixtures.ExpiredAnswer || !errors.Is(cause, ErrInvalidToken) {
		return Principal{}, cause
	}
	exp, ok := s.claimedExpiry(ctx, bearer)
	if !ok || s.clock.Now().Before(exp) {
		return Principal{}, cause
	}
	p, err := s.Authenticate(context.WithValue(ctx, lookBack{}, exp.Add(-time.Millisecond)), bearer, "")
	if err != nil {
		return Principal{}, cause
	}
	return p, nil
}

// claimedExpiry is when a token says (JWT, unverified: Authenticate verifies it afterwards) or
// its record says (a fixture token) it expires.
func (s *Service) claimedExpiry(ctx context.Context, bearer string) (time.Time, bool) {
	if bearer == "" || len(bearer) > MaxTokenLength {
		return time.Time{}, false
	}
	var claims Claims
	if _, _, err := jwt.NewParser().ParseUnverified(bearer, &claims); err == nil {
		if claims.ExpiresAt == nil {
			return time.Time{}, false
		}
		return claims.ExpiresAt.Time, true
	}
	p, err := s.static(ctx, bearer)
	if err != nil {
		return time.Time{}, false
	}
	return p.Token.ExpiresAt, true
}
