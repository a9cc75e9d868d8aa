package apierr

import (
	"errors"
	"fmt"
	"testing"

	"github.com/plummock/plummock/mockserver/store"
	"github.com/plummock/plummock/mockserver/tokens"
)

func TestFromDomainMapsEveryDomainError(t *testing.T) {
	cases := []struct {
		err    error
		status int
		body   any
	}{
		{fmt.Errorf("%w: expired", tokens.ErrInvalidToken), 401, OAuth{"invalid_token", DescInvalidToken}},
		{tokens.ErrPasswordReset, 401, TokenError{0, "auth.token_error"}},
		{tokens.ErrUserDisabled, 401, Business{401, "PIPE10015", "user is disabled", "user is disabled"}},
		{tokens.ErrCompanyDisabled, 401, Business{401, "PIPE10016", "company is disabled", "company is disabled"}},
		{tokens.ErrIPNotAllowed, 401, Business{401, "PIPE10017", "IP address is not allow-listed", "IP address is not allow-listed"}},
		{fmt.Errorf("%w: x", tokens.ErrUserNotFound), 404, Business{404, "PLE10030", "user not found", "user not found"}},
		{&tokens.Error{Code: tokens.ErrInvalidGrant, Description: "refresh token already used"}, 400, OAuth{"invalid_grant", "refresh token already used"}},
		{fmt.Errorf("tokens: rotate: %w", tokens.ErrInvalidGrant), 400, OAuth{"invalid_grant", "refresh token is invalid, used or expired"}},
		{fmt.Errorf("wrapped: %w", &tokens.Error{Code: tokens.ErrInvalidGrant, Description: "refresh token was revoked"}), 400, OAuth{"invalid_grant", "refresh token was revoked"}},
		{&tokens.Error{Code: tokens.ErrInvalidClient, Description: "bad"}, 400, OAuth{"invalid_client", "bad"}},
		{&tokens.Error{Code: tokens.ErrUnsupportedGrantType, Description: "g"}, 400, OAuth{"unsupported_grant_type", "g"}},
		{&tokens.Error{Code: tokens.ErrInvalidScope, Description: "s"}, 400, OAuth{"invalid_scope", "s"}},
		{&tokens.Error{Code: tokens.ErrUnknownUser, Description: "no user"}, 400, OAuth{"invalid_request", "no user"}},
		{fmt.Errorf("redis: %w", store.ErrUnavailable), 503, OAuth{"temporarily_unavailable", "the token store is unavailable; try again"}},
	}
	for _, tc := range cases {
		e, ok := FromDomain(tc.err)
		if !ok || e.Status != tc.status || e.Body != tc.body {
			t.Errorf("%v: %+v %v", tc.err, e, ok)
		}
		if tc.status == 401 && e.Challenge == "" {
			t.Errorf("%v: 401 without challenge", tc.err)
		}
	}
}

func TestUnknownErrorsAreInternalAndNotEchoed(t *testing.T) {
	e, ok := FromDomain(errors.New("disk on fire at /secret/path"))
	if ok || e.Status != 500 || e.Body != (OAuth{"server_error", "internal error"}) {
		t.Fatalf("%+v %v", e, ok)
	}
}

func TestFromDomainCarriesTheReasonNotTheWrapText(t *testing.T) {
	err := fmt.Errorf("tokens: lookup: %w", &tokens.Error{Code: tokens.ErrInvalidToken, Reason: "expired: at noon"})
	e, ok := FromDomain(err)
	if !ok || e.Status != 401 || e.Body != (OAuth{"invalid_token", DescInvalidToken}) || e.Reason != "expired: at noon" {
		t.Fatalf("%+v %v", e, ok)
	}
}
