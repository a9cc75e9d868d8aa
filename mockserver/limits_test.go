package mockserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Transport-level protections, seen acting on a real listener: the timeouts are shortened so
// the tests do not wait seconds, and no test asserts how long anything took. A deadline on the
// test's own socket only stops a broken server from hanging the test.

// testLimits are short enough to see the timeouts act within a test.
func testLimits() listenerLimits {
	l := defaultLimits()
	l.readHeader, l.read = 300*time.Millisecond, 600*time.Millisecond
	return l
}

// serveLimited runs srv on a loopback listener with l until the test ends, and returns its base
// URL. Cleanup waits for Serve to return, so goleak sees no server goroutine left.
func serveLimited(t *testing.T, srv *Server, l listenerLimits) string {
	t.Helper()
	ln := listenLoopback(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.serve(ctx, ln, l) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// dial opens a raw connection with a generous safety deadline.
func dial(t *testing.T, base string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	t.Cleanup(func() { c.Close() })
	return c
}

// waitClosed reads until the server closes the connection and returns what it sent.
func waitClosed(t *testing.T, c net.Conn) string {
	t.Helper()
	got, err := io.ReadAll(c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server never closed the connection (sent %q)", got)
	}
	return string(got)
}

// TestSlowlorisIsCutOffAndOthersAreServed trickles headers a byte at a time on several
// connections; the server closes each (ReadHeaderTimeout) while normal calls keep succeeding.
func TestSlowlorisIsCutOffAndOthersAreServed(t *testing.T) {
	_, srv := newTest(t)
	base := serveLimited(t, srv, testLimits())
	var wg sync.WaitGroup
	var closed atomic.Int32
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := dial(t, base)
			_, _ = io.WriteString(c, "GET /chef/v1/oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\n")
			for _, b := range []byte("Authorization: Bearer demo-company-token\r\n") {
				if _, err := c.Write([]byte{b}); err != nil {
					closed.Add(1) // the server already hung up: what we want
					return
				}
				time.Sleep(50 * time.Millisecond) // the attacker's trickle, not a wait for the server
			}
			if got := waitClosed(t, c); got == "" || !strings.Contains(got, " 200 ") {
				closed.Add(1)
			}
		}()
	}
	for range 5 {
		createUser(t, base) // served while the trickling connections hang on
	}
	wg.Wait()
	if closed.Load() != 8 {
		t.Errorf("%d of 8 trickling connections were closed by the server", closed.Load())
	}
}

// TestBodyThatNeverArrivesIsCutOff declares a Content-Length and sends only part of it: the
// server's ReadTimeout ends the request, nothing is issued, other clients are served.
func TestBodyThatNeverArrivesIsCutOff(t *testing.T) {
	_, srv := newTest(t)
	base := serveLimited(t, srv, testLimits())
	before := storeStats(t, srv)
	c := dial(t, base)
	fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer demo-company-token\r\n"+
		"Content-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"user_input\":", pathCreate)
	got := waitClosed(t, c)
	if strings.Contains(got, " 200 ") {
		t.Fatalf("a partial body was served: %q", got)
	}
	if got != "" && !strings.Contains(got, `"error":"invalid_request"`) {
		t.Errorf("answer to a body that never arrived: %q", got)
	}
	if after := storeStats(t, srv); after != before {
		t.Errorf("state changed: %+v -> %+v", before, after)
	}
	createUser(t, base)
}

// TestHugeHeaderIs431 sends headers past MaxHeaderBytes: net/http refuses them before any
// handler (431), and a long Authorization header within the limit gets Plum's 401.
func TestHugeHeaderIs431(t *testing.T) {
	_, srv := newTest(t)
	base := serveLimited(t, srv, defaultLimits())
	r := sendRaw(t, "GET", base+pathValidate, map[string]string{"Authorization": "Bearer " + strings.Repeat("a", 64<<10)}, "")
	if r.status != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("64 KiB header: %d %s", r.status, r.raw)
	}
	r = sendRaw(t, "GET", base+pathValidate, map[string]string{"Authorization": "Bearer " + strings.Repeat("a", 20<<10)}, "")
	wantError(t, r, http.StatusUnauthorized, "invalid_request")
	createUser(t, base)
}

// endlessJSON is a JSON body that never ends, counting what was read of it.
type endlessJSON struct {
	sent  atomic.Int64
	start bool
}

func (e *endlessJSON) Read(p []byte) (int, error) {
	n := copy(p, strings.Repeat("a", len(p)))
	if !e.start {
		e.start = true
		n = copy(p, `{"refresh_token":"`)
	}
	e.sent.Add(int64(n))
	if e.sent.Load() > 1<<30 {
		return 0, io.EOF // a safety stop far past anything the server should read
	}
	return n, nil
}

// TestChunkedBodyOverLimitIs413WithoutReadingItAll streams an endless chunked body: the mock
// answers 413 in Plum's shape having read little more than the limit.
func TestChunkedBodyOverLimitIs413WithoutReadingItAll(t *testing.T) {
	_, srv := newTest(t)
	base := serveLimited(t, srv, defaultLimits())
	body := &endlessJSON{}
	req, _ := http.NewRequest("POST", base+pathUser, body)
	req.Header.Set("Content-Type", "application/json")
	req.ContentLength = -1 // chunked
	resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || resp.Header.Get("Content-Type") != "application/json" ||
		!strings.Contains(string(raw), `"error":"invalid_request"`) || !strings.Contains(string(raw), "65536") {
		t.Fatalf("%d %s", resp.StatusCode, raw)
	}
	if sent := body.sent.Load(); sent > 8<<20 {
		t.Errorf("the client got to send %d bytes before the server gave up", sent)
	}
}

// TestServerErrorLogGoesToSlog: net/http's own complaints (here a handler writing its status
// twice) reach the mock's slog handler at WARN, not the standard logger's stderr.
func TestServerErrorLogGoesToSlog(t *testing.T) {
	logs := &syncBuffer{}
	_, srv := newTest(t, withLogger(logs), func(o *Options) { o.Strict = false })
	srv.operations["validateToken"] = func(w http.ResponseWriter, _ *http.Request, _ input) {
		w.WriteHeader(http.StatusOK)
		w.WriteHeader(http.StatusTeapot)
	}
	base := serveLimited(t, srv, defaultLimits())
	if r := call(t, "GET", base+pathValidate, bearer("demo-company-token"), nil); r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	if got := logs.String(); !strings.Contains(got, "level=WARN") || !strings.Contains(got, "superfluous response.WriteHeader") {
		t.Errorf("net/http's complaint is not in the mock's log:\n%s", got)
	}
}
