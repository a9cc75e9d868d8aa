package redact

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// MinHarvested is the shortest value Add keeps: a very short value in a secret-named field is more
// likely ordinary text, and hiding it everywhere would mangle the output. AddCredential keeps
// every non-empty value.
const MinHarvested = 6

// DefaultCapacity is how many values a Set keeps unless told otherwise.
const DefaultCapacity = 4096

// maxShort bounds the values shorter than minIndexed bytes: they cannot be found through the
// sampled index and are searched for one by one, so there must be few of them.
const maxShort = 64

// gramLen is the width of the windows the index samples: every gramLen-th window of a text is
// looked up, so a value of at least 2*gramLen-1 bytes is always found.
const gramLen = 4

// minIndexed is the shortest value the sampled index can always find.
const minIndexed = 2*gramLen - 1

// filterLog sizes the bit filter in front of the index (2^filterLog bits, 16 KiB: it stays in
// the L1 cache); a clear bit spares a map lookup.
const (
	filterLog  = 17
	filterBits = 1 << filterLog
)

// Set is a bounded, concurrency-safe set of secret values (tokens, client secrets) that Redact
// hides wherever they appear. When full, the oldest value is forgotten first. Looking a text up
// costs one filter probe per gramLen bytes, whatever the number of values.
type Set struct {
	mu      sync.RWMutex
	members map[string]struct{}
	ring    []string // indexed values, oldest overwritten first; "" is a free slot
	next    int
	grams   map[uint32][]ref // the gramLen-byte windows at offsets 0..gramLen-1 of each ring value
	filter  []uint64         // a bit per hash of a gram in grams (or stale, see unindex)
	stale   int              // grams removed since filter was built
	short   []string         // values shorter than minIndexed, oldest first
	// shortest is the length of the shortest value ever added (0: none yet): no shorter text
	// can hold one, and most texts are ruled out without taking the lock.
	shortest atomic.Int32
}

// ref points from a gram to the ring value it starts at offset off of.
type ref struct {
	slot int32
	off  int32
}

// NewSet returns an empty set keeping at most capacity values (<= 0: DefaultCapacity).
func NewSet(capacity int) *Set {
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	return &Set{members: map[string]struct{}{}, ring: make([]string, capacity),
		grams: map[uint32][]ref{}, filter: make([]uint64, filterBits/64)}
}

// Add registers values harvested from traffic (a refresh token in a response, a value under a
// secret-named key). Values shorter than MinHarvested, and whole JWTs (JWTs already hides those),
// are not kept.
func (s *Set) Add(values ...string) {
	for _, v := range values {
		if len(v) >= MinHarvested && !IsJWT(v) {
			s.insert(v)
		}
	}
}

// AddCredential registers credentials given to the program (client secrets, fixture tokens, an
// admin token): every non-empty one is hidden, however short.
func (s *Set) AddCredential(values ...string) {
	for _, v := range values {
		if v != "" {
			s.insert(v)
		}
	}
}

// insert adds v unless it is known; the common case (known) takes only the read lock.
func (s *Set) insert(v string) {
	if s.Contains(v) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.members[v]; ok {
		return
	}
	s.members[v] = struct{}{}
	if len(v) < minIndexed {
		s.addShort(v)
	} else {
		s.addIndexed(v)
	}
	if n := s.shortest.Load(); n == 0 || len(v) < int(n) {
		s.shortest.Store(int32(len(v)))
	}
}

// addShort keeps v among the short values, forgetting the oldest past maxShort.
func (s *Set) addShort(v string) {
	if len(s.short) == maxShort {
		delete(s.members, s.short[0])
		s.short = slices.Delete(s.short, 0, 1)
	}
	s.short = append(s.short, v)
}

// addIndexed puts v in the ring, forgetting the value it overwrites.
func (s *Set) addIndexed(v string) {
	slot := s.next
	s.next = (s.next + 1) % len(s.ring)
	if old := s.ring[slot]; old != "" {
		delete(s.members, old)
		s.unindex(old, int32(slot))
	}
	s.ring[slot] = v
	for off := range gramLen {
		g := gramAt(v, off)
		s.grams[g] = append(s.grams[g], ref{slot: int32(slot), off: int32(off)})
		s.filter[filterIndex(g)/64] |= 1 << (filterIndex(g) % 64)
	}
}

// unindex drops the refs of an overwritten value; its filter bits are left until enough are
// stale to make a rebuild worth it (a stale bit only costs a map lookup).
func (s *Set) unindex(v string, slot int32) {
	for off := range gramLen {
		g := gramAt(v, off)
		refs := slices.DeleteFunc(s.grams[g], func(r ref) bool { return r.slot == slot })
		if len(refs) == 0 {
			delete(s.grams, g)
		} else {
			s.grams[g] = refs
		}
	}
	if s.stale += gramLen; s.stale >= len(s.ring)*gramLen {
		s.rebuildFilter()
	}
}

