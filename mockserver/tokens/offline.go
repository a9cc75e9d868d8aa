package tokens

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/plummock/plummock/mockserver/store"
)

// Offline tokens are what `plummock token` mints without a running server, for a developer
// who needs a token in an .env file now. Both halves are JWTs signed by the mock's key:
//   - the access token is accepted by its signature, expiry and the fixtures alone (it is in no
//     store), by any plummock with the same key and fixtures;
//   - the refresh token, on its first use, registers the pair in the store as if E1 had issued
//     it, and from then on rotates like any other (single use).
// A reset does not kill an offline token: it was never in the store. A scenario does, by time
// (offline_revoke.go), and it is held to every other check an issued token passes (offlineAccess).

// OfflineRequest names who the offline set is for: a company's Super Admin (user tokens) or,
// with an empty User, the company itself.
type OfflineRequest struct {
	Company string
	User    string
	Scope   string
}

// MintOffline signs an offline token set.
func (s *Service) MintOffline(ctx context.Context, req OfflineRequest) (TokenSet, error) {
	c, err := s.company(ctx, req.Company)
	if err != nil {
		return TokenSet{}, refuse(ErrInvalidRequest, "no company %q", req.Company)
	}
	grant := store.Grant{Kind: store.KindCompany, CompanyID: c.ID, Subject: c.ID, ClientID: c.ClientID}
	access, refresh := s.cfg.Lifetimes.CompanyAccess, s.cfg.Lifetimes.CompanyRefresh
	if req.User != "" {
		if u, ok := c.User(req.User); !ok || !u.SuperAdmin {
			return TokenSet{}, refuse(ErrUnknownUser, "%q is not a Super Admin of %q", req.User, c.ID)
		}
		if !s.scopeAllowed(req.Scope) {
			return TokenSet{}, refuse(ErrInvalidScope, "scope %q is not allowed", req.Scope)
		}
		grant = store.Grant{Kind: store.KindUser, CompanyID: c.ID, Subject: normalEmail(req.User), ClientID: c.ClientID, Scope: req.Scope}
		access, refresh = s.cfg.Lifetimes.UserAccess, s.cfg.Lifetimes.UserRefresh
	}
	return s.signOffline(grant, s.now(), access, refresh)
}

func (s *Service) signOffline(g store.Grant, now time.Time, access, refresh time.Duration) (TokenSet, error) {
	claims := func(id string, exp time.Time) *Claims {
		return &Claims{
			RegisteredClaims: jwt.RegisteredClaims{Issuer: s.cfg.Issuer, Subject: g.Subject, ID: id,
				IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(exp)},
			Scope: g.Scope, Kind: string(g.Kind), CompanyID: g.CompanyID, ClientID: g.ClientID, Offline: true,
		}
	}
	accessID := randomToken(16)
	at, err := s.keys.Sign(claims(accessID, now.Add(access)))
	if err != nil {
		return TokenSet{}, err
	}
	rc := claims(randomToken(16), now.Add(refresh))
	rc.Use, rc.AccessID = "refresh", accessID
	rt, err := s.keys.Sign(rc)
	if err != nil {
		return TokenSet{}, err
	}
	return TokenSet{AccessToken: at, RefreshToken: rt, ExpiresIn: int64(access / time.Second),
		AccessExpiry: now.Add(access), RefreshExpiry: now.Add(refresh)}, nil
}

