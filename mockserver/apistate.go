package mockserver

import (
	"math"
	"strconv"
	"time"

	"github.com/plummock/plummock/mockserver/apierr"
	"github.com/plummock/plummock/mockserver/faults"
	"github.com/plummock/plummock/mockserver/ledger"
	"github.com/plummock/plummock/mockserver/tokens"
)

// apiState is E8's own state: the Reward Points ledger and the per-query minute counters.
// A reset clears both.
type apiState struct {
	book   *ledger.Book
	limits *faults.QueryLimits
}

func newAPIState() *apiState {
	return &apiState{book: ledger.New(), limits: faults.NewQueryLimits()}
}

func (a *apiState) reset() {
	a.book.Reset()
	a.limits.Clear()
}

// limit refuses a call over Plum's per-minute limit for its query, counted per company by the
// mock's clock, when the profile turns the limits on.
func (a *apiState) limit(on bool, company, query string, now time.Time) *apierr.Error {
	perMinute, ok := faults.PlumQueryLimit(query)
	if !on || !ok || a.limits.Allow(company+"\x00"+query, perMinute, now) {
		return nil
	}
	e := apierr.QueryLimited()
	e.Reason = "rate limited: " + query + " allows " + strconv.Itoa(perMinute) + " calls a minute per company (profile api_rate_limits)"
	return e
}

// seeder opens a caller's company to the ledger: the fixtures' balance and role of a user.
func seeder(c tokens.Caller) ledger.Seeder {
	return func(company, email string) (int64, bool, bool) {
		if company != c.Company.ID {
			return 0, false, false
		}
		u, ok := c.Company.User(email)
		if !ok {
			return 0, false, false
		}
		return int64(math.Round(u.Balance * 100)), u.SuperAdmin, true
	}
}
