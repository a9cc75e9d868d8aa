package tokens

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/plummock/plummock/mockserver/store"
)

// TokenSet is what E1, E2 and E3 answer.
type TokenSet struct {
	AccessToken   string
	RefreshToken  string
	ExpiresIn     int64 // the access token's lifetime in seconds
	AccessExpiry  time.Time
	RefreshExpiry time.Time
}

// CreateUserTokens is E1: a company token buys a user token set for one of its Super Admins.
// The user's earlier refresh tokens die at once.
func (s *Service) CreateUserTokens(ctx context.Context, companyBearer, email, scope string) (TokenSet, error) {
	s.wholesale.RLock()
	defer s.wholesale.RUnlock()
	p, err := s.Authenticate(ctx, companyBearer, store.KindCompany)
	if err != nil {
		return TokenSet{}, err
	}
	if !s.scopeAllowed(scope) {
		return TokenSet{}, refuse(ErrInvalidScope, "scope %q is not allowed", scope)
	}
	c, err := s.company(ctx, p.Grant().CompanyID)
	if err != nil {
		return TokenSet{}, err
	}
	u, ok := c.User(email)
	if !ok {
		return TokenSet{}, refuse(ErrUnknownUser, "no user %q in this company", email)
	}
	if !u.SuperAdmin {
		return TokenSet{}, refuse(ErrUnknownUser, "user_input must be a Super Admin")
	}
	if err := s.blocks.check(c.ID, normalEmail(u.Email)); err != nil {
		return TokenSet{}, err
	}
	grant := store.Grant{Kind: store.KindUser, CompanyID: c.ID, Subject: normalEmail(u.Email), ClientID: c.ClientID, Scope: scope}
	now := s.now()
	pair, refresh := s.newPair(grant, "fam-"+randomToken(12), now, now.Add(s.cfg.Lifetimes.UserRefresh))
	pol := s.Policy()
	opts := store.IssueOptions{SupersedeRefresh: true, SupersedeAccess: pol.KillOldAccessOnCreate, MaxFamilies: pol.MaxActivePairs}
	at, err := s.store.Issue(ctx, pair, opts)
	if err != nil {
		return TokenSet{}, fmt.Errorf("tokens: issue: %w", err)
	}
	return s.sign(pair, refresh, at)
}

// RefreshRequest is the body of E2 and E3.
type RefreshRequest struct {
	GrantType    string
	RefreshToken string
	ClientID     string
	ClientSecret string
}

// Refresh is E2 (kind user) and E3 (kind company): the presented refresh token dies and a new
// set is issued. Of concurrent refreshes with one token exactly one succeeds.
func (s *Service) Refresh(ctx context.Context, kind store.Kind, req RefreshRequest) (TokenSet, error) {
	if req.GrantType != "refresh_token" {
		return TokenSet{}, refuse(ErrUnsupportedGrantType, "grant_type must be refresh_token")
	}
	if err := s.authenticateClient(ctx, req.ClientID, req.ClientSecret); err != nil {
		return TokenSet{}, err
	}
	s.wholesale.RLock() // a reset must not land between reading the token and rotating it
	defer s.wholesale.RUnlock()
	rot := store.Rotation{Hash: HashToken(req.RefreshToken), ClientID: req.ClientID, Kind: kind, Now: s.now()}
	pol := s.Policy()
	rot.Grace, rot.RevokeFamilyOnReuse = time.Duration(pol.RefreshGrace), pol.RevokeFamilyOnReuse
	old, err := s.store.LookupRefresh(ctx, rot.Hash)
	if errors.Is(err, store.ErrNotFound) && s.adoptOffline(ctx, req.RefreshToken) == nil {
		old, err = s.store.LookupRefresh(ctx, rot.Hash)
	}
	rot.Kind = s.rotationKind(kind, old)
	if err == nil {
		err = s.blocks.check(old.Grant.CompanyID, userOf(old.Grant))
	}
	if err != nil {
		return TokenSet{}, grantError(old, err)
	}
	// The rotation rule runs once, in the store's atomic step: a verdict drawn from the read
	// above could be stale by the time the step runs.
	next, refresh := s.newPair(old.Grant, old.Family, rot.Now, s.refreshExpiry(old, rot.Now))
	rot.Next = next
	judged, at, err := s.store.Rotate(ctx, rot)
	if err != nil {
		if judged.Hash != "" {
			old = judged // as the step found it: e.g. revoked since the read
		}
		return TokenSet{}, grantError(old, err)
	}
	return s.sign(next, refresh, at)
}

func (s *Service) refreshExpiry(old store.RefreshToken, now time.Time) time.Time {
	if s.Policy().FixedRefreshExpiry {
		return old.ExpiresAt
	}
	if old.Grant.Kind == store.KindCompany {
		return now.Add(s.cfg.Lifetimes.CompanyRefresh)
	}
	return now.Add(s.cfg.Lifetimes.UserRefresh)
}

// authenticateClient checks client credentials in constant time.
func (s *Service) authenticateClient(ctx context.Context, id, secret string) error {
	set, err := s.store.Fixtures(ctx)
	if err != nil {
		return err
	}
	c, ok := set.CompanyByClient(id)
	if !ok || subtle.ConstantTimeCompare([]byte(c.ClientSecret), []byte(secret)) != 1 {
		return refuse(ErrInvalidClient, "client authentication failed")
	}
	return nil
}

// newPair makes a token pair for grant in family, issued at now: the refresh token (returned in
// clear, stored by hash) and the access token's description; it is signed once the store has
// placed it (sign).
func (s *Service) newPair(g store.Grant, family string, now, refreshExpiry time.Time) (store.Pair, string) {
	refresh := randomToken(32)
	return store.Pair{
		Access:  store.AccessToken{ID: randomToken(16), Family: family, Grant: g, IssuedAt: now, ExpiresAt: now.Add(s.accessLifetime(g.Kind))},
		Refresh: store.RefreshToken{Hash: HashToken(refresh), Family: family, Grant: g, IssuedAt: now, ExpiresAt: refreshExpiry},
	}, refresh
}

// sign signs the pair's access token with where the store placed it, and answers the set.
func (s *Service) sign(p store.Pair, refresh string, at store.Issued) (TokenSet, error) {
	a := p.Access
	claims := &Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: s.cfg.Issuer, Subject: a.Grant.Subject, ID: a.ID,
			IssuedAt: jwt.NewNumericDate(a.IssuedAt), ExpiresAt: jwt.NewNumericDate(a.ExpiresAt),
		},
		Scope: a.Grant.Scope, Kind: string(a.Grant.Kind), CompanyID: a.Grant.CompanyID, ClientID: a.Grant.ClientID,
		Family: a.Family, Seq: at.Seq, FamilySeq: at.FamilySeq,
	}
	claims.MAC = bind(at.Gen, claims)
	signed, err := s.keys.Sign(claims)
	if err != nil {
		return TokenSet{}, err
	}
	lifetime := a.ExpiresAt.Sub(a.IssuedAt)
	return TokenSet{AccessToken: signed, RefreshToken: refresh, ExpiresIn: int64(lifetime / time.Second),
		AccessExpiry: a.ExpiresAt, RefreshExpiry: p.Refresh.ExpiresAt}, nil
}

// isRefusal reports whether err is already one of the domain's answers (a scenario's block).
func isRefusal(err error) bool {
	for _, e := range []error{ErrUserDisabled, ErrCompanyDisabled, ErrIPNotAllowed, ErrPasswordReset, ErrInvalidToken} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
