package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestJournalSizeIsCapped: a journal larger than the cap is refused at start, from the flag or
// the environment, with a message that names the flag and the limit; the cap itself is fine.
func TestJournalSizeIsCapped(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  map[string]string
	}{
		{[]string{"--journal-size", "100001"}, nil},
		{[]string{"--journal-size", "-5"}, nil},
		{nil, map[string]string{"PLUMMOCK_JOURNAL_SIZE": "2000000000"}},
	} {
		_, err := parseServe(tc.args, env(tc.env), &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "--journal-size") || !strings.Contains(err.Error(), "between 1 and 100000 calls") {
			t.Errorf("%v %v: %v; want a refusal naming --journal-size and its limit", tc.args, tc.env, err)
		}
	}
	cfg, err := parseServe([]string{"--journal-size", "100000"}, env(nil), &bytes.Buffer{})
	if err != nil || cfg.opts.JournalSize != 100000 {
		t.Fatalf("--journal-size 100000: %v, %+v", err, cfg)
	}
}
