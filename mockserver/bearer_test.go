package mockserver

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// b64tokenSpec is RFC 6750's grammar as a regexp: the reference isToken68 must agree with.
var b64tokenSpec = regexp.MustCompile(`^[A-Za-z0-9\-._~+/]+=*$`)

func TestBearerToken(t *testing.T) {
	cases := []struct {
		header, want string
		ok           bool
	}{
		{"Bearer abc.def-ghi_~+/==", "abc.def-ghi_~+/==", true},
		{"bearer demo-company-token", "demo-company-token", true},
		{"BEARER   spaced", "spaced", true},
		{"Bearer ", "", false},
		{"Bearer", "", false},
		{"Bearer ===", "", false},
		{"Bearer a=b", "", false},
		{"Bearer two words", "", false},
		{"Bearer tab\tin", "", false},
		{"Bearer nul\x00", "", false},
		{"Bearer ünï", "", false},
		{"Basic ZGVtbzpkZW1v", "", false},
		{"Bearer " + strings.Repeat("a", 5000), "", false},
	}
	for _, tc := range cases {
		r := &http.Request{Header: http.Header{"Authorization": {tc.header}}}
		got, ok := bearerToken(r)
		if got != tc.want && ok || ok != tc.ok {
			t.Errorf("%q: got %q %v, want %q %v", tc.header, got, ok, tc.want, tc.ok)
		}
	}
}

// FuzzBearerToken checks the parser never panics, never accepts what RFC 6750's grammar
// refuses (or the reverse), and never returns more than the header held.
func FuzzBearerToken(f *testing.F) {
	for _, s := range []string{"Bearer abc", "bearer a.b.c", "Bearer ", "Basic x", "Bearer a==", "Bearer =", "Bearer a b", "Bearer " + strings.Repeat(".", 64)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		r := &http.Request{Header: http.Header{"Authorization": {header}}}
		tok, ok := bearerToken(r)
		want := len(header) >= 8 && len(header) <= 4096+16 && strings.EqualFold(header[:7], "bearer ") &&
			b64tokenSpec.MatchString(strings.TrimLeft(header[7:], " "))
		if ok != want {
			t.Fatalf("%q: accepted %v, RFC 6750 grammar says %v", header, ok, want)
		}
		if ok && !strings.HasSuffix(header, tok) {
			t.Fatalf("token %q is not the end of %q", tok, header)
		}
	})
}

// TestToken68TableMatchesTheGrammar holds the lookup table to RFC 6750's b64token characters,
// byte value by byte value.
func TestToken68TableMatchesTheGrammar(t *testing.T) {
	if len(token68Chars) != 256 {
		t.Fatalf("table has %d entries, want 256", len(token68Chars))
	}
	for c := 0; c < 256; c++ {
		b := byte(c)
		want := 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' ||
			b == '-' || b == '.' || b == '_' || b == '~' || b == '+' || b == '/'
		if got := isToken68Char(b); got != want {
			t.Errorf("byte %#x (%q): token68 = %v, want %v", b, b, got, want)
		}
	}
}
