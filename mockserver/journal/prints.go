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
	// headers maps an Authorization header carrying a JWT to its record: the same header comes
	// call after call, and a JWT teaches the known secrets nothing, so its record can be reused
	// as it is.
	headers map[string]authRecord
}

// authRecord is what the journal keeps of one Authorization header.
type authRecord struct {
	kept        string // "Bearer fp:..."
	credential  string // the token it names, and its fingerprint: the answer often holds it too
	fingerprint string
}

func newPrints() *prints {
	return &prints{m: make(map[string]string, maxPrints), headers: make(map[string]authRecord, maxPrints)}
}

// recorded is the record kept for an Authorization header, if one was kept.
func (p *prints) recorded(header string) (authRecord, bool) {
	if p == nil {
		return authRecord{}, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	rec, ok := p.headers[header]
	return rec, ok
}

// keepRecorded remembers the record of an Authorization header whose credential is a JWT.
func (p *prints) keepRecorded(header string, rec authRecord) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.headers) >= maxPrints {
		clear(p.headers)
	}
	p.headers[header] = rec
}

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
