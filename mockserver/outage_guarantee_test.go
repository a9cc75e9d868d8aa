package mockserver

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/plummock/plummock/mockserver/clock"
	"github.com/plummock/plummock/mockserver/store"
	"github.com/plummock/plummock/mockserver/store/redisstore"
)

// stallProxy forwards TCP connections to a Redis until stalled; from then on it reads what
// clients send and never answers, as a hung Redis would (the listener still accepts). It
// counts the commands it swallowed.
type stallProxy struct {
	ln        net.Listener
	backend   string
	stalled   atomic.Bool
	swallowed atomic.Int64
}

func newStallProxy(t *testing.T, backend string) *stallProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &stallProxy{ln: ln, backend: backend}
	var wg sync.WaitGroup
	t.Cleanup(func() { _ = ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { p.serve(c) })
		}
	})
	return p
}

func (p *stallProxy) url() string { return "redis://" + p.ln.Addr().String() + "/0" }

// serve relays one client connection command by command, swallowing the commands sent while
// the proxy is stalled.
func (p *stallProxy) serve(c net.Conn) {
	defer c.Close()
	up, err := net.Dial("tcp", p.backend)
	if err != nil {
		return
	}
	defer up.Close()
	go func() { _, _ = io.Copy(c, up) }()
	r := bufio.NewReader(c)
	for {
		cmd, err := readCommand(r)
		if err != nil {
			return
		}
		if p.stalled.Load() {
			p.swallowed.Add(1)
			continue
		}
		if _, err := up.Write(cmd); err != nil {
			return
		}
	}
}

// readCommand reads one RESP command (an array of bulk strings) as raw bytes.
func readCommand(r *bufio.Reader) ([]byte, error) {
	head, err := r.ReadString('\n')
	if err != nil || !strings.HasPrefix(head, "*") {
		return nil, io.ErrUnexpectedEOF
	}
	n, _ := strconv.Atoi(strings.TrimSpace(head[1:]))
	out := []byte(head)
	for range n {
		size, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		l, _ := strconv.Atoi(strings.TrimSpace(size[1:]))
		body := make([]byte, l+2)
		if _, err := io.ReadFull(r, body); err != nil {
			return nil, err
		}
		out = append(append(out, size...), body...)
	}
	return out, nil
}

// TestStalledRedisIsBoundedAndLoggedOnce: with Redis accepting but never answering, every
// request is a 503 temporarily_unavailable after one attempt (each stalled command is sent
// once, never retried), and a burst of failing requests logs a line per kind of failure, not
// one per request.
func TestStalledRedisIsBoundedAndLoggedOnce(t *testing.T) {
	proxy := newStallProxy(t, miniredis.RunT(t).Addr())
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	st, err := redisstore.OpenRedis(t.Context(), proxy.url(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	st.SetFailLog(store.NewFailLog(log, time.Now))
	srv, err := New(Options{Strict: true, Store: st, Clock: clock.New(time.Now), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	set := createUser(t, ts.URL)
	proxy.stalled.Store(true)
	const n = 8
	replies := make([]reply, n)
	var wg sync.WaitGroup
	began := time.Now()
	for i := range n {
		wg.Go(func() { replies[i] = call(t, "POST", ts.URL+pathUser, nil, refreshBody(set.str("refresh_token"))) })
	}
	wg.Wait()
	t.Logf("%d requests on a stalled Redis answered in %v; %d commands swallowed", n, time.Since(began), proxy.swallowed.Load())
	for _, r := range replies {
		wantError(t, r, http.StatusServiceUnavailable, "temporarily_unavailable")
	}
	if got := proxy.swallowed.Load(); got > n {
		t.Errorf("%d commands reached the stalled Redis for %d requests: a stalled command was sent again", got, n)
	}
	for _, kind := range []string{"shared state unavailable", "redis unavailable"} {
		if c := strings.Count(logs.String(), kind); c == 0 || c >= n {
			t.Errorf("%q logged %d times for %d failed requests, want at least once and rate-limited:\n%s", kind, c, n, logs.String())
		}
	}
}
