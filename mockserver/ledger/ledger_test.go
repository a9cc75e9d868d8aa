package ledger

import (
	"errors"
	"sync"
	"testing"
)

// demo is the fixtures' view: an admin with 1500 points, an employee with 250.
func demo(company, email string) (int64, bool, bool) {
	switch {
	case company != "demo":
		return 0, false, false
	case email == "admin@demo.example":
		return 150000, true, true
	case email == "employee@demo.example":
		return 25000, false, true
	}
	return 0, false, false
}

func balance(t *testing.T, b *Book, email string) float64 {
	t.Helper()
	v, err := b.Balance(demo, "demo", email)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func send(amount int64, to string) SendRequest {
	return SendRequest{Sender: "admin@demo.example", Recipients: []Recipient{{Email: to, Amount: amount}}}
}

func TestSendMovesAndCancelRestoresOnce(t *testing.T) {
	b := New()
	res, err := b.Send(demo, "demo", send(10000, "employee@demo.example"))
	if err != nil || len(res.Credits) != 1 {
		t.Fatal(res, err)
	}
	if balance(t, b, "admin@demo.example") != 1400 || balance(t, b, "employee@demo.example") != 350 {
		t.Fatalf("after send: %v %v", balance(t, b, "admin@demo.example"), balance(t, b, "employee@demo.example"))
	}
	id := res.Credits[0].ID
	if out := b.Cancel(demo, "demo", []int64{id}); !out[0].Success {
		t.Fatalf("cancel: %+v", out)
	}
	if out := b.Cancel(demo, "demo", []int64{id}); out[0].Success {
		t.Fatalf("a second cancel applied: %+v", out)
	}
	if out := b.Cancel(demo, "other", []int64{id}); out[0].Success {
		t.Fatalf("another company cancelled it: %+v", out)
	}
	if balance(t, b, "admin@demo.example") != 1500 || balance(t, b, "employee@demo.example") != 250 {
		t.Fatal("cancel did not restore exactly once")
	}
}

func TestSendNeverOverdrawsAndRefusesWholly(t *testing.T) {
	b := New()
	req := SendRequest{Sender: "admin@demo.example", Recipients: []Recipient{
		{Email: "employee@demo.example", Amount: 100000}, {Email: "new@demo.example", Amount: 60000}}}
	if _, err := b.Send(demo, "demo", req); !errors.Is(err, ErrInsufficient) {
		t.Fatalf("overdraw: %v", err)
	}
	if balance(t, b, "admin@demo.example") != 1500 || balance(t, b, "employee@demo.example") != 250 {
		t.Fatal("a refused send moved points")
	}
	if _, err := b.Send(demo, "demo", SendRequest{Sender: "employee@demo.example", Recipients: req.Recipients[:1]}); !errors.Is(err, ErrBadSend) {
		t.Fatalf("a non-admin sender: %v", err)
	}
}

func TestCancelNeverTakesBelowZero(t *testing.T) {
	b := New()
	res, _ := b.Send(demo, "demo", send(5000, "new@demo.example"))
	if _, err := b.Send(demo, "demo", SendRequest{Sender: "admin@demo.example", Recipients: []Recipient{{Email: "admin@demo.example", Amount: 1}}}); err != nil {
		t.Fatal(err)
	}
	// the recipient cannot send, so spend it by hand: cancel must not take what is gone
	b.mu.Lock()
	b.accounts["demo\x00new@demo.example"].balance = 100
	b.mu.Unlock()
	if out := b.Cancel(demo, "demo", []int64{res.Credits[0].ID}); out[0].Success {
		t.Fatalf("cancel overdrew the recipient: %+v", out)
	}
	if balance(t, b, "new@demo.example") != 1 {
		t.Fatal("balance moved")
	}
}

func TestReferenceMakesASendIdempotent(t *testing.T) {
	b := New()
	req := send(10000, "employee@demo.example")
	req.Reference = "order-42"
	first, _ := b.Send(demo, "demo", req)
	again, err := b.Send(demo, "demo", req)
	if err != nil || !again.Replayed || again.Credits[0].ID != first.Credits[0].ID || balance(t, b, "admin@demo.example") != 1400 {
		t.Fatalf("repeat: %+v %v, balance %v", again, err, balance(t, b, "admin@demo.example"))
	}
	b.Reset()
	if balance(t, b, "admin@demo.example") != 1500 {
		t.Fatal("reset kept the movement")
	}
}

func TestConcurrentSendsNeverOverdraw(t *testing.T) {
	b := New()
	const n = 64 // each sends 100 of the admin's 1500: exactly 15 can succeed
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := b.Send(demo, "demo", send(10000, "employee@demo.example")); err == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if ok != 15 || balance(t, b, "admin@demo.example") != 0 || balance(t, b, "employee@demo.example") != 1750 {
		t.Fatalf("%d sends succeeded, balances %v / %v", ok, balance(t, b, "admin@demo.example"), balance(t, b, "employee@demo.example"))
	}
}

func TestParseAmount(t *testing.T) {
	for in, want := range map[string]int64{"100": 10000, "12.5": 1250, "0.01": 1} {
		if got, err := ParseAmount(in); err != nil || got != want {
			t.Errorf("%q: %d %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "0", "-5", "1.001", "NaN", "Inf", "1e12", "abc"} {
		if _, err := ParseAmount(bad); !errors.Is(err, ErrBadSend) {
			t.Errorf("%q accepted", bad)
		}
	}
}