func (s *Set) rebuildFilter() {
	clear(s.filter)
	for g := range s.grams {
		s.filter[filterIndex(g)/64] |= 1 << (filterIndex(g) % 64)
	}
	s.stale = 0
}

// Len is how many values the set holds.
func (s *Set) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.members)
}

// Redact replaces every known value in text, and then anything JWT-shaped, by its fingerprint.
func (s *Set) Redact(text string) string { return JWTs(s.Values(text)) }

// Values replaces every known value in text by its fingerprint. Where two overlap, the one that
// starts first wins, and of two starting together the longer, so a value containing another is
// hidden whole.
func (s *Set) Values(text string) string {
	found := find(s, text)
	if len(found) == 0 {
		return text
	}
	return string(replace(text, found))
}

// ValuesBytes is Values for bytes; it returns text itself, unchanged, when it holds no known
// value.
func (s *Set) ValuesBytes(text []byte) (_ []byte, changed bool) {
	found := find(s, text)
	if len(found) == 0 {
		return text, false
	}
	return replace(text, found), true
}

// Contains reports whether v is a known value.
func (s *Set) Contains(v string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.members[v]
	return ok
}

// span is one occurrence of a known value in a text.
type span struct{ start, end int }

// replace writes text with each span, taken in order and skipping overlaps, replaced by the
// fingerprint of what it covers.
func replace[T string | []byte](text T, found []span) []byte {
	slices.SortFunc(found, func(a, b span) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return b.end - a.end
	})
	out := make([]byte, 0, len(text))
	last := 0
	for _, m := range found {
		if m.start < last {
			continue
		}
		out = append(out, text[last:m.start]...)
		out = append(out, Fingerprint(string(text[m.start:m.end]))...)
		last = m.end
	}
	return append(out, text[last:]...)
}

// find lists the occurrences of known values in text.
func find[T string | []byte](s *Set, text T) []span {
	if n := s.shortest.Load(); n == 0 || len(text) < int(n) {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []span
	for _, v := range s.short {
		for i := 0; ; {
			j := index(text[i:], v)
			if j < 0 {
				break
			}
			out = append(out, span{i + j, i + j + len(v)})
			i += j + len(v)
		}
	}
	// An occurrence starting at p holds the window at the first multiple of gramLen >= p, at
	// offset < gramLen into the value: sampling those windows finds each occurrence once.
	for i := 0; i+gramLen <= len(text); i += gramLen {
		g := uint32(text[i]) | uint32(text[i+1])<<8 | uint32(text[i+2])<<16 | uint32(text[i+3])<<24
		if s.filter[filterIndex(g)/64]&(1<<(filterIndex(g)%64)) == 0 {
			continue
		}
		for _, r := range s.grams[g] {
			v, start := s.ring[r.slot], i-int(r.off)
			if start >= 0 && len(text)-start >= len(v) && string(text[start:start+len(v)]) == v {
				out = append(out, span{start, start + len(v)})
			}
		}
	}
	return out
}

// index is strings.Index or bytes.Index, whichever text is.
func index[T string | []byte](text T, v string) int {
	switch t := any(text).(type) {
	case string:
		return strings.Index(t, v)
	case []byte:
		return bytes.Index(t, []byte(v))
	}
	return -1
}

// gramAt reads the gramLen bytes of s at i as one number.
func gramAt(s string, i int) uint32 {
	_ = s[i+3]
	return uint32(s[i]) | uint32(s[i+1])<<8 | uint32(s[i+2])<<16 | uint32(s[i+3])<<24
}

// filterIndex spreads grams over the filter (Fibonacci hashing).
func filterIndex(g uint32) uint32 { return (g * 0x9E3779B1) >> (32 - filterLog) }

// IsJWT reports whether v is one whole compact JWS (what JWTs hides without help).
func IsJWT(v string) bool {
	if !strings.HasPrefix(v, jwtStart) || strings.Count(v, ".") != 2 || strings.IndexByte(v, '.') < len(jwtStart)+2 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if !jwtByte[v[i]] {
			return false
		}
	}
	return true
}

// jwtByte marks the bytes of a compact JWS: base64url and the dots between segments. A lookup
// table, read only: IsJWT runs over every bearer token the journal meets.
var jwtByte = func() (t [256]bool) {
	for _, c := range []byte(".-_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		t[c] = true
	}
	return t
}()
