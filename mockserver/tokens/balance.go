package tokens

import (
	"context"
	"fmt"

	"github.com/plummock/plummock/mockserver/store"
)

// ErrUnknownQuery is returned for an E8 query the mock does not implement.
var ErrUnknownQuery = fmt.Errorf("%w: unsupported query", ErrInvalidRequest)

// ErrUserNotFound is an E8 lookup of a user the company does not have.
var ErrUserNotFound = fmt.Errorf("user not found")

// Balance is E8's storesAdmin.query.user_balance: a user token reads a user's points balance in
// its own company (the token's own user when email is empty).
func (s *Service) Balance(ctx context.Context, userBearer, email string) (float64, error) {
	p, err := s.Authenticate(ctx, userBearer, store.KindUser)
	if err != nil {
		return 0, err
	}
	if email == "" {
		email = p.Token.Grant.Subject
	}
	c, err := s.company(ctx, p.Token.Grant.CompanyID)
	if err != nil {
		return 0, err
	}
	u, ok := c.User(email)
	if !ok {
		return 0, fmt.Errorf("%w: %q", ErrUserNotFound, email)
	}
	return u.Balance, nil
}
