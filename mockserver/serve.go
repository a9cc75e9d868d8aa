package mockserver

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Timeouts protect the listener from slow or stuck clients (Slowloris, a body that never
// arrives) without limiting ordinary test traffic.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 15 * time.Second
	WriteTimeout      = 30 * time.Second
	IdleTimeout       = 120 * time.Second
	// MaxHeaderBytes bounds the request line and headers; past it net/http answers 431 before
	// any handler runs. It is well above MaxTokenLength, so a long but parseable Authorization
	// header still reaches the mock and gets Plum's 401.
	MaxHeaderBytes = 32 << 10
	// ShutdownGrace is how long in-flight requests get to finish after SIGTERM.
	ShutdownGrace = 8 * time.Second
)

// listenerLimits are the http.Server protections; tests shorten them to see them act.
type listenerLimits struct {
	readHeader, read, write, idle, grace time.Duration
	maxHeaderBytes                       int
}

func defaultLimits() listenerLimits {
	return listenerLimits{readHeader: ReadHeaderTimeout, read: ReadTimeout, write: WriteTimeout,
		idle: IdleTimeout, grace: ShutdownGrace, maxHeaderBytes: MaxHeaderBytes}
}

// Serve answers on ln until ctx is done, then stops accepting, lets in-flight requests finish
// (up to ShutdownGrace) and returns nil.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	return s.serve(ctx, ln, defaultLimits())
}

func (s *Server) serve(ctx context.Context, ln net.Listener, l listenerLimits) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: l.readHeader,
		ReadTimeout:       l.read,
		WriteTimeout:      l.write,
		IdleTimeout:       l.idle,
		MaxHeaderBytes:    l.maxHeaderBytes,
		// net/http's own complaints (accept errors, a panic it caught) go to the mock's log,
		// in its format, rather than to the standard logger's stderr.
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), l.grace)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	if serveErr := <-done; !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	if errors.Is(err, context.DeadlineExceeded) {
		// A request still running after the grace (a fault's delay, say) is cut off: the
		// mock was asked to stop, and stopping on time is part of a clean exit.
		s.log.Warn("shutdown grace over; closing the connections still open", "grace", l.grace.String())
		return srv.Close()
	}
	return err
}
