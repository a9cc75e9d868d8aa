package filestore

import (
	"context"
	"encoding/binary"

	bolt "go.etcd.io/bbolt"
)

// LoadShared implements Shared.
func (f *File) LoadShared(_ context.Context, name string) (doc []byte, version uint64, err error) {
	err = f.db.View(func(tx *bolt.Tx) error {
		if d := tx.Bucket(bucketShared()).Get([]byte(name)); d != nil {
			doc = append([]byte(nil), d...) // bbolt's slice dies with the transaction
		}
		version = readVersion(tx, name)
		return nil
	})
	if err != nil {
		return nil, 0, f.failed("file store read", err)
	}
	return doc, version, nil
}

// SaveShared implements Shared: the document and its new version commit together.
func (f *File) SaveShared(_ context.Context, name string, doc []byte) (version uint64, err error) {
	err = f.db.Update(func(tx *bolt.Tx) error {
		version = readVersion(tx, name) + 1
		if err := f.put(tx.Bucket(bucketShared()), []byte(name), doc); err != nil {
			return err
		}
		return tx.Bucket(bucketVersions()).Put([]byte(name), binary.BigEndian.AppendUint64(nil, version))
	})
	if err != nil {
		return 0, f.failed("file store write", err)
	}
	return version, nil
}

// SharedVersions implements Shared.
func (f *File) SharedVersions(_ context.Context, names ...string) ([]uint64, error) {
	out := make([]uint64, len(names))
	err := f.db.View(func(tx *bolt.Tx) error {
		for i, n := range names {
			out[i] = readVersion(tx, n)
		}
		return nil
	})
	if err != nil {
		return nil, f.failed("file store read", err)
	}
	return out, nil
}

func readVersion(tx *bolt.Tx, name string) uint64 {
	v := tx.Bucket(bucketVersions()).Get([]byte(name))
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}
