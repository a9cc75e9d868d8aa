package contract

import (
	"fmt"

	"github.com/golang-jwt/jwt/v5"
)

// jwksCases run only where the target publishes its keys; elsewhere tokens are opaque.
func jwksCases() []Case {
	return []Case{
		{Name: "jwks/access-token-verifies", Doc: "issued and rotated access tokens are RS256 JWTs whose kid is in the JWKS, whose signature verifies and whose exp is access_token_expiry/1000",
			Needs: []Capability{CapJWKS}, Run: caseJWKS},
	}
}

func caseJWKS(c *C) {
	a := c.NewUserTokens()
	c.verifyJWT(a)
	b := c.TokenSet(c.RefreshUser(a.RefreshToken))
	c.verifyJWT(b)
}

// verifyJWT checks one issued access token against the JWKS with golang-jwt. Time claims are
// not checked against the local clock (the fake's clock may be moved); exp is compared with
// the issued access_token_expiry instead.
func (c *C) verifyJWT(ts TokenSet) {
	keys := c.s.caps.jwks
	var kid string
	tok, err := jwt.Parse(ts.AccessToken, func(t *jwt.Token) (any, error) {
		kid, _ = t.Header["kid"].(string)
		if kid == "" {
			return nil, fmt.Errorf("no kid header")
		}
		if k, ok := keys.keys[kid]; ok {
			return k, nil
		}
		return nil, fmt.Errorf("kid %q is not in the JWKS", kid)
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation())
	if err != nil {
		c.FatalOn(ts.Resp, "access token does not verify as RS256 against the JWKS: %v", err)
	}
	exp, err := tok.Claims.GetExpirationTime()
	if err != nil || exp == nil {
		c.FatalOn(ts.Resp, "access token has no usable exp claim")
	}
	if exp.Unix() != ts.AccessExpiryMS/1000 {
		c.failOn(ts.Resp, "exp %d differs from access_token_expiry/1000 = %d", exp.Unix(), ts.AccessExpiryMS/1000)
	}
}
