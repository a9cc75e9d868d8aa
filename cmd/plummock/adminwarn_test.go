package main

import (
	"strings"
	"syscall"
	"testing"
)

// TestAdminExposureWarningAtStart: serve logs one warning when the admin API listens beyond
// loopback without --admin-token, and none on loopback or with a token.
func TestAdminExposureWarningAtStart(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		warn int
	}{
		{"all interfaces, no token", []string{"--addr", "0.0.0.0:0"}, 1},
		{"all interfaces, token", []string{"--addr", "0.0.0.0:0", "--admin-token", "tok"}, 0},
		{"all interfaces, admin off", []string{"--addr", "0.0.0.0:0", "--admin=false"}, 0},
		{"loopback, no token", nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := startBinary(t, tc.args...)
			_ = p.cmd.Process.Signal(syscall.SIGTERM)
			_ = p.cmd.Wait() // the warning is logged before serving; after exit stderr is complete
			logs := p.stderr.String()
			if got := strings.Count(logs, "admin API without --admin-token"); got != tc.warn {
				t.Fatalf("want %d warning(s), got %d: %s", tc.warn, got, logs)
			}
		})
	}
}