// offlineAccess accepts an offline access token that is in no store. It passes every check an
// issued token passes but the two that cannot apply to a token minted without a server (the
// binding to the store's generation, and a position among the subject's issues): its grant
// must exist in the fixtures as E1 or a fixture would have made it, its scope must be one E1
// allows, and it may not live longer than an issued token of its kind.
func (s *Service) offlineAccess(ctx context.Context, c *Claims) (store.AccessToken, error) {
	if !c.Offline || c.Use != "" || c.AccessID != "" || c.MAC != "" || c.Family != "" {
		return store.AccessToken{}, badToken("%s: an offline token with claims `plummock token` never writes", WhyUnknown)
	}
	g, err := s.offlineGrant(ctx, c)
	if err != nil {
		return store.AccessToken{}, err
	}
	if lifetime := c.ExpiresAt.Sub(c.IssuedAt.Time); lifetime > s.accessLifetime(g.Kind) {
		return store.AccessToken{}, badToken("%s: an offline %s token living %v, longer than the %v an issued one lives",
			WhyUnknown, g.Kind, lifetime, s.accessLifetime(g.Kind))
	}
	return store.AccessToken{ID: c.ID, Family: "offline-" + c.ID, Grant: g, IssuedAt: c.IssuedAt.Time, ExpiresAt: c.ExpiresAt.Time}, nil
}

func (s *Service) offlineGrant(ctx context.Context, c *Claims) (store.Grant, error) {
	comp, err := s.company(ctx, c.CompanyID)
	if err != nil || comp.ClientID != c.ClientID {
		return store.Grant{}, badToken("%s: an offline token for a company or client the fixtures do not have", WhyUnknown)
	}
	switch store.Kind(c.Kind) {
	case store.KindUser:
		if u, ok := comp.User(c.Subject); !ok || !u.SuperAdmin || normalEmail(c.Subject) != c.Subject {
			return store.Grant{}, badToken("%s: an offline token for a user who is not a Super Admin of %q", WhyUnknown, comp.ID)
		}
		if !s.scopeAllowed(c.Scope) {
			return store.Grant{}, badToken("%s: an offline token with a scope E1 does not allow", WhyUnknown)
		}
	case store.KindCompany:
		if c.Subject != comp.ID || c.Scope != "" {
			return store.Grant{}, badToken("%s: an offline company token must name its company and no scope", WhyUnknown)
		}
	default:
		return store.Grant{}, badToken("%s: an offline token of no known kind", WhyUnknown)
	}
	return store.Grant{Kind: store.Kind(c.Kind), CompanyID: c.CompanyID, Subject: c.Subject, ClientID: c.ClientID, Scope: c.Scope}, nil
}

// adoptOffline registers an offline pair in the store on its refresh token's first use, so the
// rotation that follows is the ordinary, atomic one. Adoptions are serialised so two first uses
// cannot both register the pair.
func (s *Service) adoptOffline(ctx context.Context, raw string) error {
	if strings.Count(raw, ".") != 2 {
		return store.ErrNotFound
	}
	c, err := s.parse(raw)
	if err != nil || !c.Offline || c.Use != "refresh" || c.AccessID == "" {
		return store.ErrNotFound
	}
	g, err := s.offlineGrant(ctx, c)
	if err != nil || !s.offline.revocation(g, c.IssuedAt.Time).Alive() {
		return store.ErrNotFound // a scenario killed it before its first use
	}
	s.adopt.Lock()
	defer s.adopt.Unlock()
	if _, err := s.store.LookupRefresh(ctx, HashToken(raw)); !errors.Is(err, store.ErrNotFound) {
		return err // already adopted (or the store failed)
	}
	family := "offline-" + c.AccessID
	pair := store.Pair{
		Access:  store.AccessToken{ID: c.AccessID, Family: family, Grant: g, IssuedAt: c.IssuedAt.Time, ExpiresAt: c.IssuedAt.Time.Add(s.accessLifetime(g.Kind))},
		Refresh: store.RefreshToken{Hash: HashToken(raw), Family: family, Grant: g, IssuedAt: c.IssuedAt.Time, ExpiresAt: c.ExpiresAt.Time},
	}
	_, err = s.store.Issue(ctx, pair, store.IssueOptions{KeepTombstone: true})
	return err
}

func (s *Service) accessLifetime(k store.Kind) time.Duration {
	if k == store.KindCompany {
		return s.cfg.Lifetimes.CompanyAccess
	}
	return s.cfg.Lifetimes.UserAccess
}
