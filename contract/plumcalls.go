package contract

import (
	"encoding/json"
	"net/http"
)

// The spec's paths, relative to the base URL.
const (
	PathCreateUser     = "/v1/oauth/token/create/user"
	PathRefreshUser    = "/v1/oauth/token/user"
	PathRefreshCompany = "/v1/oauth/token/company"
	PathValidate       = "/v1/oauth/token"
	PathAPI            = "/v1/oauth/api"
)

// Scope values the pages show for E1.
const (
	ScopeUserSession = "user_session"
	ScopeStoreAdmin  = "store_admin_manage"
)

// Creds returns the credentials as they stand now.
func (c *C) Creds() Credentials { return c.s.credentials() }

// CreateUser calls E1 with the current company token.
func (c *C) CreateUser(email, scope string) *Response {
	return c.Do(Request{Method: http.MethodPost, Path: PathCreateUser, Bearer: c.Creds().CompanyToken,
		JSON: map[string]string{"user_input": email, "scope": scope}})
}

// NewUserTokens calls E1 for the Super Admin and asserts a consistent token set.
func (c *C) NewUserTokens() TokenSet {
	return c.TokenSet(c.CreateUser(c.Creds().UserEmail, ScopeUserSession))
}

// refreshBody is the four-field JSON body of E2 and E3.
func (c *C) refreshBody(refresh string) map[string]string {
	cr := c.Creds()
	return map[string]string{"grant_type": "refresh_token", "refresh_token": refresh,
		"client_id": cr.ClientID, "client_secret": cr.ClientSecret}
}

// RefreshUser calls E2 with the target's client credentials.
func (c *C) RefreshUser(refresh string) *Response {
	return c.Do(Request{Method: http.MethodPost, Path: PathRefreshUser, JSON: c.refreshBody(refresh)})
}

// RefreshCompany calls E3 with the target's client credentials.
func (c *C) RefreshCompany(refresh string) *Response {
	return c.Do(Request{Method: http.MethodPost, Path: PathRefreshCompany, JSON: c.refreshBody(refresh)})
}

// Validate calls E4 with the given bearer token.
func (c *C) Validate(token string) *Response {
	return c.Do(Request{Method: http.MethodGet, Path: PathValidate, Bearer: token})
}

// Balance calls E8's user_balance query for the Super Admin.
func (c *C) Balance(token string) *Response {
	return c.Do(Request{Method: http.MethodPost, Path: PathAPI, Bearer: token, JSON: map[string]any{
		"query": "storesAdmin.query.user_balance", "tag": "storeAdmin",
		"variables": map[string]any{"user_data": map[string]string{"email": c.Creds().UserEmail}},
	}})
}

// Validation is a decoded E4 answer.
type Validation struct {
	AccessToken     string
	TokenType       string
	ExpiresIn       int64
	AccessExpiryMS  int64 // 0 when absent (the field is optional on some pages)
	RefreshExpiryMS int64
	// ExpiryEncoding is "number" or "string" as for TokenSet, "" when the fields are absent.
	ExpiryEncoding string
	Resp           *Response
}

// Validation asserts a 200 validation answer that echoes token, and decodes it.
func (c *C) Validation(resp *Response, token string) Validation {
	if resp.Status != http.StatusOK {
		c.FatalOn(resp, "validate: want 200 for a live token, got %d", resp.Status)
	}
	c.expectNoStore(resp)
	var w wireTokenSet
	if err := json.Unmarshal(resp.Body, &w); err != nil {
		c.FatalOn(resp, "validation answer is not JSON: %v", err)
	}
	v := Validation{AccessToken: w.AccessToken, TokenType: w.TokenType, Resp: resp}
	var err error
	if v.ExpiresIn, _, err = epochInt(w.ExpiresIn); err != nil {
		c.FatalOn(resp, "expires_in must be an integer: %v", err)
	}
	v.AccessExpiryMS, v.ExpiryEncoding, _ = epochInt(w.AccessTokenExpiry)
	v.RefreshExpiryMS, _, _ = epochInt(w.RefreshTokenExpiry)
	if v.AccessToken != token {
		c.failOn(resp, "access_token must echo the presented token")
	}
	if v.TokenType != "bearer" {
		c.failOn(resp, "token_type must be exactly %q, got %q", "bearer", v.TokenType)
	}
	return v
}

// ExpectBalance asserts E8's documented answer for the Super Admin: success 1, message null and
// a numeric total, equal to Target.ExpectedBalance when that is set.
func (c *C) ExpectBalance(resp *Response) {
	want := c.s.target.ExpectedBalance
	if resp.Status != http.StatusOK {
		c.FatalOn(resp, "E8 user_balance: want 200, got %d", resp.Status)
	}
	var body struct {
		Data struct {
			UserBalance struct {
				Success *int                      `json:"success"`
				Message *string                   `json:"message"`
				Data    *struct{ Total *float64 } `json:"data"`
			} `json:"user_balance"`
		} `json:"data"`
	}
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		c.FatalOn(resp, "E8 answer is not JSON: %v", err)
	}
	ub := body.Data.UserBalance
	switch {
	case ub.Success == nil || *ub.Success != 1:
		c.failOn(resp, "data.user_balance.success must be 1")
	case ub.Message != nil:
		c.failOn(resp, "data.user_balance.message must be null")
	case ub.Data == nil || ub.Data.Total == nil:
		c.failOn(resp, "data.user_balance.data.total must be a number")
	case want != nil && *ub.Data.Total != *want:
		c.failOn(resp, "data.user_balance.data.total must be %v, got %v", *want, *ub.Data.Total)
	}
}
