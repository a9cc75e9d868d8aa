package journal

import (
	"fmt"
	"testing"

	"github.com/plummock/plummock/redact"
)

// TestPrintsAreFingerprintsAndBounded: the memo answers what redact.Fingerprint answers, for a
// secret met again and for more distinct secrets than it holds, and never holds more than
// maxPrints.
func TestPrintsAreFingerprintsAndBounded(t *testing.T) {
	p := newPrints()
	for round := 0; round < 2; round++ {
		for i := 0; i < maxPrints+10; i++ {
			s := fmt.Sprintf("secret-%d", i)
			if got, want := p.of(s), redact.Fingerprint(s); got != want {
				t.Fatalf("of(%q) = %q, want %q", s, got, want)
			}
			if len(p.m) > maxPrints {
				t.Fatalf("memo holds %d, more than %d", len(p.m), maxPrints)
			}
		}
	}
	var none *prints
	if got := none.of("x"); got != redact.Fingerprint("x") {
		t.Fatalf("nil memo: %q", got)
	}
}
