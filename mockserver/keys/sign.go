package keys

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/golang-jwt/jwt/v5"
)

// ErrUnknownKey is returned for a token whose kid is not published here.
var ErrUnknownKey = errors.New("keys: unknown kid")

// Sign signs claims with the active key and stamps its kid. An RSA signature is about a
// millisecond of pure CPU: at most one per core runs at a time, the rest queue. Throughput is
// the same (the cores were the limit anyway), but a signature that has started finishes
// without sharing its core with fifty others, which halves the tail latency under load.
func (s *Set) Sign(claims jwt.Claims) (string, error) {
	k := s.Active()
	tok := jwt.NewWithClaims(k.signWith, claims)
	tok.Header["kid"] = k.ID
	out, err := s.limited(func() (string, error) { return tok.SignedString(k.signKey) })
	if err != nil {
		return "", fmt.Errorf("keys: sign: %w", err)
	}
	return out, nil
}

// Keyfunc resolves a token's key from its kid among the published keys only. It never looks at
// jku, x5u or an embedded jwk, and refuses a token whose alg is not the one its key signs with,
// which defeats alg-confusion forgeries (e.g. HS256 keyed with the RSA public key).
func (s *Set) Keyfunc(t *jwt.Token) (any, error) {
	kid, ok := t.Header["kid"].(string)
	if !ok || kid == "" || len(kid) > 128 {
		return nil, ErrUnknownKey
	}
	k, ok := s.Lookup(kid)
	if !ok {
		return nil, ErrUnknownKey
	}
	if t.Method == nil || t.Method.Alg() != k.Method.Alg() {
		return nil, fmt.Errorf("keys: alg %v does not match key %s", t.Header["alg"], k.Method.Alg())
	}
	return k.Public(), nil
}

// Algorithms lists the algorithms of the published keys, for jwt.WithValidMethods.
func (s *Set) Algorithms() []string {
	var algs []string
	seen := map[string]bool{}
	for _, k := range s.Published() {
		if alg := k.Method.Alg(); !seen[alg] {
			seen[alg] = true
			algs = append(algs, alg)
		}
	}
	return algs
}

// limited runs sign holding one of the per-core signing slots, and yields the core once the
// signature is made. A signature is a millisecond of CPU, well inside the 10 ms a goroutine
// runs before Go preempts it; meanwhile other requests have queued (a signature waiting for a
// slot, requests read since). Without the yield this request's remaining work runs first and
// the queued ones wait longer, in an order the scheduler does not keep fair. With 50
// connections on 2 cores the yield halved E1's and E2's p99, with requests/s unchanged or
// better (BENCHMARKS.md).
func (s *Set) limited(sign func() (string, error)) (string, error) {
	s.signing <- struct{}{}
	defer func() {
		<-s.signing
		runtime.Gosched()
	}()
	return sign()
}
