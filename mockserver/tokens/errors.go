package tokens

import "errors"

// Domain errors. The HTTP layer maps each to Plum's status and body in one place.
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
	switch reason {
	case ReasonUserDisabled:
		return ErrUserDisabled
	case ReasonCompanyDisabled:
		return ErrCompanyDisabled
	case ReasonIPNotAllowed:
		return ErrIPNotAllowed
	default:
		return ErrInvalidToken
	}
}
