package jsonbody

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"ok", `{"a":"b","c":{"d":[1,2]}}`, ""},
		{"empty", ``, "empty"},
		{"blank", "  \n", "empty"},
		{"truncated", `{"a":"b"`, "truncated"},
		{"trailing", `{"a":"b"} {}`, "after the JSON object"},
		{"trailing garbage", `{"a":"b"}x`, "after the JSON object"},
		{"array", `["a"]`, "must be a JSON object"},
		{"string", `"a"`, "must be a JSON object"},
		{"duplicate", `{"a":"b","a":"c"}`, "a: duplicate key"},
		{"nested duplicate", `{"v":{"x":1,"x":2}}`, "v.x: duplicate key"},
		{"invalid utf8", "{\"a\":\"\xff\"}", "UTF-8"},
		{"escaped NUL", `{"a":"x\u0000y"}`, "a: contains a control character"},
		{"deep", strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40), "nested deeper"},
		{"deep array", `{"a":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + "}", "nested deeper"},
		{"malformed", `{a:1}`, "malformed JSON"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := Check([]byte(tc.body))
			if tc.want == "" {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				return
			}
			var p *Problem
			if !errors.As(err, &p) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestReadStopsAtLimit(t *testing.T) {
	big := strings.NewReader(strings.Repeat("x", 1<<20))
	if _, err := Read(big, 64<<10); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v", err)
	}
	if rest := big.Len(); rest < (1<<20)-(64<<10)-1 {
		t.Errorf("read %d bytes past the limit", (1<<20)-rest)
	}
	b, err := Read(strings.NewReader("{}"), 64<<10)
	if err != nil || string(b) != "{}" {
		t.Fatalf("small body: %q %v", b, err)
	}
}

// FuzzCheck runs the scanner against the encoding/json reference on arbitrary bytes: neither may
// panic, both must accept and refuse the same bodies, and an accepted body must decode with
// encoding/json.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, `{"a":{"b":[1,"x",null,true]}}`, `{"a":1,"a":2}`, `{`, ``, "\xff",
		`{"a":"\u0000"}`, `{"\u0061":1,"a":2}`, `{"a":"\ud800\udc00"}`, `{"a":-0.5e+10}`, `{"a":01}`, `{} x`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, want := Check(b), referenceCheck(b)
		if (got == nil) != (want == nil) {
			t.Fatalf("%q: scanner says %v, reference says %v", b, got, want)
		}
		if got == nil && !json.Valid(b) {
			t.Fatalf("%q accepted but not valid JSON", b)
		}
		var p *Problem
		if got != nil && !errors.As(got, &p) {
			t.Fatalf("%q: error %v is not a *Problem", b, got)
		}
		checkStrings(t, b, got)
	})
}

// checkStrings holds Strings to Check (same verdict) and to encoding/json (same string values,
// by path, outside arrays).
func checkStrings(t *testing.T, b []byte, checkErr error) {
	t.Helper()
	fields, err := Strings(b)
	if (err == nil) != (checkErr == nil) || (err != nil && err.Error() != checkErr.Error()) {
		t.Fatalf("%q: Strings says %v, Check says %v", b, err, checkErr)
	}
	if err != nil {
		return
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber() // a number too large for a float64 ({"":1e700}) is still JSON
	if d.Decode(&v) != nil {
		t.Fatalf("%q: accepted but encoding/json refuses it", b)
	}
	want := map[string]string{}
	collectStrings(v, "", want)
	if !reflect.DeepEqual(fields, want) {
		t.Fatalf("%q: Strings = %q, encoding/json gives %q", b, fields, want)
	}
}

func collectStrings(v any, at string, out map[string]string) {
	obj, ok := v.(map[string]any)
	if !ok {
		return
	}
	for k, val := range obj {
		if strings.Contains(k, ".") { // a dotted key would make paths ambiguous: not collected
			continue
		}
		path := k
		if at != "" {
			path = at + "." + k
		}
		switch x := val.(type) {
		case string:
			out[path] = x
		case map[string]any:
			collectStrings(x, path, out)
		}
	}
}

func TestStringsByPath(t *testing.T) {
	for _, b := range []string{e8Body, `{"a.b":"x","a":{"b":"y","c.d":{"e":"z"}}}`, `{"a":"\u00e9\"\\","b":{"c":"\ud83d\ude00","d":["x",{"e":"y"}]},"f":1}`, `{}`} {
		checkStrings(t, []byte(b), Check([]byte(b)))
	}
	fields, _ := Strings([]byte(e8Body))
	if fields["variables.user_data.email"] != "admin@demo.example" || fields["query"] != "storesAdmin.query.user_balance" || len(fields) != 3 {
		t.Errorf("fields = %q", fields)
	}
}

// e8Body is the largest body a Plum client sends on the hot path.
const e8Body = `{"query":"storesAdmin.query.user_balance","tag":"storeAdmin","variables":{"user_data":{"email":"admin@demo.example","phone":null}}}`

func BenchmarkCheck(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if err := Check([]byte(e8Body)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckReference is the encoding/json implementation the scanner replaced.
func BenchmarkCheckReference(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if err := referenceCheck([]byte(e8Body)); err != nil {
			b.Fatal(err)
		}
	}
}

// TestKeptValuesDoNotHoldTheBody: a value a handler keeps (a scope lives as long as its token
// family) must not keep the whole body alive. A thousand values from 64 KiB bodies padded with
// white space would hold 64 MB if they were slices of their bodies.
func TestKeptValuesDoNotHoldTheBody(t *testing.T) {
	pad := strings.Repeat(" ", 64<<10)
	kept := make([]string, 0, 1000)
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := 0; i < 1000; i++ {
		fields, err := Strings([]byte(`{"scope":"user_session"` + pad + `}`))
		if err != nil {
			t.Fatal(err)
		}
		kept = append(kept, fields["scope"])
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > 8<<20 {
		t.Errorf("keeping 1000 values grew the heap by %d MB: they hold their bodies", grown>>20)
	}
	runtime.KeepAlive(kept)
}
