package redact

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

func TestFingerprintFormat(t *testing.T) {
	sum := sha256.Sum256([]byte("demo-secret"))
	if got, want := Fingerprint("demo-secret"), "fp:"+hex.EncodeToString(sum[:4]); got != want {
		t.Fatalf("Fingerprint = %q, want %q", got, want)
	}
	if fp := Fingerprint("demo-secret"); strings.Contains(fp, "demo") || fp == Fingerprint("demo-secret2") {
		t.Fatalf("fingerprint %q leaks or collides", fp)
	}
	if got := Fingerprint(""); got != "<empty>" {
		t.Fatalf("Fingerprint(\"\") = %q", got)
	}
}

func TestIsSecretField(t *testing.T) {
	for key, want := range map[string]bool{
		"access_token": true, "refresh_token": true, "refreshToken": true, "RefreshToken": true,
		"Refresh-Token": true, "id_token": true, "token": true, "client_secret": true, "clientSecret": true,
		"CLIENT_SECRET": true, "password": true, "code": true, "api_key": true, "Authorization": true,
		"token_type": false, "access_token_expiry": false, "refreshTokenExpiry": false, "expires_in": false,
		"client_id": false, "rt": false, "user_input": false, "scope": false, "": false,
	} {
		if got := IsSecretField(key); got != want {
			t.Errorf("IsSecretField(%q) = %v, want %v", key, got, want)
		}
	}
}

func TestJWTs(t *testing.T) {
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
	got := JWTs("bad token " + jwt + ".")
	if want := "bad token " + Fingerprint(jwt) + "."; got != want {
		t.Fatalf("JWTs = %q, want %q", got, want)
	}
	if got := JWTs("no token here"); got != "no token here" {
		t.Fatalf("JWTs changed plain text: %q", got)
	}
}

// TestSetRedactsByValue: a known value is hidden wherever it stands, however it is framed.
func TestSetRedactsByValue(t *testing.T) {
	const rt = "Zq8c1f0e9Yb2-x_4LmNoPqRsTuVwXyZ0123456789ab"
	s := NewSet(0)
	s.Add(rt)
	fp := Fingerprint(rt)
	for _, text := range []string{
		rt, `{"rt":"` + rt + `"}`, "/chef/v1/" + rt + "/x", "refreshToken=" + rt + "&a=b",
		"req-" + rt, "x" + rt + rt + "y", "error: token " + rt + " already used",
	} {
		got := s.Redact(text)
		if strings.Contains(got, rt) || !strings.Contains(got, fp) {
			t.Errorf("Redact(%q) = %q: want %s, not the value", text, got, fp)
		}
	}
	if got := s.Redact("nothing secret"); got != "nothing secret" {
		t.Errorf("Redact changed plain text: %q", got)
	}
}

// TestSetFindsEveryOffset: the index samples every 4th window; every start offset and every
// length from 1 byte up must still be found.
func TestSetFindsEveryOffset(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 1; n <= 40; n++ {
		secret := randomText(r, n)
		s := NewSet(0)
		s.AddCredential(secret)
		for pad := range 9 {
			text := randomText(r, pad) + secret + randomText(r, pad%3)
			if got := s.Values(text); strings.Contains(got, secret) {
				t.Fatalf("len %d, offset %d: %q left in %q", n, pad, secret, got)
			}
		}
	}
}

