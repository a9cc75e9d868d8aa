package store_test

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/plummock/plummock/mockserver/store"
)

// TestFailLogLimitsEachKind: a burst of failures of one kind is one line, the next second's
// line counts the ones held back; another kind is not held back by the first.
func TestFailLogLimitsEachKind(t *testing.T) {
	var buf bytes.Buffer
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	l := store.NewFailLog(slog.New(slog.NewTextHandler(&buf, nil)), func() time.Time { return now })
	boom := errors.New("no space left on device")
	for range 1000 {
		l.Fail("file store write", boom)
	}
	l.Fail("redis unavailable", boom)
	now = now.Add(time.Second)
	l.Fail("file store write", boom)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3:\n%s", len(lines), buf.String())
	}
	for i, want := range []string{"file store write", "redis unavailable", "file store write"} {
		if !strings.Contains(lines[i], want) || !strings.Contains(lines[i], "no space left on device") {
			t.Errorf("line %d = %q, want %q and the error", i, lines[i], want)
		}
	}
	if !strings.Contains(lines[0], "suppressed=0") || !strings.Contains(lines[2], "suppressed=999") {
		t.Errorf("suppressed counts: %q, %q", lines[0], lines[2])
	}
	var nilLog *store.FailLog
	nilLog.Fail("anything", boom) // a store without a log: no panic
}
