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
	if !s.clock.Now().Before(rec.ExpiresAt) {
		return Principal{}, fmt.Errorf("%w: expired", ErrInvalidToken)
	}
	if err := s.blocks.check(rec.Grant.CompanyID, userOf(rec.Grant)); err != nil {
		return Principal{}, err
	}
	if !rec.Revoked.Alive() {
		return Principal{}, fmt.Errorf("%w: revoked (%s)", revocationError(rec.Revoked.Reason, ErrInvalidToken), rec.Revoked.Reason)
	}
	if want != "" && rec.Grant.Kind != want {
		return Principal{}, fmt.Errorf("%w: a %s token is required", ErrInvalidToken, want)
	}
	return p, nil
}

// lookup finds what the store knows of a bearer token.
func (s *Service) lookup(ctx context.Context, bearer string) (Principal, error) {
	if bearer == "" || len(bearer) > MaxTokenLength {
		return Principal{}, fmt.Errorf("%w: malformed token", ErrInvalidToken)
	}
	if strings.Count(bearer, ".") != 2 {
		return s.static(ctx, bearer)
	}
	v, err := s.verify(bearer)
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
		return Principal{}, fmt.Errorf("%w: unknown token", ErrInvalidToken)
	}
	st, err := s.store.CheckAccess(ctx, store.AccessClaim{Grant: rec.Grant, Family: rec.Family, Offline: claims.Offline,
		Seq: claims.Seq, FamilySeq: claims.FamilySeq})
	if err != nil {
		return Principal{}, fmt.Errorf("tokens: lookup: %w", err)
	}
	if !claims.Offline && !v.boundTo(st.Gen) {
		return Principal{}, fmt.Errorf("%w: unknown token", ErrInvalidToken) // before a reset, or altered
	}
	rec.Revoked = st.Revoked
	return Principal{Token: rec, RefreshExpiry: st.RefreshExpiry}, nil
}

// static finds a fixture (non-JWT) access token's record.
func (s *Service) static(ctx context.Context, bearer string) (Principal, error) {
	rec, err := s.store.LookupAccess(ctx, staticID(bearer))
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, fmt.Errorf("%w: unknown token", ErrInvalidToken)
	}
	if err != nil {
		return Principal{}, fmt.Errorf("tokens: lookup: %w", err)
	}
	return Principal{Token: rec}, nil
}

// verify checks a JWT's signature and claims. A token that verified once is remembered (by its
// exact bytes), so the RSA work is paid once per token, not once per call; time-dependent
// checks are made again on every call.
func (s *Service) verify(raw string) (*verified, error) {
	v, ok := s.cache.get(raw)
	if !ok {
		claims, err := s.parse(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidToken, err)
		}
		v = &verified{claims: claims}
		s.cache.put(raw, v)
	}
	claims := v.claims
	now := s.clock.Now()
	if !now.Before(claims.ExpiresAt.Time) {
		return nil, fmt.Errorf("%w: expired", ErrInvalidToken)
	}
	if claims.IssuedAt.After(now.Add(s.cfg.Leeway)) || (claims.NotBefore != nil && claims.NotBefore.After(now.Add(s.cfg.Leeway))) {
		return nil, fmt.Errorf("%w: not valid yet", ErrInvalidToken)
	}
	return v, nil
}

// parse verifies signature and claim types: only the published keys' algorithms, never a key
// named by the token itself, exp and iat required.
func (s *Service) parse(raw string) (*Claims, error) {
	claims := &Claims{}
	_, err := jwt.ParseWithClaims(raw, claims, s.keys.Keyfunc,
		jwt.WithValidMethods(s.keys.Algorithms()),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(s.cfg.Issuer),
		jwt.WithLeeway(s.cfg.Leeway),
		jwt.WithTimeFunc(s.clock.Now),
	)
	if err != nil {
		return nil, err
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
		return Validation{}, err
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
