package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/plummock/plummock/mockserver/apierr"
	"github.com/plummock/plummock/mockserver/store"
	"github.com/plummock/plummock/mockserver/tokens"
)

// sharedDoc is one piece of control state that a store.Shared keeps beside the tokens, so
// replicas agree on it and a restart keeps it.
type sharedDoc struct {
	name     string
	snapshot func() any              // the state as it is now
	restore  func(data []byte) error // replace the state with a stored one
}

// sharedState syncs the control documents with a store.Shared: before each request it pulls
// what another replica changed (one SharedVersions call), and before a response is written it
// pushes what this request changed, so the change is stored before the client hears of it.
type sharedState struct {
	store store.Shared
	docs  []sharedDoc
	mu    sync.Mutex
	known []uint64 // the version of each doc this replica last pulled or pushed
	last  [][]byte // its JSON then, to tell whether a request changed it
	fails *store.FailLog
}

// sharedDocs are the documents a replica shares: clock, behaviour profile, faults and rate
// limits, and the scenario refusals. The journal stays per replica.
func (s *Server) sharedDocs() []sharedDoc {
	return []sharedDoc{
		{"clock", func() any { return s.clock.State() }, func(b []byte) error {
			return restoreJSON(b, s.clock.Restore)
		}},
		{"profile", func() any { return s.tokens.Policy() }, func(b []byte) error {
			var p tokens.Policy
			if err := json.Unmarshal(b, &p); err != nil {
				return err
			}
			return s.tokens.SetPolicy(p)
		}},
		{"faults", func() any { return s.faults.Snapshot() }, func(b []byte) error {
			return restoreJSON(b, s.faults.Restore)
		}},
		{"blocks", func() any { return s.tokens.Blocks() }, func(b []byte) error {
			return restoreJSON(b, s.tokens.RestoreBlocks)
		}},
	}
}

func restoreJSON[T any](b []byte, restore func(T)) error {
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	restore(v)
	return nil
}

// startState brings the server up on its store: a store that already holds state (a file from
// before a restart, a Redis other replicas use) is kept as it is, control documents included;
// any other is reset to the start-up fixtures.
func (s *Server) startState(ctx context.Context) error {
	if sh, ok := s.opts.Store.(store.Shared); ok {
		s.shared = &sharedState{store: sh, docs: s.sharedDocs(), fails: store.NewFailLog(s.log, time.Now)}
		s.shared.known, s.shared.last = make([]uint64, len(s.shared.docs)), make([][]byte, len(s.shared.docs))
	}
	keep, err := s.hasStoredState(ctx)
	if err != nil {
		return err
	}
	if !keep {
		if err := s.tokens.Reset(ctx, s.base); err != nil {
			return err
		}
		return s.pushShared(ctx, true)
	}
	s.log.Info("kept the state the store holds (tokens, fixtures, clock, profile); POST /__admin/reset starts afresh")
	return s.pullShared(ctx)
}

func (s *Server) hasStoredState(ctx context.Context) (bool, error) {
	p, ok := s.opts.Store.(store.Persistent)
	if !ok {
		return false, nil
	}
	has, err := p.HasState(ctx)
	if err != nil {
		return false, fmt.Errorf("mockserver: store: %w", err)
	}
	return has, nil
}

// pullShared loads every document another replica (or an earlier process) saved since this
// replica last looked. Without a shared store it does nothing.
func (s *Server) pullShared(ctx context.Context) error {
	st := s.shared
	if st == nil {
		return nil
	}
	versions, err := st.store.SharedVersions(ctx, st.names()...)
	if err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.lost(versions) {
		return s.recoverLostState(ctx)
	}
	return st.load(ctx, versions)
}

func (st *sharedState) names() []string {
	names := make([]string, len(st.docs))
	for i, d := range st.docs {
		names[i] = d.name
	}
	return names
}

// load restores every document whose stored version is not the one this replica knows. The
// caller holds st.mu.
func (st *sharedState) load(ctx context.Context, versions []uint64) error {
	for i, v := range versions {
		if v == st.known[i] {
			continue
		}
		name := st.docs[i].name
		data, v, err := st.store.LoadShared(ctx, name)
		if err != nil {
			return err
		}
		if data != nil {
			if err := st.docs[i].restore(data); err != nil {
				return fmt.Errorf("mockserver: shared %s: %w", name, err)
			}
		}
		st.known[i], st.last[i] = v, st.json(i)
	}
	return nil
}

