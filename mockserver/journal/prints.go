package journal

import (
	"sync"

	"github.com/plummock/plummock/redact"
)

// maxPrints bounds the fingerprint memo; it is emptied when full (a load of that many distinct
// tokens gains nothing from it anyway).
const maxPrints = 1024

// prints remembers the fingerprints of the secrets met lately. A client sends the same bearer
// token call after call, and its fingerprint (a SHA-256 of some 700 bytes) was a third of the
// journal's cost on E4 and E8.
type prints struct {
	mu sync.Mutex
	m  map[string]string
}

func newPrints() *prints { return &prints{m: make(map[string]string, maxPrints)} }

// of is redact.Fingerprint(secret), from the memo when it is there (a nil memo: computed).
func (p *prints) of(secret string) string {
	if p == nil {
		return redact.Fingerprint(secret)
	}
	p.mu.Lock()
	fp, ok := p.m[secret]
	p.mu.Unlock()
	if ok {
		return fp
	}
	fp = redact.Fingerprint(secret)
	p.mu.Lock()
	if len(p.m) >= maxPrints {
		clear(p.m)
	}
	p.m[secret] = fp
	p.mu.Unlock()
	return fp
}
