package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/plummock/plummock/mockserver/store"
	"github.com/plummock/plummock/mockserver/store/filestore"
	"github.com/plummock/plummock/mockserver/store/redisstore"
	"github.com/redis/go-redis/v9"
)

// storeUsage is the --store flag's help.
const storeUsage = `token store: "memory" (default), "file:PATH" (one instance; state survives restarts) or ` +
	`"redis://[:PASSWORD@]HOST:PORT/DB" (replicas share state; give them all the same --key FILE)`

// storeKind says which store a --store value names, or why it names none.
func storeKind(spec string) (string, error) {
	switch {
	case spec == "" || spec == "memory":
		return "memory", nil
	case strings.HasPrefix(spec, "file:") && len(spec) > len("file:"):
		return "file", nil
	case strings.HasPrefix(spec, "redis://") || strings.HasPrefix(spec, "rediss://"):
		return "redis", nil
	}
	return "", fmt.Errorf(`--store %q: want "memory", "file:PATH" or "redis://HOST:PORT/DB"`, spec)
}

// checkStore refuses a store and key that cannot work together: replicas that each generate
// their own key would refuse each other's tokens.
func checkStore(spec, key string) error {
	kind, err := storeKind(spec)
	if err != nil {
		return err
	}
	if kind == "redis" && key == "generate" {
		return errors.New("--store redis: replicas must share one signing key; give each the same --key FILE")
	}
	return nil
}

// openStore opens the store spec names; close releases it after the server stops.
func openStore(ctx context.Context, spec string, limits store.Limits, log *slog.Logger) (st store.Store, close func() error, err error) {
	kind, err := storeKind(spec)
	if err != nil {
		return nil, nil, err
	}
	switch kind {
	case "file":
		f, err := filestore.OpenFile(strings.TrimPrefix(spec, "file:"), limits)
		if err != nil {
			return nil, nil, err
		}
		f.SetFailLog(store.NewFailLog(log, time.Now))
		log.Info("store: file", "path", strings.TrimPrefix(spec, "file:"))
		return f, f.Close, nil
	case "redis":
		redis.SetLogger(redisLogger{log}) // go-redis logs through one process-wide logger
		r, err := redisstore.OpenRedis(ctx, spec, "")
		if err != nil {
			return nil, nil, err
		}
		r.SetFailLog(store.NewFailLog(log, time.Now))
		log.Info("store: redis")
		return r, r.Close, nil
	}
	return store.NewMemory(limits), func() error { return nil }, nil
}

// redisLogger sends go-redis's own messages (reconnects, pool errors) to the mock's log at
// debug level: the store already logs the failures that matter (rate-limited).
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, "redis: "+fmt.Sprintf(format, v...))
}
