package keys

import (
	"crypto/rsa"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/plummock/plummock/fixtures"
)

func testKey(t *testing.T) *Key {
	t.Helper()
	k, err := FromPEM(fixtures.TestKeyPEM())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestTestKeyIsRS256WithThumbprintKid(t *testing.T) {
	k := testKey(t)
	if k.Method.Alg() != "RS256" {
		t.Errorf("alg = %s", k.Method.Alg())
	}
	again, _ := FromPEM(fixtures.TestKeyPEM())
	if k.ID == "" || k.ID != again.ID || len(k.ID) != 43 {
		t.Errorf("kid %q not a stable SHA-256 thumbprint", k.ID)
	}
}

func TestSignVerifyRoundTripAllAlgorithms(t *testing.T) {
	for _, alg := range []string{"RS256", "ES256", "EdDSA"} {
		t.Run(alg, func(t *testing.T) {
			var k *Key
			if alg == "RS256" {
				k = testKey(t)
			} else {
				var err error
				if k, err = Generate(alg); err != nil {
					t.Fatal(err)
				}
			}
			set := NewSet(k)
			raw, err := set.Sign(jwt.MapClaims{"sub": "x", "exp": time.Now().Add(time.Hour).Unix()})
			if err != nil {
				t.Fatal(err)
			}
			tok, err := jwt.Parse(raw, set.Keyfunc, jwt.WithValidMethods(set.Algorithms()))
			if err != nil || !tok.Valid || tok.Header["kid"] != k.ID {
				t.Fatalf("parse: %v %v", err, tok)
			}
			jwks := set.JWKS()
			if len(jwks.Keys) != 1 || jwks.Keys[0].Kid != k.ID || jwks.Keys[0].Alg != alg {
				t.Errorf("jwks = %+v", jwks)
			}
		})
	}
}

func TestRotationKeepsOldKeyPublishedUntilRetired(t *testing.T) {
	old := testKey(t)
	set := NewSet(old)
	oldToken, _ := set.Sign(jwt.MapClaims{"sub": "x"})
	next, _ := Generate("ES256")
	now := time.Now()
	set.Rotate(next, now.Add(time.Hour), now)
	if set.Active() != next || len(set.JWKS().Keys) != 2 {
		t.Fatalf("after rotate: active=%s keys=%d", set.Active().ID, len(set.JWKS().Keys))
	}
	if _, err := jwt.Parse(oldToken, set.Keyfunc, jwt.WithValidMethods(set.Algorithms())); err != nil {
		t.Errorf("old token no longer verifies: %v", err)
	}
	third, _ := Generate("EdDSA")
	set.Rotate(third, now.Add(time.Hour), now.Add(2*time.Hour))
	if _, ok := set.Lookup(old.ID); ok {
		t.Error("retired key still published")
	}
}

func TestKeyfuncRefusesAlgConfusionAndUnknownKid(t *testing.T) {
	k := testKey(t)
	set := NewSet(k)
	pub := k.Public().(*rsa.PublicKey)
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "x"})
	hs.Header["kid"] = k.ID
	forged, _ := hs.SignedString(pub.N.Bytes())
	if _, err := jwt.Parse(forged, set.Keyfunc); err == nil {
		t.Error("HS256 with the public key accepted")
	}
	other, _ := Generate("RS256")
	stranger := NewSet(other)
	raw, _ := stranger.Sign(jwt.MapClaims{"sub": "x"})
	if _, err := jwt.Parse(raw, set.Keyfunc); err == nil {
		t.Error("token from unknown kid accepted")
	}
}

func TestFromPEMRejectsGarbage(t *testing.T) {
	for _, in := range []string{"", "not pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"} {
		if _, err := FromPEM([]byte(in)); err == nil {
			t.Errorf("FromPEM(%q) accepted", in)
		}
	}
}

// The signing benchmarks: the physical limit of E1 and E2 (RS256 is the default; ES256 and
// EdDSA are what --key generate --alg offers load testers).
func BenchmarkSign(b *testing.B) {
	for _, alg := range []string{"RS256", "ES256", "EdDSA"} {
		b.Run(alg, func(b *testing.B) {
			k, err := Generate(alg)
			if alg == "RS256" {
				k, err = FromPEM(fixtures.TestKeyPEM())
			}
			if err != nil {
				b.Fatal(err)
			}
			set := NewSet(k)
			claims := jwt.RegisteredClaims{Issuer: "plummock", Subject: "admin@demo.example", ID: "0123456789abcdef0123456789abcdef",
				IssuedAt: jwt.NewNumericDate(time.Unix(1767225600, 0)), ExpiresAt: jwt.NewNumericDate(time.Unix(1768521600, 0))}
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := set.Sign(claims); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// TestSigningIsLimitedToTheCores: however many callers sign at once, at most GOMAXPROCS
// signatures run together, and every caller gets its signature.
func TestSigningIsLimitedToTheCores(t *testing.T) {
	set := NewSet(testKey(t))
	var running, peak atomic.Int32
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := set.limited(func() (string, error) {
				n := running.Add(1)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				runtime.Gosched()
				running.Add(-1)
				return "sig", nil
			})
			if out != "sig" || err != nil {
				t.Errorf("limited: %q %v", out, err)
			}
		}()
	}
	wg.Wait()
	if p := peak.Load(); p < 1 || int(p) > runtime.GOMAXPROCS(0) {
		t.Errorf("peak concurrent signatures %d, cores %d", p, runtime.GOMAXPROCS(0))
	}
}
