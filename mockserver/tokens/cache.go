package tokens

import (
	"crypto/sha256"
	"sync"
)

// verifyCacheSize bounds the verified-token cache; past it, the cache starts afresh. A few
// thousand covers every client's current token under load (a token is re-verified only after
// a reset of the cache, a signature of about 50 µs), and keeps the cache near 2 MB: resident
// memory must not grow with the tokens issued.
const verifyCacheSize = 4096

// verifyCache remembers the claims of tokens whose signature verified. It holds only tokens
// this mock signed (a forged one never verifies), keyed by the SHA-256 of their exact bytes:
// a key of its own, so the cache does not keep the request's header strings alive.
type verifyCache struct {
	mu    sync.RWMutex
	max   int
	items map[[sha256.Size]byte]*Claims
}

func newVerifyCache(max int) *verifyCache {
	return &verifyCache{max: max, items: map[[sha256.Size]byte]*Claims{}}
}

func (c *verifyCache) get(raw string) (*Claims, bool) {
	key := sha256.Sum256([]byte(raw))
	c.mu.RLock()
	defer c.mu.RUnlock()
	cl, ok := c.items[key]
	return cl, ok
}

func (c *verifyCache) put(raw string, cl *Claims) {
	key := sha256.Sum256([]byte(raw))
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.items) >= c.max {
		c.items = map[[sha256.Size]byte]*Claims{}
	}
	c.items[key] = cl
}

func (c *verifyCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items = map[[sha256.Size]byte]*Claims{}
}
