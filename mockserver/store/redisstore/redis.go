// Package redisstore is the token store replicas share (--store redis://…): every operation is
// one Lua script applying the memory store's rules atomically. Only the program that opens
// stores imports it, so the domain and the HTTP layer do not link go-redis.
package redisstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"github.com/plummock/plummock/mockserver/store"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/plummock/plummock/fixtures"
	"github.com/redis/go-redis/v9"
)

// Redis is the store several replicas share (--store redis://HOST:PORT/DB). Every operation is
// one Lua script, so it is atomic across replicas: of N concurrent rotations of one token, on
// any replicas, exactly one wins. The scripts apply the memory store's rules (watermarks,
// tombstone ring, revoked families; see Memory), so state is bounded by the subjects; refresh
// records also carry TTLs at their expiry (plus a margin). A reset moves to a new key
// generation, so no old token can survive it, and then deletes the old generation's keys.
// Redis Cluster is not supported (the scripts touch keys they compute).
type Redis struct {
	client  *redis.Client
	prefix  string
	scripts map[string]*redis.Script
	every   int64        // prune after this many writes
	writes  atomic.Int64 // writes since the last prune, by this replica
	cache   fixturesCache
	fails   *store.FailLog
	timeout time.Duration // each operation's deadline
}

//go:embed lua/*.lua
var luaFiles embed.FS

// redisScripts are the scripts the store runs; each but save_shared starts with lua/lib.lua.
func redisScripts() []string {
	return []string{"reset", "issue", "rotate", "read", "check", "family", "fixtures", "revoke", "prune", "stats", "inspect", "save_shared"}
}

// luaLimits is the first line of every script but save_shared: the memory store's default
// limits, so both stores keep the same bounds.
func luaLimits() string {
	return fmt.Sprintf("local L = { tombs = %d, recent = %d, revoked = %d, marks = %d }\n",
		store.DefaultTombstones, store.DefaultRecentFamilies, store.DefaultRevokedFamilies, store.DefaultWatermarks)
}

// DefaultOpTimeout bounds each operation, retries included, so a dead or stalled Redis is a 503
// within about a second instead of a hung request: a stalled command is not sent again (a
// context deadline is never retried), while a connection a restart broke is retried once on a
// fresh one. A real Redis runs any of the store's scripts in well under a millisecond.
const DefaultOpTimeout = time.Second

// DefaultRedisPrefix is where plummock's keys live in the Redis database.
const DefaultRedisPrefix = "plummock:"

// Options tune a Redis store; the zero value is the default.
type Options struct {
	Prefix string // where the keys live (DefaultRedisPrefix if empty)
	// OpTimeout bounds each operation (DefaultOpTimeout if zero). Tests that drive hundreds of
	// scripts at once through an emulated Redis under the race detector raise it.
	OpTimeout time.Duration
}

// OpenRedis connects to rawURL (redis://[user:pass@]HOST:PORT/DB) and checks that Redis
// answers. Keys are prefixed with prefix (DefaultRedisPrefix if empty).
func OpenRedis(ctx context.Context, rawURL, prefix string) (*Redis, error) {
	return Open(ctx, rawURL, Options{Prefix: prefix})
}

// Open is OpenRedis with options.
func Open(ctx context.Context, rawURL string, o Options) (*Redis, error) {
	opts, err := redis.ParseURL(rawURL)
	if err != nil {
		// url.Parse's own message quotes the whole URL, password included: name only the field.
		return nil, fmt.Errorf("redis store %s: not a valid redis:// URL", redactURL(rawURL))
	}
	if o.OpTimeout <= 0 {
		o.OpTimeout = DefaultOpTimeout
	}
	opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout = o.OpTimeout, o.OpTimeout, o.OpTimeout
	opts.PoolTimeout, opts.ContextTimeoutEnabled = o.OpTimeout, true
	opts.MaxRetries, opts.DialerRetries = 1, 1
	opts.Protocol = 2
	r, err := newRedis(ctx, redis.NewClient(opts), o.Prefix, rawURL)
	if err != nil {
		return nil, err
	}
	r.timeout = o.OpTimeout
	return r, nil
}

