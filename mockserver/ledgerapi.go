package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/apierr"
	"github.com/plummock/plummock/mockserver/ledger"
	"github.com/plummock/plummock/mockserver/tokens"
)

// withReason sets a refusal's reason.
func withReason(e *apierr.Error, reason string) *apierr.Error {
	e.Reason = reason
	return e
}

// sendData is sendBalance's variables. Plum's pages put them under recipients_data (older and
// reference pages) or directly in variables (the playground); both are read.
type sendData struct {
	SenderEmail string `json:"sender_email"`
	Recipients  []struct {
		ToName   string          `json:"to_name"`
		ToEmail  string          `json:"to_email"`
		Amount   json.RawMessage `json:"amount"`
		Citation string          `json:"citation"`
		UniqueID json.RawMessage `json:"unique_id"`
	} `json:"recipients"`
	// ReferenceID is the mock's own idempotency key (not in Plum's pages): a send repeated
	// with the same reference moves the points once.
	ReferenceID string `json:"reference_id"`
}

// ledgerRequest is the part of an E8 body the ledger mutations read.
type ledgerRequest struct {
	Variables struct {
		RecipientsData *sendData `json:"recipients_data"`
		sendData
	} `json:"variables"`
}

// ledgerVars reads the ledger variables of a body the spec and the strict JSON check have passed.
func ledgerVars(body []byte) (sendData, *apierr.Error) {
	var req ledgerRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil {
		return sendData{}, apierr.BadRequest("variables: " + shortJSONError(err))
	}
	if req.Variables.RecipientsData != nil {
		return *req.Variables.RecipientsData, nil
	}
	return req.Variables.sendData, nil
}

// shortJSONError names the field of a JSON type error without quoting the value.
func shortJSONError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field + ": must be a " + te.Type.String()
	}
	return "not the expected shape"
}

// sendBalance is storesAdmin.mutation.sendBalance: the sender's points go to every recipient
// at once, or nothing moves.
func (s *Server) sendBalance(w http.ResponseWriter, r *http.Request, in input, c tokens.Caller) {
	v, e := ledgerVars(in.body)
	if e != nil {
		s.refuse(w, r, e)
		return
	}
	req := ledger.SendRequest{Sender: v.SenderEmail, Reference: v.ReferenceID}
	if req.Sender == "" {
		req.Sender = c.User()
	}
	for i, rc := range v.Recipients {
		amount, err := ledger.ParseAmount(strings.Trim(string(rc.Amount), `"`))
		if err != nil {
			s.refuse(w, r, apierr.BadRequest("recipients["+strconv.Itoa(i)+"]: "+ledgerDetail(err)))
			return
		}
		req.Recipients = append(req.Recipients, ledger.Recipient{Name: rc.ToName, Email: rc.ToEmail, Citation: rc.Citation, Amount: amount})
	}
	res, err := s.e8.book.Send(seeder(c), c.Company.ID, req)
	if err != nil {
		s.refuse(w, r, ledgerError(err))
		return
	}
	writeJSON(w, http.StatusOK, sendAnswer(res))
}

// ledgerError answers a refused send: an overdraw in sendBalance's own failure shape, a bad
// send as invalid_request.
func ledgerError(err error) *apierr.Error {
	var le *ledger.Error
	if !errors.As(err, &le) {
		return apierr.Internal()
	}
	if errors.Is(err, ledger.ErrInsufficient) {
		body := map[string]any{"data": map[string]any{"sendBalance": map[string]any{"error": true, "message": le.Detail}}}
		return withReason(&apierr.Error{Status: http.StatusBadRequest, Body: body}, "insufficient balance: "+le.Detail)
	}
	return withReason(apierr.BadRequest(le.Detail), "invalid send: "+le.Detail)
}

// ledgerDetail is a ledger refusal's detail.
func ledgerDetail(err error) string {
	var le *ledger.Error
	if errors.As(err, &le) {
		return le.Detail
	}
	return "invalid"
}

type creditBody struct {
	UniqueID int64   `json:"unique_id"`
	Email    string  `json:"email"`
	Name     string  `json:"name"`
	Points   float64 `json:"points"`
	Success  bool    `json:"success"`
}

func sendAnswer(res ledger.SendResult) any {
	out := []creditBody{}
	for _, c := range res.Credits {
		out = append(out, creditBody{UniqueID: c.ID, Email: c.Email, Name: c.Name, Points: ledger.Points(c.Amount), Success: true})
	}
	msg := "points sent"
	if res.Replayed {
		msg = "points already sent for this reference_id"
	}
	return map[string]any{"data": map[string]any{"sendBalance": map[string]any{"error": false, "message": msg, "recipients": out}}}
}

// cancelBalance is storesAdmin.mutation.cancelBalance: each transaction's credit goes back to
// its sender, once.
func (s *Server) cancelBalance(w http.ResponseWriter, r *http.Request, in input, c tokens.Caller) {
	v, e := ledgerVars(in.body)
	if e != nil {
		s.refuse(w, r, e)
		return
	}
	var ids []int64
	for i, rc := range v.Recipients {
		id, err := strconv.ParseInt(strings.Trim(string(rc.UniqueID), `"`), 10, 64)
		if err != nil || id <= 0 {
			s.refuse(w, r, apierr.BadRequest("recipients["+strconv.Itoa(i)+"].unique_id: a transaction id from sendBalance is required"))
			return
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 || len(ids) > 1000 {
		s.refuse(w, r, apierr.BadRequest("recipients_data.recipients: between 1 and 1000 unique_id are required"))
		return
	}
	writeJSON(w, http.StatusOK, cancelAnswer(s.e8.book.Cancel(seeder(c), c.Company.ID, ids)))
}

func cancelAnswer(outs []ledger.CancelOutcome) any {
	type item struct {
		UniqueID int64  `json:"unique_id"`
		Success  bool   `json:"success"`
		Message  string `json:"message"`
	}
	list, failed := []item{}, false
	for _, o := range outs {
		list = append(list, item{o.ID, o.Success, o.Message})
		failed = failed || !o.Success
	}
	msg := "Cancellation processed successfully"
	if failed {
		msg = "Some cancellations failed"
	}
	return map[string]any{"data": map[string]any{"cancelBalance": map[string]any{"error": failed, "message": msg, "recipients": list}}}
}

// cannedAnswer answers a query from the fixtures' api_answers, or names what is supported.
func (s *Server) cannedAnswer(w http.ResponseWriter, r *http.Request, query string, c tokens.Caller) {
	for _, a := range c.Fixtures.APIAnswers {
		if a.Query == query {
			status := a.Status
			if status == 0 {
				status = http.StatusOK
			}
			writeJSON(w, status, a.Body)
			return
		}
	}
	supported := fixtures.LedgerQueries()
	var canned []string
	for _, a := range c.Fixtures.APIAnswers {
		canned = append(canned, a.Query)
	}
	sort.Strings(canned)
	msg := "query " + strconv.Quote(query) + " is not supported by plummock; supported: " + strings.Join(append(supported, canned...), ", ") +
		" (declare others under api_answers in a fixture file)"
	s.refuse(w, r, withReason(apierr.BadRequest(msg), "unsupported query: "+query))
}
