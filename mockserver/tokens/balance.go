package tokens

import (
	"context"
	"errors"

	"github.com/plummock/plummock/fixtures"
)

// ErrUserNotFound is an E8 lookup of a user the company does not have.
var ErrUserNotFound = errors.New("user not found")

// Caller is who an E8 call speaks for: a live user or company access token, its company, and
// the fixture set in force.
type Caller struct {
	Principal
	Company  *fixtures.Company
	Fixtures *fixtures.Set
}

// APICaller authenticates an E8 call. Either kind of token may call: the company token a
// company generates in the Plum dashboard is what public clients call E8 with.
func (s *Service) APICaller(ctx context.Context, bearer string) (Caller, error) {
	p, err := s.Authenticate(ctx, bearer, "")
	if err != nil {
		return Caller{}, err
	}
	set, err := s.store.Fixtures(ctx)
	if err != nil {
		return Caller{}, err
	}
	c, ok := set.Company(p.Token.Grant.CompanyID)
	if !ok {
		return Caller{}, badToken("%s: the token's company is not in the fixtures any more", WhyUnknown)
	}
	return Caller{Principal: p, Company: c, Fixtures: set}, nil
}

// User is the user the call speaks for: a user token's own, "" for a company token.
func (c Caller) User() string { return userOf(c.Token.Grant) }
