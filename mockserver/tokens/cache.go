package tokens

import "sync"

// verifyCacheSize bounds the verified-token cache; past it, the cache starts afresh. An entry
// is a token (under 1 KiB) and its claims, so the cache stays under about 5 MB: a client keeps
// few tokens in use at once, and a miss costs one RSA verification (about 30 µs), not a
// signature.
const verifyCacheSize = 4096

// verifyCache remembers the claims of tokens whose signature verified. It holds only tokens
// this mock signed (a forged one never verifies), keyed by their exact bytes.
type verifyCache struct {
	mu    sync.RWMutex
	max   int
	items map[string]*Claims
}

func newVerifyCache(max int) *verifyCache {
	return &verifyCache{max: max, items: map[string]*Claims{}}
}

func (c *verifyCache) get(raw string) (*Claims, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	cl, ok := c.items[raw]
	return cl, ok
}

func (c *verifyCache) put(raw string, cl *Claims) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.items) >= c.max {
		c.items = map[string]*Claims{}
	}
	c.items[raw] = cl
}

func (c *verifyCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items = map[string]*Claims{}
}
