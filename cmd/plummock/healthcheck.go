package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// healthTimeout bounds a health check; a container runtime runs it every few seconds.
const healthTimeout = 3 * time.Second

// runHealthcheck is `plummock healthcheck`: GET /__admin/health on the local mock, exit 0 if it
// answers {"status":"ok"}, 1 otherwise. It needs no shell or curl, so a scratch image's
// HEALTHCHECK can run it.
func runHealthcheck(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "", "the mock's listen address (default: $PLUMMOCK_ADDR, else 127.0.0.1:8080)")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	target := healthURL(firstNonEmpty(*addr, getenv("PLUMMOCK_ADDR"), "127.0.0.1:8080"))
	if err := checkHealth(ctx, target); err != nil {
		fmt.Fprintln(stderr, "plummock healthcheck:", err)
		return 1
	}
	fmt.Fprintln(stdout, "ok")
	return 0
}

// healthURL turns a listen address into the URL to check: a wildcard host (":8080",
// "0.0.0.0:8080") is checked on loopback.
func healthURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr + "/__admin/health"
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/__admin/health"
}

func checkHealth(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 4096)).Decode(&body); err != nil || resp.StatusCode != http.StatusOK || body.Status != "ok" {
		return fmt.Errorf("%s answered %d %q", url, resp.StatusCode, body.Status)
	}
	return nil
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
