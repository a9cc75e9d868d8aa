package contract

import (
	"context"
	"testing"
	"time"
)

func TestPacerInterval(t *testing.T) {
	if p := newPacer(2); p.interval != 500*time.Millisecond {
		t.Errorf("rate 2/s: interval %v, want 500ms", p.interval)
	}
	if p := newPacer(0); p.interval != 0 {
		t.Errorf("rate 0: interval %v, want none", p.interval)
	}
	p := newPacer(0.001) // one request per 1000 s: the second must wait, so a cancelled context ends it
	ctx, cancel := context.WithCancel(context.Background())
	if err := p.wait(ctx); err != nil {
		t.Fatalf("first request must go at once: %v", err)
	}
	cancel()
	if err := p.wait(ctx); err == nil {
		t.Errorf("a cancelled wait must return the context's error")
	}
}
