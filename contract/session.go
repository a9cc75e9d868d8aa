package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// session is the state one run shares between its cases: the wire, the spec, the pacing, the
// secrets to hide and the credentials as they rotate.
type session struct {
	target  Target
	client  *http.Client
	spec    *validator
	pace    *pacer
	secrets *secrets
	caps    capabilities

	mu      sync.Mutex
	creds   Credentials
	initial Credentials
	aborted error // set when rotated credentials could not be saved; no request may follow
}

func newSession(t Target) (*session, error) {
	v, err := newValidator()
	if err != nil {
		return nil, err
	}
	client := t.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	s := &session{target: t, client: client, spec: v, pace: newPacer(t.Rate),
		secrets: newSecrets(), creds: t.Credentials, initial: t.Credentials}
	s.secrets.addCredentials(t.Credentials.secretValues()...)
	return s, nil
}

// Request is one call a case makes. Path is relative to the base URL (or the admin URL).
type Request struct {
	Method      string
	Path        string
	Bearer      string // sent as "Authorization: Bearer <Bearer>" when set
	AuthHeader  string // sent verbatim as Authorization, overriding Bearer
	JSON        any    // marshalled as the body when set
	Raw         []byte // the body verbatim when JSON is nil
	ContentType string // defaults to application/json when there is a body
	Admin       bool   // an admin/JWKS call: sent to the admin URL, not checked against the spec
	jwksURL     string // an absolute URL for an admin-side call (the --jwks-url)
	unpaced     bool   // the caller already took its pacing slot (a burst)
}

// Response is what came back, with the exchange recorded for the report.
type Response struct {
	Status   int
	Header   http.Header
	Body     []byte
	Date     time.Time // the server's Date header, zero when absent
	Sent     time.Time
	Received time.Time
	Exchange *Exchange
}

// send performs one request, records it (redacted) and validates the answer against the spec.
func (s *session) send(ctx context.Context, r Request) (*Response, error) {
	if err := s.abortErr(); err != nil {
		return nil, err
	}
	req, reqBody, err := s.build(ctx, r)
	if err != nil {
		return nil, err
	}
	if !r.unpaced {
		if err := s.pace.wait(ctx); err != nil {
			return nil, err
		}
	}
	resp := &Response{Sent: time.Now()}
	hr, err := s.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("%s %s: %s", r.Method, r.Path, s.secrets.redact(err.Error()))
	}
	defer hr.Body.Close()
	resp.Body, err = io.ReadAll(io.LimitReader(hr.Body, 1<<20))
	resp.Received = time.Now()
	if err != nil {
		return nil, fmt.Errorf("%s %s: read body: %w", r.Method, r.Path, err)
	}
	resp.Status, resp.Header = hr.StatusCode, hr.Header
	resp.Date, _ = http.ParseTime(hr.Header.Get("Date"))
	s.secrets.harvest(resp.Body)
	resp.Exchange = s.record(r, reqBody, resp)
	return resp, nil
}

func (s *session) build(ctx context.Context, r Request) (*http.Request, []byte, error) {
	body := r.Raw
	if r.JSON != nil {
		b, err := json.Marshal(r.JSON)
		if err != nil {
			return nil, nil, err
		}
		body = b
	}
	s.secrets.harvest(body)
	root := s.target.base()
	if r.Admin {
		root = s.target.admin()
	}
	url := root + r.Path
	if r.jwksURL != "" {
		url = r.jwksURL
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, url, bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	s.setHeaders(req, r, len(body) > 0)
	return req, body, nil
}

func (s *session) setHeaders(req *http.Request, r Request, hasBody bool) {
	req.Header.Set("Accept", "application/json")
	if ct := r.ContentType; ct != "" {
		req.Header.Set("Content-Type", ct)
	} else if hasBody {
		req.Header.Set("Content-Type", "application/json")
	}
	switch {
	case r.AuthHeader != "":
		req.Header.Set("Authorization", r.AuthHeader)
	case r.Bearer != "":
		req.Header.Set("Authorization", "Bearer "+r.Bearer)
	}
}

// record builds the report's view of an exchange: secrets fingerprinted, bodies trimmed.
func (s *session) record(r Request, reqBody []byte, resp *Response) *Exchange {
	ex := &Exchange{Method: r.Method, Path: r.Path, Status: resp.Status,
		RequestBody: s.clip(reqBody), ResponseBody: s.clip(resp.Body)}
	if r.Admin {
		return ex
	}
	v := s.spec.check(r.Method, r.Path, resp.Status, resp.Header, resp.Body)
	ex.Operation, ex.Assumed = v.Operation, v.Assumed
	if v.Err != nil {
		ex.SpecError = s.secrets.redact(v.Err.Error())
	}
	return ex
}

func (s *session) clip(b []byte) string {
	const limit = 2048
	text := s.secrets.redact(string(b))
	if len(text) > limit {
		text = text[:limit] + "…"
	}
	return text
}

func (s *session) abortErr() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.aborted
}
