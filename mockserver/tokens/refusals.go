package tokens

import (
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/plummock/plummock/mockserver/store"
)

// expired is the refusal of an access token past its expiry by the mock's clock.
func expired(at time.Time) *Error {
	return badToken("%s: the access token expired at %s by the mock's clock", WhyExpired, at.UTC().Format(time.RFC3339))
}

// wrongKind names the token that is wanted and where the one presented belongs.
func wrongKind(got, want store.Kind) *Error {
	if want == store.KindCompany {
		return badToken("%s: a %s token; %s needs a company access token (refresh the company pair with %s)",
			WhyWrongKind, got, pathCreateUser, pathRefreshCompany)
	}
	return badToken("%s: a %s token; this call needs a %s access token (from %s, refreshed with %s)",
		WhyWrongKind, got, want, pathCreateUser, pathRefreshUser)
}

// parseRefusal tells a JWT the mock's keys did not sign from one that is not a JWT at all.
// claims are what the parser read, for the expiry of an expired token; may be nil.
func parseRefusal(err error, claims *Claims) *Error {
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		return badToken("%s: three dot-separated parts, but not a JWT", WhyMalformed)
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return badToken("%s: the signature does not verify with the mock's keys (GET /.well-known/jwks.json)", WhyForged)
	case errors.Is(err, jwt.ErrTokenExpired) && claims != nil && claims.ExpiresAt != nil:
		return expired(claims.ExpiresAt.Time)
	}
	return badToken("%s: the JWT's claims are not the mock's (%v)", WhyUnknown, err)
}