func randomText(r *rand.Rand, n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// TestSetLongestFirst: a value that contains another is hidden whole.
func TestSetLongestFirst(t *testing.T) {
	s := NewSet(0)
	s.AddCredential("demo-secret", "demo-secret-and-more")
	if got, want := s.Values("a demo-secret-and-more b"), "a "+Fingerprint("demo-secret-and-more")+" b"; got != want {
		t.Fatalf("Values = %q, want %q", got, want)
	}
}

// TestSetIsBounded: past its capacity the set forgets its oldest values, and their index with
// them; the short values have their own small bound.
func TestSetIsBounded(t *testing.T) {
	s := NewSet(3)
	values := []string{"first-value-0001", "second-value-002", "third-value-0003", "fourth-value-004"}
	s.Add(values...)
	if s.Len() != 3 {
		t.Fatalf("Len = %d, want 3", s.Len())
	}
	if got := s.Values(values[0]); got != values[0] {
		t.Errorf("forgotten value still redacted: %q", got)
	}
	if got := s.Values(values[3]); got != Fingerprint(values[3]) {
		t.Errorf("newest value not redacted: %q", got)
	}
	for i := range 2 * maxShort {
		s.AddCredential(fmt.Sprintf("s%d", i))
	}
	if got := s.Len(); got != 3+maxShort {
		t.Errorf("Len = %d after many short values, want %d", got, 3+maxShort)
	}
	for i := range 10_000 { // churn: the index and the filter stay consistent
		s.Add(fmt.Sprintf("churned-value-%06d", i))
	}
	if got := s.Values("churned-value-009999"); got != Fingerprint("churned-value-009999") {
		t.Errorf("after churn: %q", got)
	}
	if len(s.grams) > 3*gramLen {
		t.Errorf("index holds %d grams for 3 values", len(s.grams))
	}
}

// TestAddSkipsShortAndJWT: harvested values too short to be credentials, and whole JWTs (which
// JWTs hides anyway), take no room.
func TestAddSkipsShortAndJWT(t *testing.T) {
	s := NewSet(0)
	s.Add("abc", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "")
	if s.Len() != 0 {
		t.Fatalf("Len = %d, want 0", s.Len())
	}
	s.AddCredential("abc")
	if got := s.Values("x abc y"); got != "x "+Fingerprint("abc")+" y" {
		t.Fatalf("a short credential is hidden: %q", got)
	}
}

func TestHarvest(t *testing.T) {
	s := NewSet(0)
	s.Harvest([]byte(`{"data":{"refreshToken":"opaque-refresh-1","token_type":"bearer"},"list":[{"client_secret":"sekrit-2"}]}`))
	got := s.Values("opaque-refresh-1 sekrit-2 bearer")
	if want := Fingerprint("opaque-refresh-1") + " " + Fingerprint("sekrit-2") + " bearer"; got != want {
		t.Fatalf("Values = %q, want %q", got, want)
	}
	s.Harvest([]byte("not json"))
}

// TestSetConcurrent runs adds and lookups together (meaningful under -race).
func TestSetConcurrent(t *testing.T) {
	s := NewSet(64)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 500 {
				v := fmt.Sprintf("worker-%d-value-%04d", w, i)
				s.Add(v)
				if got := s.Values("x " + v); strings.Contains(got, v) && s.Len() == 0 {
					t.Error("lost")
				}
			}
		})
	}
	wg.Wait()
}

// BenchmarkSetValues looks a 300-byte text with no secret in it up in a full set: the journal's
// common case.
func BenchmarkSetValues(b *testing.B) {
	s := NewSet(DefaultCapacity)
	r := rand.New(rand.NewPCG(3, 4))
	for range DefaultCapacity {
		s.Add(randomText(r, 43))
	}
	text := `{"query":"storesAdmin.query.user_balance","tag":"storeAdmin","variables":{"user_data":{"email":"admin@demo.example"}}}` + randomText(r, 180)
	b.ReportAllocs()
	for b.Loop() {
		_ = s.Values(text)
	}
}

// TestValuesBytes: the byte form finds long and short values alike, and hands back the very
// slice it was given when there is nothing to hide.
func TestValuesBytes(t *testing.T) {
	s := NewSet(0)
	s.AddCredential("s3c", "a-longer-secret")
	in := []byte(`{"x":"s3c","y":"a-longer-secret"}`)
	out, changed := s.ValuesBytes(in)
	if want := `{"x":"` + Fingerprint("s3c") + `","y":"` + Fingerprint("a-longer-secret") + `"}`; !changed || string(out) != want {
		t.Fatalf("ValuesBytes = %s, %v; want %s", out, changed, want)
	}
	plain := []byte(`{"x":"nothing"}`)
	if out, changed := s.ValuesBytes(plain); changed || &out[0] != &plain[0] {
		t.Fatalf("ValuesBytes changed or copied a text with no secret: %s", out)
	}
}
