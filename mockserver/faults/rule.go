package faults

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/plummock/plummock/fixtures"
)

// Duration is written as "2s" in JSON (the fixtures' duration type).
type Duration = fixtures.Duration

// FieldError names the field of a rule that is wrong.
type FieldError struct {
	Field   string
	Problem string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Problem }

// presets are Plum's documented failure answers (docs/plum-api.md, "Error bodies").
func preset(name string) (int, string, bool) {
	switch name {
	case "rate_limited":
		return 429, `{"message":"auth.request_limit_exceeded"}`, true
	case "per_api_limit":
		return 429, `{"errors":[{"message":"auth.request_limit_exceeded","penaltySeconds":60}]}`, true
	case "500":
		return 500, `{"error":"server_error","error_description":"internal error"}`, true
	case "502":
		return 502, `{"error":"bad_gateway","error_description":"upstream error"}`, true
	case "503":
		return 503, `{"error":"temporarily_unavailable","error_description":"service unavailable"}`, true
	}
	return 0, "", false
}

// normalize checks a rule and resolves its preset; the error names the field.
func (r *Rule) normalize() error {
	if r.Operation == "" {
		return &FieldError{"operation", `required: an operationId such as "refreshUserToken", or "*"`}
	}
	if err := r.resolveAnswer(); err != nil {
		return err
	}
	switch {
	case r.Count < 0:
		return &FieldError{"count", "must not be negative"}
	case r.Percent < 0 || r.Percent > 100:
		return &FieldError{"percent", "must be between 0 and 100"}
	case r.Count == 0 && r.Percent == 0:
		return &FieldError{"count", "give count (the next N calls) or percent (a share of calls)"}
	case r.Count > 0 && r.Percent > 0:
		return &FieldError{"percent", "give count or percent, not both"}
	case r.Delay < 0 || time.Duration(r.Delay) > MaxDelay:
		return &FieldError{"delay", fmt.Sprintf("must be between 0s and %v", MaxDelay)}
	}
	return nil
}

// resolveAnswer settles status and body: from a preset, from status+body, or a drop.
func (r *Rule) resolveAnswer() error {
	if r.Preset != "" {
		if r.Status != 0 || len(r.Body) > 0 {
			return &FieldError{"preset", "give a preset or status and body, not both"}
		}
		status, body, ok := preset(r.Preset)
		if !ok {
			return &FieldError{"preset", "one of rate_limited, per_api_limit, 500, 502, 503"}
		}
		r.Status, r.Body = status, json.RawMessage(body)
		return nil
	}
	if r.Drop {
		if r.Status != 0 {
			return &FieldError{"status", "a dropped connection has no status"}
		}
		return nil
	}
	if r.Status < 400 || r.Status > 599 {
		return &FieldError{"status", "must be an error status from 400 to 599 (or use a preset or drop)"}
	}
	if len(r.Body) == 0 {
		return &FieldError{"body", "required with status: the JSON to answer"}
	}
	if !json.Valid(r.Body) {
		return &FieldError{"body", "must be JSON"}
	}
	return nil
}
