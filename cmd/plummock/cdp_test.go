package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// browser is headless Chromium driven over the DevTools protocol on a pipe
// (--remote-debugging-pipe: JSON messages ending in NUL, Chromium reading fd 3 and writing
// fd 4), so a test can click and read the DOM with no WebSocket client and no dependency.
type browser struct {
	t        *testing.T
	toChrome *os.File
	mu       sync.Mutex
	nextID   int
	pending  map[int]chan cdpReply
	session  string
}

type cdpReply struct {
	ID     int             `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Message string `json:"message"`
	} `json:"error"`
}

// startBrowser launches Chromium with a fresh profile and opens one page; it is killed at the
// end of the test.
func startBrowser(t *testing.T) *browser {
	t.Helper()
	if _, err := exec.LookPath("chromium"); err != nil {
		t.Skip("chromium not installed (CI installs it)")
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
		"--user-data-dir="+t.TempDir(), "--remote-debugging-pipe", "--window-size=1280,1000", "about:blank")
	cmd.ExtraFiles = []*os.File{inR, outW} // fd 3: Chromium reads; fd 4: Chromium writes
	if err := cmd.Start(); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	_ = inR.Close()
	_ = outW.Close()
	b := &browser{t: t, toChrome: inW, pending: map[int]chan cdpReply{}}
	done := make(chan struct{})
	go b.read(outR, done)
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		// Browser.close lets Chromium end its helper processes and release the profile
		// directory before the test removes it; a kill is the fallback.
		b.mu.Lock()
		b.session = "" // a browser-wide command, not the page's
		b.mu.Unlock()
		_ = b.call("Browser.close", map[string]any{}, nil)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		_ = inW.Close()
		_ = outR.Close()
		<-done
	})
	b.openPage()
	return b
}

// read hands each reply to its caller; events (messages without an id) are not needed.
func (b *browser) read(from *os.File, done chan struct{}) {
	defer close(done)
	r := bufio.NewReader(from)
	for {
		msg, err := r.ReadBytes(0)
		if err != nil {
			b.mu.Lock()
			for id, ch := range b.pending {
				close(ch)
				delete(b.pending, id)
			}
			b.mu.Unlock()
			return
		}
		var rep cdpReply
		if json.Unmarshal(msg[:len(msg)-1], &rep) != nil || rep.ID == 0 {
			continue
		}
		b.mu.Lock()
		ch := b.pending[rep.ID]
		delete(b.pending, rep.ID)
		b.mu.Unlock()
		if ch != nil {
			ch <- rep
		}
	}
}

// call sends one command (to the page's session once there is one) and waits for its reply.
func (b *browser) call(method string, params any, into any) error {
	b.mu.Lock()
	b.nextID++
	id := b.nextID
	ch := make(chan cdpReply, 1)
	b.pending[id] = ch
	msg := map[string]any{"id": id, "method": method, "params": params}
	if b.session != "" {
		msg["sessionId"] = b.session
	}
	b.mu.Unlock()
	raw, _ := json.Marshal(msg)
	if _, err := b.toChrome.Write(append(raw, 0)); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case rep, ok := <-ch:
		switch {
		case !ok:
			return fmt.Errorf("%s: chromium went away", method)
		case rep.Error != nil:
			return fmt.Errorf("%s: %s", method, rep.Error.Message)
		case into != nil:
			return json.Unmarshal(rep.Result, into)
		}
		return nil
	case <-time.After(60 * time.Second):
		return fmt.Errorf("%s: no reply from chromium", method)
	}
}

func (b *browser) openPage() {
	var target struct {
		TargetID string `json:"targetId"`
	}
	if err := b.call("Target.createTarget", map[string]any{"url": "about:blank"}, &target); err != nil {
		b.t.Fatal(err)
	}
	var att struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.call("Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &att); err != nil {
		b.t.Fatal(err)
	}
	b.session = att.SessionID
}

func (b *browser) navigate(url string) {
	b.t.Helper()
	if err := b.call("Page.navigate", map[string]any{"url": url}, nil); err != nil {
		b.t.Fatal(err)
	}
}

// eval runs a JavaScript expression in the page (awaiting a promise) and decodes its value.
func (b *browser) eval(expr string, into any) error {
	var out struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		Exception *struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	err := b.call("Runtime.evaluate", map[string]any{"expression": expr, "awaitPromise": true, "returnByValue": true}, &out)
	switch {
	case err != nil:
		return err
	case out.Exception != nil:
		return errors.New("javascript: " + out.Exception.Text)
	case into != nil && len(out.Result.Value) > 0:
		return json.Unmarshal(out.Result.Value, into)
	}
	return nil
}

// waitFor polls a JavaScript expression inside the page until it is truthy and returns its
// value as JSON. The deadline only bounds a broken page; a working one answers within a poll.
func (b *browser) waitFor(what, expr string) json.RawMessage {
	b.t.Helper()
	js := `new Promise((resolve) => { const t0 = Date.now(); (function f() {
	  let v = null; try { v = (` + expr + `); } catch (e) {}
	  if (v) return resolve(v); if (Date.now() - t0 > 20000) return resolve(null); setTimeout(f, 50); })(); })`
	var v json.RawMessage
	for attempt := 0; ; attempt++ {
		err := b.eval(js, &v)
		if err == nil {
			break
		}
		if attempt > 20 { // a navigation in flight destroys the context: try again
			b.t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(v) == 0 || string(v) == "null" {
		var text string
		_ = b.eval(`document.body ? document.body.innerText.slice(0, 3000) : ""`, &text)
		b.t.Fatalf("%s: not seen; the page shows:\n%s", what, text)
	}
	return v
}

// click clicks the element a CSS selector names.
func (b *browser) click(selector string) {
	b.t.Helper()
	sel, _ := json.Marshal(selector)
	var ok bool
	if err := b.eval(`(() => { const e = document.querySelector(`+string(sel)+`); if (!e || e.disabled) return false; e.click(); return true; })()`, &ok); err != nil || !ok {
		b.t.Fatalf("click %s: %v (found and enabled: %v)", selector, err, ok)
	}
}

// screenshot captures the whole page as PNG.
func (b *browser) screenshot(width, height int) []byte {
	b.t.Helper()
	if err := b.call("Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}, nil); err != nil {
		b.t.Fatal(err)
	}
	var shot struct {
		Data []byte `json:"data"` // base64 in JSON, decoded by encoding/json
	}
	if err := b.call("Page.captureScreenshot", map[string]any{"format": "png"}, &shot); err != nil {
		b.t.Fatal(err)
	}
	return shot.Data
}
