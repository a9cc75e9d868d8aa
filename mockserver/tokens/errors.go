package tokens

import (
	"errors"
	"fmt"

	"github.com/plummock/plummock/mockserver/store"
)

// Domain errors. The HTTP layer maps each to Plum's status and body in one place. A refusal
// that explains itself is an *Error whose Code is one of these.
var (
	ErrInvalidRequest       = errors.New("invalid_request")
	ErrInvalidToken         = errors.New("invalid_token")
	ErrInvalidGrant         = errors.New("invalid_grant")
	ErrInvalidClient        = errors.New("invalid_client")
	ErrUnsupportedGrantType = errors.New("unsupported_grant_type")
	ErrInvalidScope         = errors.New("invalid_scope")
	ErrUnknownUser          = errors.New("unknown user")
	ErrPasswordReset        = errors.New("auth.token_error")
	ErrUserDisabled         = errors.New("user disabled")
	ErrCompanyDisabled      = errors.New("company disabled")
	ErrIPNotAllowed         = errors.New("ip not allow-listed")
)

// Error is a refusal the domain explains. Code says what Plum answers (errors.Is matches it);
// Description is what the client reads in error_description, where Plum's body has one; Reason
// says why the mock refused, for the Plummock-Reason header and the debug log. Neither ever
// holds a token or a secret.
type Error struct {
	Code        error
	Description string
	Reason      string
}

func (e *Error) Error() string {
	msg := e.Code.Error()
	if e.Description != "" {
		msg += ": " + e.Description
	}
	if e.Reason != "" && e.Reason != e.Description {
		msg += " (" + e.Reason + ")"
	}
	return msg
}

// Unwrap makes errors.Is(err, ErrInvalidGrant) hold for a refusal with that code.
func (e *Error) Unwrap() error { return e.Code }

// refuse is a refusal whose description is also its reason.
func refuse(code error, format string, args ...any) *Error {
	d := fmt.Sprintf(format, args...)
	return &Error{Code: code, Description: d, Reason: d}
}

// badToken is the invalid_token refusal: every client reads the same documented body, and
// only the reason says which of the ways a token can fail this one took.
func badToken(format string, args ...any) *Error {
	return &Error{Code: ErrInvalidToken, Reason: fmt.Sprintf(format, args...)}
}

// Access-token refusal reasons start with one of these words, so a test or a log filter can
// tell them apart.
const (
	WhyExpired   = "expired"
	WhyUnknown   = "unknown"
	WhyForged    = "forged"
	WhyRevoked   = "revoked"
	WhyWrongKind = "wrong kind"
	WhyPreReset  = "pre-reset"
	WhyMalformed = "malformed"
)

// Revocation reasons the scenarios record; each maps to the error Plum answers afterwards.
const (
	ReasonPasswordReset   = "password_reset"
	ReasonOtherSuperAdmin = "other_super_admin"
	ReasonUserDisabled    = "user_disabled"
	ReasonCompanyDisabled = "company_disabled"
	ReasonIPNotAllowed    = "ip_not_allowed"
	ReasonRegenerated     = "regenerated"
)

// revocationError says what a token revoked for reason answers. Only a password reset has an
// answer of its own for good; a disabled user or company answers PIPE1001x through the block
// while it is in force (blockError), and a plain dead token once the block is lifted.
func revocationError(reason string, otherwise error) error {
	if reason == ReasonPasswordReset {
		return ErrPasswordReset
	}
	return otherwise
}

// blockError says what a call refused by a scenario's block answers.
func blockError(reason string) error {
	code := ErrInvalidToken
	switch reason {
	case ReasonUserDisabled:
		code = ErrUserDisabled
	case ReasonCompanyDisabled:
		code = ErrCompanyDisabled
	case ReasonIPNotAllowed:
		code = ErrIPNotAllowed
	}
	return &Error{Code: code, Reason: "blocked by scenario " + reason + " (lifted by POST /__admin/reset)"}
}

// Paths a refusal names, as a client sees them under the base URL.
const (
	pathRefreshUser    = "POST /chef/v1/oauth/token/user"
	pathRefreshCompany = "POST /chef/v1/oauth/token/company"
	pathCreateUser     = "POST /chef/v1/oauth/token/create/user"
)

// refreshPathFor names the refresh path that takes a refresh token of kind k.
func refreshPathFor(k store.Kind) string {
	if k == store.KindCompany {
		return pathRefreshCompany
	}
	return pathRefreshUser
}

// grantError maps a store refusal of a refresh to Plum's answer: a scenario's own error where
// one revoked the token, invalid_grant with what went wrong otherwise.
func grantError(old store.RefreshToken, err error) error {
	if isRefusal(err) {
		return err
	}
	if errors.Is(err, store.ErrRevoked) {
		why := WhyRevoked + ": " + old.Revoked.Reason
		return &Error{Code: revocationError(old.Revoked.Reason, ErrInvalidGrant), Description: "refresh token was revoked", Reason: why}
	}
	var why string
	switch {
	case errors.Is(err, store.ErrNotFound):
		why = "unknown refresh token"
	case errors.Is(err, store.ErrUsed):
		why = "refresh token already used"
	case errors.Is(err, store.ErrExpired):
		why = "refresh token expired"
	case errors.Is(err, store.ErrWrongClient):
		why = "refresh token was issued to another client"
	case errors.Is(err, store.ErrWrongKind):
		return &Error{Code: ErrInvalidGrant, Description: "refresh token is for another token kind",
			Reason: fmt.Sprintf("%s: %s refresh token: use %s", WhyWrongKind, old.Grant.Kind, refreshPathFor(old.Grant.Kind))}
	default:
		return fmt.Errorf("tokens: rotate: %w", err)
	}
	return refuse(ErrInvalidGrant, "%s", why)
}
