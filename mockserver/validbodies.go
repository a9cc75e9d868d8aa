package mockserver

import (
	"crypto/sha256"
	"sync"
)

// validBodies remembers request bodies that passed the spec's validation, per operation, so a
// client repeating a call (a frontend polling E8 with the same query, E1 for the same user) pays
// for kin-openapi's schema walk once, as a token's signature is verified once. Bodies are known
// only by a SHA-256 of operation and bytes: no secret a body carries (a refresh token, a client
// secret) is kept. Only passes are remembered; a refused body is validated again each time, so
// its error message never comes from a cache.
type validBodies struct {
	mu    sync.RWMutex
	max   int
	items map[[sha256.Size]byte]struct{}
}

// validBodiesSize bounds the memory: 32-byte keys, about 300 KB when full; past it the set
// starts afresh.
const validBodiesSize = 8192

func newValidBodies(max int) *validBodies {
	return &validBodies{max: max, items: map[[sha256.Size]byte]struct{}{}}
}

func bodyKey(op string, body []byte) [sha256.Size]byte {
	h := sha256.New()
	h.Write([]byte(op))
	h.Write([]byte{0})
	h.Write(body)
	var key [sha256.Size]byte
	h.Sum(key[:0])
	return key
}

func (v *validBodies) has(op string, body []byte) bool {
	key := bodyKey(op, body)
	v.mu.RLock()
	defer v.mu.RUnlock()
	_, ok := v.items[key]
	return ok
}

func (v *validBodies) add(op string, body []byte) {
	key := bodyKey(op, body)
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.items) >= v.max {
		clear(v.items)
	}
	v.items[key] = struct{}{}
}
