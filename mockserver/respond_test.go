package mockserver

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestJSONObjectEncodesLikeEncodingJSON holds the hand-written encoder to encoding/json: the
// same values decode from both, whatever the strings hold.
func TestJSONObjectEncodesLikeEncodingJSON(t *testing.T) {
	for _, v := range []string{"", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", `quote " and \ backslash`, "tab\tnewline\n", "<script>&", "ünïcödé ✓", "\x00\x7f", "bad utf-8 \xff"} {
		got := newJSONObject(64).str("s", v).num("n", -42).str("k\"ey", "x").done()
		want, _ := json.Marshal(map[string]any{"s": v, "n": -42, "k\"ey": "x"})
		var g, w map[string]any
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatalf("%q: not JSON: %s", v, got)
		}
		if err := json.Unmarshal(want, &w); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%q: got %s, want %s", v, got, want)
		}
	}
	if got := string(newJSONObject(64).done()); got != "{}" {
		t.Errorf("empty object = %s", got)
	}
}

// TestJSONPlainTable holds the table to its rule, byte value by byte value.
func TestJSONPlainTable(t *testing.T) {
	if len(jsonPlain) != 256 {
		t.Fatalf("table has %d entries, want 256", len(jsonPlain))
	}
	for c := 0; c < 256; c++ {
		want := 0x20 <= c && c <= 0x7e && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
		if got := jsonPlain[c] == '1'; got != want {
			t.Errorf("byte %#x: plain = %v, want %v", c, got, want)
		}
	}
}

// TestBalanceJSONIsTheStructItReplaced: E8's appended answer decodes to the shape Plum sends.
func TestBalanceJSONIsTheStructItReplaced(t *testing.T) {
	for _, total := range []float64{0, 100, 12.5, 1e21, -3} {
		var got map[string]any
		if err := json.Unmarshal(balanceJSON(total), &got); err != nil {
			t.Fatalf("%v: %s", total, balanceJSON(total))
		}
		want := map[string]any{"data": map[string]any{"user_balance": map[string]any{
			"success": 1.0, "message": nil, "data": map[string]any{"total": total}}}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%v: %s", total, balanceJSON(total))
		}
	}
}
