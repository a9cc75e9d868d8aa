// Package ledger is the Reward Points ledger behind E8: per-user point balances that sends move
// and cancels restore, never below zero. It is one process's state (a reset clears it); balances
// start from the fixtures' users.
package ledger

import (
	"errors"
	"fmt"
	"strings"
	"sync"
)

// Refusals of a send; the HTTP layer answers each with a 400.
var (
	ErrInsufficient = errors.New("insufficient balance")
	ErrBadSend      = errors.New("invalid send")
	ErrNoAccount    = errors.New("no such user")
)

// Error is a refused send: Kind is ErrInsufficient, ErrBadSend or ErrNoAccount (errors.Is
// matches it), Detail says what is wrong without repeating the kind.
type Error struct {
	Kind   error
	Detail string
}

func (e *Error) Error() string { return e.Kind.Error() + ": " + e.Detail }

// Unwrap makes errors.Is match the kind.
func (e *Error) Unwrap() error { return e.Kind }

func refuse(kind error, format string, args ...any) *Error {
	return &Error{Kind: kind, Detail: fmt.Sprintf(format, args...)}
}

// Seeder says what an account holds before the ledger first touches it: the fixtures' balance
// (in hundredths of a point) and whether the user is a Super Admin, or ok false for no such user.
type Seeder func(company, email string) (hundredths int64, superAdmin, ok bool)

// Book is the ledger. Every method is atomic and safe for concurrent use.
type Book struct {
	mu       sync.Mutex
	accounts map[string]*account // company + "\x00" + email (lower case)
	txns     map[int64]*txn
	refs     map[string]SendResult // company + "\x00" + reference_id: a repeated send's first answer
	nextID   int64
}

type account struct {
	balance    int64 // hundredths of a point
	superAdmin bool
}

// txn is one recipient's credit, which a cancel can take back once.
type txn struct {
	company, from, to string
	amount            int64
	cancelled         bool
}

// firstID is where transaction ids start: a nine-digit number, as Plum's examples show.
const firstID = 100000001

// New returns an empty ledger.
func New() *Book {
	b := &Book{}
	b.Reset()
	return b
}

// Reset forgets every movement: balances are the fixtures' again.
func (b *Book) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.accounts, b.txns, b.refs, b.nextID = map[string]*account{}, map[int64]*txn{}, map[string]SendResult{}, firstID
}

// Balance is a user's balance in points.
func (b *Book) Balance(seed Seeder, company, email string) (float64, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	a := b.account(seed, company, email, false)
	if a == nil {
		return 0, refuse(ErrNoAccount, "%q", email)
	}
	return Points(a.balance), nil
}

// account finds or seeds an account; create makes one for a recipient the fixtures lack (Plum
// invites a new recipient by email).
func (b *Book) account(seed Seeder, company, email string, create bool) *account {
	email = strings.ToLower(strings.TrimSpace(email))
	key := company + "\x00" + email
	if a, ok := b.accounts[key]; ok {
		return a
	}
	bal, admin, ok := seed(company, email)
	if !ok && !create {
		return nil
	}
	a := &account{balance: bal, superAdmin: admin}
	b.accounts[key] = a
	return a
}

// Points renders hundredths of a point as a number of points.
func Points(hundredths int64) float64 { return float64(hundredths) / 100 }
