package main

import (
	"runtime/debug"
	"testing"
)

// TestTuneGCKeepsTheUsersGOGC: without GOGC the mock collects at defaultGCPercent; with GOGC set,
// the runtime's reading of it is left alone.
func TestTuneGCKeepsTheUsersGOGC(t *testing.T) {
	orig := debug.SetGCPercent(100)
	defer debug.SetGCPercent(orig)

	tuneGC(env(nil))
	if got := debug.SetGCPercent(100); got != defaultGCPercent {
		t.Errorf("GOGC unset: GC percent %d, want %d", got, defaultGCPercent)
	}
	debug.SetGCPercent(50) // as GOGC=50 would have set it at start
	tuneGC(env(map[string]string{"GOGC": "50"}))
	if got := debug.SetGCPercent(100); got != 50 {
		t.Errorf("GOGC=50: GC percent %d, want the user's 50", got)
	}
}
