// Package keys holds the mock's signing keys: it signs with the newest, verifies with any that is
// still published, and serves them all as a JWKS so clients can verify the mock's tokens.
package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Key is one signing key with the identifier (kid) derived from its public half.
type Key struct {
	ID      string
	Method  jwt.SigningMethod
	private crypto.Signer
	// signWith and signKey make the signatures: Method and private, or in a build with
	// OpenSSL (openssl.go) its RS256 and the key loaded into libcrypto.
	signWith jwt.SigningMethod
	signKey  any
	// retireAt is when the key stops being published (zero while it is the active key or
	// until the tokens it signed have expired).
	retireAt time.Time
}

// Public returns the key's public half.
func (k *Key) Public() crypto.PublicKey { return k.private.Public() }

// Set is the mock's key set. The active key signs; every published key verifies.
type Set struct {
	mu        sync.RWMutex
	active    *Key
	published []*Key
	// signing admits as many concurrent signatures as there are cores (see Sign).
	signing chan struct{}
}

// NewSet starts a key set with one active key.
func NewSet(active *Key) *Set {
	return &Set{active: active, published: []*Key{active}, signing: make(chan struct{}, runtime.GOMAXPROCS(0))}
}

// Active returns the key that signs new tokens.
func (s *Set) Active() *Key {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.active
}

// Lookup returns the published key with the given kid.
func (s *Set) Lookup(kid string) (*Key, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, k := range s.published {
		if k.ID == kid {
			return k, true
		}
	}
	return nil, false
}

// Rotate makes next the active key. The old key stays published until keepUntil (when the last
// token it signed expires), so tokens already issued keep verifying.
func (s *Set) Rotate(next *Key, keepUntil time.Time, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.active.retireAt = keepUntil
	kept := []*Key{next}
	for _, k := range s.published {
		if k != next && (k.retireAt.IsZero() || k.retireAt.After(now)) {
			kept = append(kept, k)
		}
	}
	s.active, s.published = next, kept
}

// Published returns the keys a JWKS should list, active first.
func (s *Set) Published() []*Key {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]*Key(nil), s.published...)
}

// FromPEM loads a PKCS#8, PKCS#1 or SEC 1 private key and picks the JWS algorithm for it:
// RS256 for RSA (2048 bits or more), ES256 for P-256, EdDSA for Ed25519.
func FromPEM(data []byte) (*Key, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("keys: no PEM block found")
	}
	signer, err := parsePrivate(block)
	if err != nil {
		return nil, err
	}
	return NewKey(signer)
}

// NewKey wraps a private key, checking it is one the mock can sign with.
func NewKey(signer crypto.Signer) (*Key, error) {
	method, err := methodFor(signer)
	if err != nil {
		return nil, err
	}
	kid, err := thumbprint(signer.Public())
	if err != nil {
		return nil, err
	}
	signWith, signKey, err := fastSigner(signer, method)
	if err != nil {
		return nil, err
	}
	return &Key{ID: kid, Method: method, private: signer, signWith: signWith, signKey: signKey}, nil
}

func parsePrivate(block *pem.Block) (crypto.Signer, error) {
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		if s, ok := k.(crypto.Signer); ok {
			return s, nil
		}
		return nil, errors.New("keys: PKCS#8 key cannot sign")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	if k, err := x509.ParseECPrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	return nil, fmt.Errorf("keys: unsupported private key in PEM block %q", block.Type)
}

func methodFor(signer crypto.Signer) (jwt.SigningMethod, error) {
	switch pub := signer.Public().(type) {
	case *rsa.PublicKey:
		if pub.Size() < 256 {
			return nil, errors.New("keys: RSA keys need at least 2048 bits")
		}
		return jwt.SigningMethodRS256, nil
	case *ecdsa.PublicKey:
		if pub.Curve.Params().Name != "P-256" {
			return nil, errors.New("keys: only P-256 ECDSA keys are supported (ES256)")
		}
		return jwt.SigningMethodES256, nil
	case ed25519.PublicKey:
		return jwt.SigningMethodEdDSA, nil
	default:
		return nil, fmt.Errorf("keys: unsupported key type %T", pub)
	}
}
