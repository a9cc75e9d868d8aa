package mockserver

import (
	"errors"
	"net/http"
	"slices"

	"github.com/plummock/plummock"
	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/apierr"
	"github.com/plummock/plummock/mockserver/faults"
	"github.com/plummock/plummock/mockserver/tokens"
)

// controlBindings are the admin calls that change how the mock behaves.
func (s *Server) controlBindings() map[string]adminOperation {
	return map[string]adminOperation{
		"getProfile":     s.adminGetProfile,
		"putProfile":     s.adminPutProfile,
		"listScenarios":  s.adminListBlocks,
		"clearScenarios": s.adminClearBlocks,
		"runScenario":    s.adminRunScenario,
		"listFaults":     s.adminListFaults,
		"addFault":       s.adminAddFault,
		"clearFaults":    s.adminClearFaults,
		"removeFault":    s.adminRemoveFault,
		"listRateLimits": s.adminListRateLimits,
		"setRateLimit":   s.adminSetRateLimit,
	}
}

func (s *Server) adminGetProfile(w http.ResponseWriter, _ *http.Request, _ adminInput) {
	writeJSON(w, http.StatusOK, s.tokens.Policy())
}

// adminPutProfile replaces the whole profile; fields left out take their defaults.
func (s *Server) adminPutProfile(w http.ResponseWriter, r *http.Request, in adminInput) {
	var p fixtures.Profile
	if !decodeAdmin(w, in.body, &p) {
		return
	}
	if err := s.tokens.SetPolicy(p); err != nil {
		writeError(w, apierr.BadRequest(fieldProblem(err)))
		return
	}
	writeJSON(w, http.StatusOK, s.tokens.Policy())
}

// fieldProblem renders a FieldError without its package prefix.
func fieldProblem(err error) string {
	var fe *fixtures.FieldError
	if errors.As(err, &fe) {
		return fe.Field + ": " + fe.Problem
	}
	var ff *faults.FieldError
	if errors.As(err, &ff) {
		return ff.Error()
	}
	return err.Error()
}

func (s *Server) adminListBlocks(w http.ResponseWriter, _ *http.Request, _ adminInput) {
	writeJSON(w, http.StatusOK, map[string]any{"scenarios": tokens.Scenarios(), "blocks": s.tokens.Blocks()})
}

func (s *Server) adminClearBlocks(w http.ResponseWriter, _ *http.Request, _ adminInput) {
	s.tokens.ClearBlocks()
	writeJSON(w, http.StatusOK, map[string]any{"blocks": s.tokens.Blocks()})
}

func (s *Server) adminRunScenario(w http.ResponseWriter, r *http.Request, in adminInput) {
	name := in.params["scenario"]
	if !slices.Contains(tokens.Scenarios(), name) {
		writeError(w, apierr.New(http.StatusNotFound, "invalid_request", "no scenario "+name))
		return
	}
	var req tokens.ScenarioRequest
	if !decodeAdmin(w, in.body, &req) {
		return
	}
	res, err := s.tokens.RunScenario(r.Context(), name, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := map[string]any{"scenario": res.Scenario, "revoked": res.Revoked, "blocked": res.Blocked}
	if res.Tokens != nil {
		out["tokens"] = s.tokenSetJSON(*res.Tokens)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) adminListFaults(w http.ResponseWriter, _ *http.Request, _ adminInput) {
	writeJSON(w, http.StatusOK, map[string]any{"faults": s.faults.List(), "rate_limits": s.faults.RateLimits()})
}

func (s *Server) adminAddFault(w http.ResponseWriter, r *http.Request, in adminInput) {
	var rule faults.Rule
	if !decodeAdmin(w, in.body, &rule) {
		return
	}
	if field := assignedField(rule); field != "" {
		writeError(w, apierr.BadRequest(field+": set by the mock, not accepted"))
		return
	}
	if rule.Operation != "*" && !slices.Contains(plummock.OperationIDs(s.doc), rule.Operation) {
		writeError(w, apierr.BadRequest("operation: want \"*\" or one of "+joinSorted(plummock.OperationIDs(s.doc))))
		return
	}
	added, err := s.faults.Add(rule)
	if err != nil {
		writeError(w, apierr.BadRequest(fieldProblem(err)))
		return
	}
	writeJSON(w, http.StatusCreated, added)
}

func (s *Server) adminClearFaults(w http.ResponseWriter, _ *http.Request, _ adminInput) {
	s.faults.Clear()
	writeJSON(w, http.StatusOK, map[string]any{"faults": s.faults.List(), "rate_limits": s.faults.RateLimits()})
}

func (s *Server) adminRemoveFault(w http.ResponseWriter, r *http.Request, in adminInput) {
	id := in.params["id"]
	if !s.faults.Remove(id) {
		writeError(w, apierr.New(http.StatusNotFound, "invalid_request", "no fault "+id))
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"removed": id})
}

func (s *Server) adminListRateLimits(w http.ResponseWriter, _ *http.Request, _ adminInput) {
	writeJSON(w, http.StatusOK, map[string]any{"rate_limits": s.faults.RateLimits()})
}

func (s *Server) adminSetRateLimit(w http.ResponseWriter, r *http.Request, in adminInput) {
	var rl faults.RateLimit
	if !decodeAdmin(w, in.body, &rl) {
		return
	}
	if !slices.Contains(plummock.OperationIDs(s.doc), rl.Operation) {
		writeError(w, apierr.BadRequest("operation: want one of "+joinSorted(plummock.OperationIDs(s.doc))))
		return
	}
	if err := s.faults.SetRateLimit(rl); err != nil {
		writeError(w, apierr.BadRequest(fieldProblem(err)))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"rate_limits": s.faults.RateLimits()})
}

func joinSorted(xs []string) string {
	xs = slices.Clone(xs)
	slices.Sort(xs)
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}

// assignedField names a field of a fault that only the mock sets (it appears in answers).
func assignedField(r faults.Rule) string {
	switch {
	case r.ID != "":
		return "id"
	case r.Remaining != 0:
		return "remaining"
	}
	return ""
}
