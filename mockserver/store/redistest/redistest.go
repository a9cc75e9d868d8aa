// Package redistest starts a real redis-server for integration tests: on a free loopback port,
// persisting nothing, stopped when the test ends. Tests that use it are skipped unless
// PLUMMOCK_REDIS_INTEGRATION=1, so `go test ./...` needs no Redis; CI sets it.
package redistest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"
)

// EnvVar turns the real-Redis tests on.
const EnvVar = "PLUMMOCK_REDIS_INTEGRATION"

// Server is one redis-server process.
type Server struct {
	t    *testing.T
	Port int
	cmd  *exec.Cmd
}

// Require skips the test unless the integration tests are on, and fails it if they are on but
// redis-server is missing (CI must not pass by skipping).
func Require(t *testing.T) {
	t.Helper()
	if os.Getenv(EnvVar) != "1" {
		t.Skipf("set %s=1 to run against a real redis-server", EnvVar)
	}
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatalf("%s=1 but redis-server is not installed (apt-get install -y redis-server)", EnvVar)
	}
}

// Start runs redis-server on a free loopback port until the test ends.
func Start(t *testing.T) *Server {
	t.Helper()
	Require(t)
	s := &Server{t: t, Port: FreePort(t)}
	s.Start()
	t.Cleanup(s.Stop)
	return s
}

// URL is the server's address as --store takes it.
func (s *Server) URL() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", s.Port) }

// Start (re)starts the server on its port and waits until it accepts connections.
func (s *Server) Start() {
	s.t.Helper()
	s.cmd = exec.Command("redis-server", "--port", fmt.Sprint(s.Port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.t.TempDir())
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("redis-server: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", s.Port)); err == nil {
			_ = c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Fatalf("redis-server did not listen on port %d", s.Port)
}

// Stop kills the server (as an outage would) and waits for it to go.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