func newRedis(ctx context.Context, c *redis.Client, prefix, name string) (*Redis, error) {
	if prefix == "" {
		prefix = DefaultRedisPrefix
	}
	lib, err := luaFiles.ReadFile("lua/lib.lua")
	if err != nil {
		return nil, err
	}
	r := &Redis{client: c, prefix: prefix, scripts: map[string]*redis.Script{}, every: store.DefaultPruneEvery}
	for _, name := range redisScripts() {
		body, err := luaFiles.ReadFile("lua/" + name + ".lua")
		if err != nil {
			return nil, err
		}
		if name != "save_shared" {
			body = append(append(append([]byte(luaLimits()), lib...), '\n'), body...)
		}
		r.scripts[name] = redis.NewScript(string(body))
	}
	if err := c.Ping(ctx).Err(); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("redis store %s: %w", redactURL(name), redisErr(err))
	}
	return r, nil
}

// redactURL hides a password in a Redis URL before it is shown.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// Close closes the connection pool.
func (r *Redis) Close() error { return r.client.Close() }

// SetFailLog makes the store log its failures to reach Redis (rate-limited) to l; call it
// before use.
func (r *Redis) SetFailLog(l *store.FailLog) { r.fails = l }

// bounded is ctx with the deadline of one operation.
func (r *Redis) bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, r.timeout)
}

// failed is redisErr, logging a failure to reach Redis.
func (r *Redis) failed(err error) error {
	err = redisErr(err)
	if errors.Is(err, store.ErrUnavailable) {
		r.fails.Fail("redis unavailable", err)
	}
	return err
}

// redisErr marks a failure to reach Redis as ErrUnavailable (the mock answers 503 and recovers
// when Redis returns); an error Redis itself answered is a bug, left as it is.
func redisErr(err error) error {
	var reply redis.Error
	if err == nil || errors.As(err, &reply) && !transientReply(reply.Error()) {
		return err
	}
	return fmt.Errorf("redis store: %w: %w", store.ErrUnavailable, err)
}

// transientReply is a Redis error reply that means "not now" rather than "wrong".
func transientReply(msg string) bool {
	for _, p := range []string{"LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "READONLY"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// run runs a script with the key prefix as KEYS[1].
func (r *Redis) run(ctx context.Context, name string, args ...any) (any, error) {
	ctx, cancel := r.bounded(ctx)
	defer cancel()
	v, err := r.scripts[name].Run(ctx, r.client, []string{r.prefix}, args...).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, r.failed(fmt.Errorf("%s: %w", name, err))
	}
	return v, nil
}

// HasState implements Persistent: some mock of this layout has reset this database before.
func (r *Redis) HasState(ctx context.Context) (bool, error) {
	ctx, cancel := r.bounded(ctx)
	defer cancel()
	v, err := r.client.MGet(ctx, r.prefix+"gen", r.prefix+"layout").Result()
	if err != nil {
		return false, r.failed(err)
	}
	return v[0] != nil && str(v[1]) == strconv.Itoa(store.StateLayout), nil
}

// fixturesCache keeps the decoded fixture set while its JSON is unchanged, so a request does
// not decode the fixtures again.
type fixturesCache struct {
	mu  sync.Mutex
	raw string
	set *fixtures.Set
}

func (c *fixturesCache) get(raw string) (*fixtures.Set, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.set != nil && raw == c.raw {
		return c.set, nil
	}
	set, err := decodeFixtures(raw)
	if err != nil {
		return nil, err
	}
	c.raw, c.set = raw, set
	return set, nil
}

// timeKey writes t so that string order is time order (seconds.nanoseconds, fixed width); the
// zero time, meaning "never", is "". Times before 1970 (which the mock's clock refuses) sort as
// 1970.
func timeKey(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	sec := max(t.Unix(), 0)
	return fmt.Sprintf("%012d.%09d", sec, t.Nanosecond())
}

func parseTimeKey(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	sec, nsec, ok := strings.Cut(s, ".")
	a, err1 := strconv.ParseInt(sec, 10, 64)
	b, err2 := strconv.ParseInt(nsec, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return time.Time{}, fmt.Errorf("redis store: bad time %q", s)
	}
	return time.Unix(a, b).UTC(), nil
}
