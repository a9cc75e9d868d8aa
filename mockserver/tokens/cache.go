package tokens

import (
	"strings"
	"sync"
	"sync/atomic"
)

// verifyCacheSize bounds the verified-token cache; past it, the cache starts afresh. Two
// thousand covers every client's current token under load (a token is re-verified only after
// the cache starts afresh, a signature check of about 50 µs), and keeps the cache near 3 MB:
// resident memory must not grow with the tokens issued.
const verifyCacheSize = 2048

// verified is a token whose signature verified: its claims, and the store generation its MAC
// last verified under, so the MAC is computed again only when the generation changes.
type verified struct {
	claims *Claims
	gen    atomic.Pointer[string]
}

// boundTo reports whether the claims' MAC verifies under the generation's secret gen.
func (v *verified) boundTo(gen string) bool {
	if g := v.gen.Load(); g != nil && *g == gen {
		return true
	}
	if !bound(gen, v.claims) {
		return false
	}
	v.gen.Store(&gen)
	return true
}

// verifyCache remembers tokens whose signature verified. It holds only tokens this mock signed
// (a forged one never verifies), keyed by their exact bytes — a copy of them, so the cache does
// not keep the request's header strings alive.
type verifyCache struct {
	mu    sync.RWMutex
	max   int
	items map[string]*verified
}

func newVerifyCache(max int) *verifyCache {
	return &verifyCache{max: max, items: map[string]*verified{}}
}

func (c *verifyCache) get(raw string) (*verified, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.items[raw]
	return v, ok
}

func (c *verifyCache) put(raw string, v *verified) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.items) >= c.max {
		c.items = map[string]*verified{}
	}
	c.items[strings.Clone(raw)] = v
}

func (c *verifyCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items = map[string]*verified{}
}
