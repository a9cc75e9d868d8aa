// Package apierr builds every error the mock answers, in Plum's shapes, and maps domain errors
// to them: the one place that decides status and body, so no handler can invent its own.
package apierr

import (
	"errors"
	"net/http"

	"github.com/plummock/plummock/mockserver/store"
	"github.com/plummock/plummock/mockserver/tokens"
	"github.com/plummock/plummock/redact"
)

// Error is an answer the mock gives instead of a result: a status, a JSON body in one of Plum's
// shapes and the headers that go with it.
type Error struct {
	Status int
	Body   any
	// Challenge is the WWW-Authenticate value for a 401 (RFC 6750).
	Challenge string
	// Allow lists the methods for a 405.
	Allow string
	// RetryAfter, in seconds, for a 429.
	RetryAfter int
	// Reason says why the mock refused, for the Plummock-Reason header and the debug log;
	// never a token or a secret.
	Reason string
}

// OAuth is Plum's {"error","error_description"} shape.
type OAuth struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

// TokenError is Plum's answer after a Super Admin password reset.
type TokenError struct {
	Success        int    `json:"success"`
	ErrorMessageID string `json:"error_message_id"`
}

// Business is Plum's business error shape.
type Business struct {
	Code      int    `json:"code"`
	ErrorID   string `json:"errorId"`
	ErrorInfo string `json:"errorInfo,omitempty"`
	Error     string `json:"error,omitempty"`
}

// Documented descriptions, word for word from Plum's pages.
const (
	DescInvalidRequest = "missing/invalid parameters authorization header"
	DescInvalidToken   = "invalid/expired token"
)

// New is an OAuth-shaped error.
func New(status int, code, description string) *Error {
	return &Error{Status: status, Body: OAuth{Error: code, Description: description}}
}

// BadRequest is 400 invalid_request naming the problem.
func BadRequest(description string) *Error {
	return New(http.StatusBadRequest, "invalid_request", description)
}

// MissingCredentials is the 401 for an absent or malformed Authorization header.
func MissingCredentials() *Error {
	e := New(http.StatusUnauthorized, "invalid_request", DescInvalidRequest)
	e.Challenge = `Bearer realm="plum"`
	return e
}

// InvalidToken is the 401 for a token that is unknown, expired, forged or revoked.
func InvalidToken() *Error {
	e := New(http.StatusUnauthorized, "invalid_token", DescInvalidToken)
	e.Challenge = `Bearer realm="plum", error="invalid_token", error_description="invalid/expired token"`
	return e
}

// QueryLimited is Plum's answer to an E8 query over its per-minute limit.
func QueryLimited() *Error {
	type item struct {
		Message        string `json:"message"`
		PenaltySeconds int    `json:"penaltySeconds"`
	}
	type body struct {
		Errors []item `json:"errors"`
	}
	return &Error{Status: http.StatusTooManyRequests, Body: body{Errors: []item{{"auth.request_limit_exceeded", 60}}}, RetryAfter: 60}
}

// Internal is the generic 500: the cause is logged, never echoed.
func Internal() *Error {
	return New(http.StatusInternalServerError, "server_error", "internal error")
}

// Unavailable is the 503 when the store cannot be reached.
func Unavailable() *Error {
	return New(http.StatusServiceUnavailable, "temporarily_unavailable", "the token store is unavailable; try again")
}

// FromDomain maps a domain error to Plum's answer. ok is false for an error that is not the
// client's fault, which the caller logs and answers with Internal. A refusal that explains
// itself (*tokens.Error) gives the description and the reason; nothing is cut out of an
// error's text, so no wrap can leak into a body.
func FromDomain(err error) (e *Error, ok bool) {
	var te *tokens.Error
	var desc, reason string
	if errors.As(err, &te) {
		desc, reason = te.Description, te.Reason
	}
	e, ok = fromCode(err, desc)
	if ok {
		e.Reason = redact.JWTs(reason) // a reason may quote a field, and a field may be a token
	}
	return e, ok
}

// fromCode is the status and body of each domain code.
func fromCode(err error, desc string) (*Error, bool) {
	switch {
	case errors.Is(err, tokens.ErrInvalidToken):
		return InvalidToken(), true
	case errors.Is(err, tokens.ErrPasswordReset):
		return &Error{Status: http.StatusUnauthorized, Body: TokenError{Success: 0, ErrorMessageID: "auth.token_error"},
			Challenge: `Bearer realm="plum", error="invalid_token"`}, true
	case errors.Is(err, tokens.ErrUserDisabled):
		return business(http.StatusUnauthorized, "PIPE10015", "user is disabled"), true
	case errors.Is(err, tokens.ErrCompanyDisabled):
		return business(http.StatusUnauthorized, "PIPE10016", "company is disabled"), true
	case errors.Is(err, tokens.ErrIPNotAllowed):
		return business(http.StatusUnauthorized, "PIPE10017", "IP address is not allow-listed"), true
	case errors.Is(err, tokens.ErrUserNotFound):
		return business(http.StatusNotFound, "PLE10030", "user not found"), true
	case errors.Is(err, store.ErrUnavailable):
		return Unavailable(), true
	}
	for _, code := range []error{tokens.ErrInvalidGrant, tokens.ErrInvalidClient, tokens.ErrUnsupportedGrantType,
		tokens.ErrInvalidScope, tokens.ErrInvalidRequest, tokens.ErrUnknownUser} {
		if errors.Is(err, code) {
			return oauthError(code, desc), true
		}
	}
	return Internal(), false
}

// defaultDescription is what a code says when the refusal gave no description of its own.
func defaultDescription(code error) string {
	switch code {
	case tokens.ErrInvalidGrant:
		return "refresh token is invalid, used or expired"
	case tokens.ErrInvalidClient:
		return "client authentication failed"
	case tokens.ErrUnsupportedGrantType:
		return "grant_type must be refresh_token"
	case tokens.ErrInvalidScope:
		return "scope is not allowed"
	case tokens.ErrUnknownUser:
		return "unknown user"
	}
	return DescInvalidRequest
}

// oauthError is the 400 for code: an unknown user is Plum's invalid_request.
func oauthError(code error, desc string) *Error {
	if desc == "" {
		desc = defaultDescription(code)
	}
	name := code.Error()
	if code == tokens.ErrUnknownUser {
		name = "invalid_request"
	}
	return New(http.StatusBadRequest, name, desc)
}

// business is Plum's business error; a 401 one also carries the Bearer challenge.
func business(status int, id, info string) *Error {
	e := &Error{Status: status, Body: Business{Code: status, ErrorID: id, ErrorInfo: info, Error: info}}
	if status == http.StatusUnauthorized {
		e.Challenge = `Bearer realm="plum", error="invalid_token"`
	}
	return e
}
