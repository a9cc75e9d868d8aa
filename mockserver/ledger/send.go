package ledger

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// SendRequest is storesAdmin.mutation.sendBalance: a Super Admin's points to recipients.
type SendRequest struct {
	Sender     string
	Recipients []Recipient
	// Reference, when set, makes the send idempotent: the same reference again answers the
	// first send's result and moves nothing.
	Reference string
}

// Recipient is one credit of a send; Amount is in hundredths of a point (ParseAmount).
type Recipient struct {
	Name, Email, Citation string
	Amount                int64
}

// SendResult lists the transaction made for each recipient, in order.
type SendResult struct {
	Credits  []Credit
	Replayed bool // an idempotent repeat: nothing moved this time
}

// Credit is one recipient's transaction.
type Credit struct {
	ID     int64
	Name   string
	Email  string
	Amount int64
}

// MaxTransactions caps the ledger's memory: far more than any test sends.
const MaxTransactions = 100_000

// maxAmount bounds one credit: a billion points.
const maxAmount = 100_000_000_000

// ParseAmount reads a positive amount of points with at most two decimals ("100", "12.5", 7)
// as hundredths.
func ParseAmount(v string) (int64, error) {
	v = strings.TrimSpace(v)
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, refuse(ErrBadSend, "amount %q is not a number", v)
	}
	h := math.Round(f * 100)
	if math.Abs(f*100-h) > 1e-6 || h <= 0 || h > maxAmount {
		return 0, refuse(ErrBadSend, "amount %q must be positive, at most 1000000000, with at most two decimals", v)
	}
	return int64(h), nil
}

// Send moves the points from the sender to every recipient at once, or not at all.
func (b *Book) Send(seed Seeder, company string, req SendRequest) (SendResult, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	refKey := company + "\x00" + req.Reference
	if prev, ok := b.refs[refKey]; ok && req.Reference != "" {
		prev.Replayed = true
		return prev, nil
	}
	from := b.account(seed, company, req.Sender, false)
	if from == nil || !from.superAdmin {
		return SendResult{}, refuse(ErrBadSend, "sender_email %q is not a Super Admin of this company", req.Sender)
	}
	total, err := sum(req.Recipients)
	if err != nil {
		return SendResult{}, err
	}
	if len(b.txns)+len(req.Recipients) > MaxTransactions {
		return SendResult{}, refuse(ErrBadSend, "the ledger holds %d transactions, its limit; POST /__admin/reset clears it", len(b.txns))
	}
	if from.balance < total {
		return SendResult{}, refuse(ErrInsufficient, "%s has %v points, the send needs %v", req.Sender, Points(from.balance), Points(total))
	}
	res := SendResult{}
	for _, r := range req.Recipients {
		to := b.account(seed, company, r.Email, true)
		from.balance -= r.Amount
		to.balance += r.Amount
		id := b.nextID
		b.nextID++
		b.txns[id] = &txn{company: company, from: strings.ToLower(req.Sender), to: strings.ToLower(r.Email), amount: r.Amount}
		res.Credits = append(res.Credits, Credit{ID: id, Name: r.Name, Email: r.Email, Amount: r.Amount})
	}
	if req.Reference != "" {
		b.refs[refKey] = res
	}
	return res, nil
}

func sum(rs []Recipient) (int64, error) {
	if len(rs) == 0 || len(rs) > 1000 {
		return 0, refuse(ErrBadSend, "recipients: between 1 and 1000 are required")
	}
	var total int64
	for i, r := range rs {
		if strings.TrimSpace(r.Email) == "" {
			return 0, refuse(ErrBadSend, "recipients[%d].to_email is required", i)
		}
		if r.Amount <= 0 || r.Amount > maxAmount {
			return 0, refuse(ErrBadSend, "recipients[%d].amount must be positive", i)
		}
		total += r.Amount
	}
	return total, nil
}

// CancelOutcome is one transaction's cancellation.
type CancelOutcome struct {
	ID      int64
	Success bool
	Message string
}

// Cancel takes back each transaction's credit from its recipient and returns it to the sender,
// at most once per transaction, and never below zero: a recipient who has spent the points
// keeps them and the cancellation of that one fails.
func (b *Book) Cancel(seed Seeder, company string, ids []int64) []CancelOutcome {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]CancelOutcome, 0, len(ids))
	for _, id := range ids {
		out = append(out, b.cancelOne(seed, company, id))
	}
	return out
}

func (b *Book) cancelOne(seed Seeder, company string, id int64) CancelOutcome {
	t, ok := b.txns[id]
	switch {
	case !ok || t.company != company:
		return CancelOutcome{ID: id, Message: "no such transaction"}
	case t.cancelled:
		return CancelOutcome{ID: id, Message: "points already cancelled"}
	}
	to, from := b.account(seed, company, t.to, true), b.account(seed, company, t.from, true)
	if to.balance < t.amount {
		return CancelOutcome{ID: id, Message: fmt.Sprintf("the recipient has %v points left, fewer than the %v to cancel", Points(to.balance), Points(t.amount))}
	}
	to.balance -= t.amount
	from.balance += t.amount
	t.cancelled = true
	return CancelOutcome{ID: id, Success: true, Message: "Points cancelled successfully"}
}
