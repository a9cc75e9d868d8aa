package tokens

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/plummock/plummock/mockserver/store"
)

// MaxTokenLength bounds a bearer token; ours are under 1 KiB, so anything far longer is junk
// and is refused before any parsing work.
const MaxTokenLength = 4096

// Principal is who an access token speaks for.
type Principal struct {
	Token store.AccessToken
	// RefreshExpiry is the expiry of the token's family's live refresh token; zero if none.
	RefreshExpiry time.Time
}

// Grant is the principal's grant.
func (p Principal) Grant() store.Grant { return p.Token.Grant }

// Authenticate checks a bearer access token of the wanted kind ("" = either): signature and
// claims for the mock's JWTs, then what the store says of it (a reset, a scenario or a new E1
// may have killed it); a fixture token by its stored record.
func (s *Service) Authenticate(ctx context.Context, bearer string, want store.Kind) (Principal, error) {
	p, err := s.lookup(ctx, bearer)
	if err != nil {
		return Principal{}, err
	}
	rec := p.Token
	if !s.nowFor(ctx).Before(rec.ExpiresAt) {
		return Principal{}, expired(rec.ExpiresAt)
	}
	if err := s.blocks.check(rec.Grant.CompanyID, userOf(rec.Grant)); err != nil {
		return Principal{}, err
	}
	if !rec.Revoked.Alive() {
		return Principal{}, &Error{Code: revocationError(rec.Revoked.Reason, ErrInvalidToken), Reason: WhyRevoked + ": " + rec.Revoked.Reason}
	}
	if want != "" && rec.Grant.Kind != want {
		return Principal{}, wrongKind(rec.Grant.Kind, want)
	}
	return p, nil
}

// lookup finds what the store knows of a bearer token.
func (s *Service) lookup(ctx context.Context, bearer string) (Principal, error) {
	if bearer == "" || len(bearer) > MaxTokenLength {
		return Principal{}, badToken("%s: empty or longer than %d bytes", WhyMalformed, MaxTokenLength)
	}
	if strings.Count(bearer, ".") != 2 {
		return s.static(ctx, bearer)
	}
	v, err := s.verify(ctx, bearer)
	if err != nil {
		return Principal{}, err
	}
	claims := v.claims
	rec := store.AccessToken{ID: claims.ID, Family: claims.Family, IssuedAt: claims.IssuedAt.Time, ExpiresAt: claims.ExpiresAt.Time,
		Grant: store.Grant{Kind: store.Kind(claims.Kind), CompanyID: claims.CompanyID, Subject: claims.Subject, ClientID: claims.ClientID, Scope: claims.Scope}}
	if claims.Offline {
		if rec, err = s.offlineAccess(ctx, claims); err != nil {
			return Principal{}, err
		}
	} else if claims.MAC == "" || claims.Use != "" {
		return Principal{}, badToken("%s: a JWT signed with the mock's key that the mock did not issue as an access token", WhyUnknown)
	}
	st, err := s.store.CheckAccess(ctx, store.AccessClaim{Grant: rec.Grant, Family: rec.Family, Offline: claims.Offline,
		Seq: claims.Seq, FamilySeq: claims.FamilySeq})
	if err != nil {
		return Principal{}, fmt.Errorf("tokens: lookup: %w", err)
	}
	if !claims.Offline && !v.boundTo(st.Gen) {
		return Principal{}, badToken("%s: issued before the last reset or restart of the mock (POST /__admin/reset)", WhyPreReset)
	}
	rec.Revoked = st.Revoked
	if claims.Offline && rec.Revoked.Alive() {
		rec.Revoked = s.offline.revocation(rec.Grant, rec.IssuedAt)
	}
	return Principal{Token: rec, RefreshExpiry: st.RefreshExpiry}, nil
}

// static finds a fixture (non-JWT) access token's record.
func (s *Service) static(ctx context.Context, bearer string) (Principal, error) {
	rec, err := s.store.LookupAccess(ctx, staticID(bearer))
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, badToken("%s: not a token this mock issued or a fixture access token", WhyUnknown)
	}
	if err != nil {
		return Principal{}, fmt.Errorf("tokens: lookup: %w", err)
	}
	return Principal{Token: rec}, nil
}

// verify checks a JWT's signature and claims. A token that verified once is remembered (by its
// exact bytes), so the RSA work is paid once per token, not once per call; time-dependent
// checks are made again on every call.
func (s *Service) verify(ctx context.Context, raw string) (*verified, error) {
	v, ok := s.cache.get(raw)
	if !ok {
		claims, err := s.parseWith(raw, func() time.Time { return s.nowFor(ctx) })
		if err != nil {
			return nil, parseRefusal(err, claims)
		}
		v = &verified{claims: claims}
		s.cache.put(raw, v)
	}
	claims := v.claims
	now := s.nowFor(ctx)
	if !now.Before(claims.ExpiresAt.Time) {
		return nil, expired(claims.ExpiresAt.Time)
	}
	if claims.IssuedAt.After(now.Add(s.cfg.Leeway)) || (claims.NotBefore != nil && claims.NotBefore.After(now.Add(s.cfg.Leeway))) {
		return nil, badToken("%s: not valid yet by the mock's clock (issued %s)", WhyUnknown, claims.IssuedAt.UTC().Format(time.RFC3339))
	}
	return v, nil
}

// parse verifies signature and claim types: only the published keys' algorithms, never a key
// named by the token itself, exp and iat required.
func (s *Service) parse(raw string) (*Claims, error) { return s.parseWith(raw, s.clock.Now) }

// parseWith is parse by the clock now (a validation of an expired token looks back in time).
func (s *Service) parseWith(raw string, now func() time.Time) (*Claims, error) {
	claims := &Claims{}
	_, err := jwt.ParseWithClaims(raw, claims, s.keys.Keyfunc,
		jwt.WithValidMethods(s.keys.Algorithms()),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(s.cfg.Issuer),
		jwt.WithLeeway(s.cfg.Leeway),
		jwt.WithTimeFunc(now),
	)
	if err != nil {
		return claims, err
	}
	if claims.ID == "" || claims.Subject == "" || claims.IssuedAt == nil {
		return nil, errors.New("missing jti, sub or iat")
	}
	if claims.Use != "" && claims.Use != "refresh" {
		return nil, errors.New("unknown token use")
	}
	return claims, nil
}

// Validation is what E4 answers about a live token.
type Validation struct {
	Token         string
	ExpiresIn     int64
	Lifetime      int64
	AccessExpiry  time.Time
	RefreshExpiry time.Time // zero when the family has no live refresh token
}

// Validate is E4: how long the presented access token has before it dies.
func (s *Service) Validate(ctx context.Context, bearer string) (Validation, error) {
	p, err := s.Authenticate(ctx, bearer, "")
	if err != nil {
		if p, err = s.authenticateExpired(ctx, bearer, err); err != nil {
			return Validation{}, err
		}
	}
	remaining := p.Token.ExpiresAt.Sub(s.clock.Now())
	v := Validation{
		Token:         bearer,
		ExpiresIn:     int64(math.Ceil(remaining.Seconds())),
		Lifetime:      int64(p.Token.ExpiresAt.Sub(p.Token.IssuedAt) / time.Second),
		AccessExpiry:  p.Token.ExpiresAt,
		RefreshExpiry: p.RefreshExpiry,
	}
	return v, nil
}

// userOf is the user a grant speaks for, or "" for a company grant.
func userOf(g store.Grant) string {
	if g.Kind == store.KindUser {
		return g.Subject
	}
	return ""
}