// lost reports a store that forgot everything (a Redis restarted without persistence): every
// document this replica saw saved is gone. The caller holds st.mu.
func (st *sharedState) lost(versions []uint64) bool {
	seen := false
	for i, v := range versions {
		if v != 0 {
			return false
		}
		seen = seen || st.known[i] != 0
	}
	return seen
}

// recoverLostState seeds a store that lost its state: the start-up fixtures (every token is
// gone with the store anyway) and this replica's control documents. Of all replicas and
// requests that find the state lost at once, exactly one seeds (tokens.Reseed); the others
// take the state it seeded and the documents it saves, so nothing it issued is reset again.
// The caller holds st.mu.
func (s *Server) recoverLostState(ctx context.Context) error {
	st := s.shared
	seeded, err := s.tokens.Reseed(ctx, s.base)
	if err != nil {
		return err
	}
	if seeded {
		s.log.Warn("the store lost its state (tokens issued before are gone); re-seeded it with the start-up fixtures")
		return s.pushLocked(ctx, true)
	}
	versions, err := st.store.SharedVersions(ctx, st.names()...)
	if err != nil {
		return err
	}
	return st.load(ctx, versions) // documents the seeder has not saved yet are forgotten, to be loaded when saved
}

// pushShared saves every document whose state changed since it was last pulled or pushed
// (every document, if all is set).
func (s *Server) pushShared(ctx context.Context, all bool) error {
	st := s.shared
	if st == nil {
		return nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return s.pushLocked(ctx, all)
}

// pushLocked is pushShared with st.mu held.
func (s *Server) pushLocked(ctx context.Context, all bool) error {
	st := s.shared
	for i, d := range st.docs {
		now := st.json(i)
		if !all && bytes.Equal(now, st.last[i]) {
			continue
		}
		v, err := st.store.SaveShared(ctx, d.name, now)
		if err != nil {
			return err
		}
		st.known[i], st.last[i] = v, now
	}
	return nil
}

// json is document i's current state as stored; marshalling plain structs cannot fail.
func (st *sharedState) json(i int) []byte {
	b, _ := json.Marshal(st.docs[i].snapshot())
	return b
}

// SaveShared stores the control documents a change made outside an HTTP request (an in-process
// caller of Reset, say) so other replicas see it. Requests need no call: the sync middleware
// pushes what they change.
func (s *Server) SaveShared(ctx context.Context) error { return s.pushShared(ctx, false) }

// withShared wraps the handler in the per-request sync. Health and the JWKS need no shared
// state, so they answer even while the store is down.
func (s *Server) withShared(next http.Handler) http.Handler {
	if s.shared == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == adminPrefix+"/health" || strings.HasPrefix(r.URL.Path, "/.well-known/") {
			next.ServeHTTP(w, r)
			return
		}
		if err := s.pullShared(r.Context()); err != nil {
			s.shared.fails.Fail("shared state unavailable", err) // an outage: a line a second, not one per request
			writeError(w, apierr.Unavailable())
			return
		}
		pw := &pushWriter{ResponseWriter: w, push: func() error { return s.pushShared(r.Context(), false) }, fails: s.shared.fails}
		next.ServeHTTP(pw, r)
		pw.once.Do(pw.save) // a handler that wrote nothing
	})
}

// pushWriter saves the shared state the request changed just before the response starts, so
// the change is durable (file store) and visible to other replicas (Redis) before the client
// can act on it. If the save fails, the client gets 503 instead of an answer that was never
// stored.
type pushWriter struct {
	http.ResponseWriter
	push   func() error
	fails  *store.FailLog
	once   sync.Once
	failed bool
}

func (w *pushWriter) save() {
	if err := w.push(); err != nil {
		w.fails.Fail("could not save shared state", err)
		w.failed = true
		w.Header().Del("Content-Length")
		writeError(w.ResponseWriter, apierr.Unavailable())
	}
}

func (w *pushWriter) WriteHeader(status int) {
	w.once.Do(w.save)
	if !w.failed {
		w.ResponseWriter.WriteHeader(status)
	}
}

func (w *pushWriter) Write(b []byte) (int, error) {
	w.once.Do(w.save)
	if w.failed {
		return len(b), nil // the 503 has been written; the unsaved answer is dropped
	}
	return w.ResponseWriter.Write(b)
}

func (w *pushWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
