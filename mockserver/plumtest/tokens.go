package plumtest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// TokenSet is a Plum token set as the fake answers it, with its expiry fields typed: the API
// sends seconds and epoch milliseconds (as numbers or, with the "string" profile, as strings).
type TokenSet struct {
	AccessToken        string
	TokenType          string
	ExpiresIn          time.Duration // expires_in
	RefreshToken       string
	AccessTokenExpiry  time.Time // access_token_expiry; zero if absent
	RefreshTokenExpiry time.Time // refresh_token_expiry; zero if absent
}

// UnmarshalJSON reads a token set in either expiry format.
func (s *TokenSet) UnmarshalJSON(b []byte) error {
	var raw struct {
		AccessToken        string      `json:"access_token"`
		TokenType          string      `json:"token_type"`
		ExpiresIn          int64       `json:"expires_in"`
		RefreshToken       string      `json:"refresh_token"`
		AccessTokenExpiry  epochMillis `json:"access_token_expiry"`
		RefreshTokenExpiry epochMillis `json:"refresh_token_expiry"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*s = TokenSet{AccessToken: raw.AccessToken, TokenType: raw.TokenType, ExpiresIn: time.Duration(raw.ExpiresIn) * time.Second,
		RefreshToken: raw.RefreshToken, AccessTokenExpiry: time.Time(raw.AccessTokenExpiry), RefreshTokenExpiry: time.Time(raw.RefreshTokenExpiry)}
	return nil
}

// epochMillis is an expiry field: epoch milliseconds as a JSON number or a string of digits.
type epochMillis time.Time

func (e *epochMillis) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var text string
	if json.Unmarshal(b, &text) != nil {
		text = string(b)
	}
	ms, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return fmt.Errorf("expiry %s: not epoch milliseconds", b)
	}
	*e = epochMillis(time.UnixMilli(ms).UTC())
	return nil
}
