package contract

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"strings"
)

// keySet is a parsed JWKS: RSA public keys by kid.
type keySet struct {
	keys map[string]*rsa.PublicKey
}

type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
}

// fetchJWKS loads the target's published keys: --jwks-url, or the fake's
// {admin URL}/.well-known/jwks.json. A target without one has its tokens treated as opaque.
func (s *session) fetchJWKS(ctx context.Context) (*keySet, string) {
	url := s.target.JWKSURL
	if url == "" && s.target.AdminURL == "" {
		return nil, "the target publishes no JWKS (no --jwks-url or --admin-url): access tokens are opaque"
	}
	path := "/.well-known/jwks.json"
	if url != "" {
		path = ""
	}
	resp, err := s.send(ctx, Request{Method: http.MethodGet, Path: path, Admin: true, jwksURL: url})
	if err != nil {
		return nil, "JWKS unreachable: " + err.Error()
	}
	if resp.Status != http.StatusOK {
		return nil, fmt.Sprintf("GET JWKS answered %d: access tokens are treated as opaque", resp.Status)
	}
	ks, err := parseJWKS(resp.Body)
	if err != nil {
		return nil, "JWKS unusable: " + err.Error()
	}
	return ks, ""
}

func parseJWKS(body []byte) (*keySet, error) {
	var doc struct {
		Keys []jwk `json:"keys"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	ks := &keySet{keys: map[string]*rsa.PublicKey{}}
	for _, k := range doc.Keys {
		if k.Kty != "RSA" || k.Kid == "" {
			continue
		}
		pub, err := k.rsa()
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", k.Kid, err)
		}
		ks.keys[k.Kid] = pub
	}
	if len(ks.keys) == 0 {
		return nil, fmt.Errorf("no RSA key with a kid")
	}
	return ks, nil
}

func (k jwk) rsa() (*rsa.PublicKey, error) {
	n, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(k.N, "="))
	if err != nil {
		return nil, fmt.Errorf("n: %w", err)
	}
	e, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(k.E, "="))
	if err != nil || len(e) == 0 || len(e) > 4 {
		return nil, fmt.Errorf("bad e")
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}, nil
}
