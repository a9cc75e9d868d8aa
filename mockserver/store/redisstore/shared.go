package redisstore

import (
	"context"
	"errors"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// Shared documents live outside the key generations: a token reset leaves them alone.
func (r *Redis) sharedDoc(name string) string     { return r.prefix + "shared:" + name }
func (r *Redis) sharedVersion(name string) string { return r.prefix + "shared-version:" + name }

// LoadShared implements Shared.
func (r *Redis) LoadShared(ctx context.Context, name string) ([]byte, uint64, error) {
	ctx, cancel := r.bounded(ctx)
	defer cancel()
	v, err := r.client.MGet(ctx, r.sharedDoc(name), r.sharedVersion(name)).Result()
	if err != nil {
		return nil, 0, r.failed(err)
	}
	ver, err := parseVersion(v[1])
	if err != nil || v[0] == nil {
		return nil, ver, err
	}
	return []byte(str(v[0])), ver, nil
}

// SaveShared implements Shared: the document and its new version are written in one script.
func (r *Redis) SaveShared(ctx context.Context, name string, doc []byte) (uint64, error) {
	keys := []string{r.sharedDoc(name), r.sharedVersion(name)}
	ctx, cancel := r.bounded(ctx)
	defer cancel()
	v, err := r.scripts["save_shared"].Run(ctx, r.client, keys, string(doc)).Int64()
	if err != nil {
		return 0, r.failed(err)
	}
	return uint64(v), nil
}

// SharedVersions implements Shared with one MGET: cheap enough to call on every request.
func (r *Redis) SharedVersions(ctx context.Context, names ...string) ([]uint64, error) {
	keys := make([]string, len(names))
	for i, n := range names {
		keys[i] = r.sharedVersion(n)
	}
	ctx, cancel := r.bounded(ctx)
	defer cancel()
	v, err := r.client.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, r.failed(err)
	}
	out := make([]uint64, len(v))
	for i, x := range v {
		if out[i], err = parseVersion(x); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func parseVersion(v any) (uint64, error) {
	if v == nil {
		return 0, nil
	}
	n, err := strconv.ParseUint(str(v), 10, 64)
	if err != nil {
		return 0, errors.New("redis store: shared version is not a number")
	}
	return n, nil
}

var _ redis.Scripter = (*redis.Client)(nil)
