// Package store keeps the mock's token state behind one interface whose operations are each
// atomic, so the domain never needs a lock of its own: of N concurrent rotations of one refresh
// token exactly one wins, and a reset leaves nothing of the old state alive.
//
// This package is the vocabulary (types, errors, interfaces, the rotation rule) and the memory
// store. The persistent backends live in their own packages, filestore (bbolt) and redisstore
// (Redis and Lua), which only the program that opens a store imports.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/plummock/plummock/fixtures"
)

// Errors a store reports; the domain maps them to Plum's error bodies.
var (
	ErrNotFound    = errors.New("store: not found")
	ErrUsed        = errors.New("store: refresh token already used")
	ErrExpired     = errors.New("store: expired")
	ErrRevoked     = errors.New("store: revoked")
	ErrWrongClient = errors.New("store: token belongs to another client")
	ErrWrongKind   = errors.New("store: token is of another kind")
)

// Kind says whether a token speaks for a user or for a whole company.
type Kind string

// The two kinds of token Plum issues.
const (
	KindUser    Kind = "user"
	KindCompany Kind = "company"
)

// Grant is who a token family speaks for. It never changes within a family.
type Grant struct {
	Kind      Kind   `json:"kind"`
	CompanyID string `json:"company"`
	Subject   string `json:"sub"` // the user's email (lower case) or the company id
	ClientID  string `json:"client_id"`
	Scope     string `json:"scope"`
}

// Revocation says why a token died before its expiry; the zero value means alive.
type Revocation struct {
	At     time.Time `json:"at,omitzero"`
	Reason string    `json:"reason,omitempty"`
}

// Alive reports whether nothing has revoked the token.
func (r Revocation) Alive() bool { return r.Reason == "" }

// RefreshToken is a stored refresh token, known only by the SHA-256 of its value.
type RefreshToken struct {
	Hash      string     `json:"hash"`
	Family    string     `json:"family"`
	Grant     Grant      `json:"grant"`
	IssuedAt  time.Time  `json:"iat"`
	ExpiresAt time.Time  `json:"exp"`
	UsedAt    time.Time  `json:"used_at,omitzero"` // first rotation; the token is a tombstone after
	Revoked   Revocation `json:"revoked,omitzero"`
}

// AccessToken is an access token. Only fixture (static, non-JWT) tokens are stored, by
// "static:"+hash; an issued JWT is described by one (Pair.Access) but carries what validation
// needs in its signed claims, so the store keeps no record of it (see AccessClaim).
type AccessToken struct {
	ID        string     `json:"id"`
	Family    string     `json:"family"`
	Grant     Grant      `json:"grant"`
	IssuedAt  time.Time  `json:"iat"`
	ExpiresAt time.Time  `json:"exp"`
	Revoked   Revocation `json:"revoked,omitzero"`
}

// Pair is what one issue stores: the refresh token, and the access token's description (its
// family, grant and expiry; the store remembers only the family's latest access expiry).
type Pair struct {
	Access  AccessToken
	Refresh RefreshToken
}

// Issued says where the store placed a newly issued access token. The token's signed claims
// carry its positions, so revocations can be checked later in state bounded by the subjects,
// without a record per token.
type Issued struct {
	// Gen is the generation's secret (Seed.Gen): the domain binds a token's claims to it with
	// a MAC. A reset starts a new generation, so every earlier token stops verifying; it never
	// leaves the server, so not even the signing key's holder can alter a token's claims.
	Gen       string
	Seq       uint64 // the token's position: a revocation kills the positions before it
	FamilySeq uint64 // the position at which the token's family was created (evictions use it)
}

// AccessClaim is what a signed access token says about itself, for CheckAccess.
type AccessClaim struct {
	Grant     Grant // Kind, CompanyID and Subject are used
	Family    string
	Seq       uint64
	FamilySeq uint64
	// Offline marks a token minted without a server (`plummock token`): it has no position,
	// so only a revocation of its family applies to it.
	Offline bool
}

// AccessState is what the store knows of a signed access token.
type AccessState struct {
	Gen     string     // the current generation's secret, to check the token's MAC with
	Revoked Revocation // zero: alive
	// RefreshExpiry is the expiry of the family's newest live refresh token; zero if none.
	RefreshExpiry time.Time
}

// IssueOptions say what an issue does to the subject's earlier tokens (E1's rules).
type IssueOptions struct {
	// SupersedeRefresh kills the live refresh tokens of the subject's other families.
	SupersedeRefresh bool
	// SupersedeAccess also kills their access tokens.
	SupersedeAccess bool
	// MaxFamilies caps live families per subject (0 = no cap); the oldest are revoked.
	MaxFamilies int
	// KeepTombstone keeps the refresh token's record until its expiry once it is used, outside
	// the subject's tombstone ring: an offline refresh token, which would otherwise be adopted
	// again (and so replayed) once its tombstone left the ring.
	KeepTombstone bool
}

// Rotation is one refresh: the presented token's hash, who presents it, and its successor.
type Rotation struct {
	Hash     string
	ClientID string
	Kind     Kind
	Now      time.Time
	// Grace lets a used token rotate again within this long after its first use.
	Grace time.Duration
	// RevokeFamilyOnReuse kills the whole family when a used token comes back after the grace.
	RevokeFamilyOnReuse bool
	// Next is the successor pair; the store sets its Family to the presented token's.
	Next Pair
}

// Filter selects the tokens an invalidation scenario kills.
type Filter struct {
	CompanyID string // required
	Subject   string // empty = every subject of the company
	Kind      Kind   // empty = both kinds
}

// Store is the mock's token state. Every method is atomic and safe for concurrent use.
type Store interface {
	// Reset replaces all state: fixtures, no tokens but the seed pairs and access tokens.
	Reset(ctx context.Context, set *fixtures.Set, seed Seed) error
	// Fixtures returns the current fixture set (shared, read-only).
	Fixtures(ctx context.Context) (*fixtures.Set, error)
	// Issue stores a new family for pair.Refresh.Grant and places its access token.
	Issue(ctx context.Context, pair Pair, opts IssueOptions) (Issued, error)
	// Rotate checks the presented refresh token and replaces it with r.Next in one step; it
	// returns the presented token and where the successor's access token was placed.
	Rotate(ctx context.Context, r Rotation) (RefreshToken, Issued, error)
	// LookupRefresh reads a refresh token by hash; it changes nothing (Rotate is the refresh).
	LookupRefresh(ctx context.Context, hash string) (RefreshToken, error)
	// LookupAccess reads a fixture (static) access token by id; it changes nothing.
	LookupAccess(ctx context.Context, id string) (AccessToken, error)
	// CheckAccess says whether a signed access token is revoked, its family's live refresh
	// expiry, and the generation's secret its MAC must verify with.
	CheckAccess(ctx context.Context, c AccessClaim) (AccessState, error)
	// FamilyRefresh returns the live refresh token of a family, if any.
	FamilyRefresh(ctx context.Context, family string) (RefreshToken, error)
	// Revoke kills every token matching f, with the reason given; it returns how many stored
	// tokens and remembered families it killed.
	Revoke(ctx context.Context, f Filter, why Revocation) (int, error)
	// Prune drops what expired at or before now; it returns how many entries.
	Prune(ctx context.Context, now time.Time) (int, error)
	// Stats counts what is stored, for inspection and bounded-memory tests.
	Stats(ctx context.Context) (Stats, error)
}

// Seed is the state a reset starts from: the new generation's secret (random) and the fixture
// tokens, built by the domain. Each token is a family of its own.
type Seed struct {
	Gen     string
	Refresh []RefreshToken
	Access  []AccessToken
}

// Stats counts what a store holds. Every count is bounded by the fixtures (subjects) and the
// limits, not by how many tokens were ever issued.
type Stats struct {
	RefreshTokens int `json:"refresh_tokens"` // live ones and tombstones
	AccessTokens  int `json:"access_tokens"`  // fixture (static) access tokens
	Families      int `json:"families"`       // families holding a stored token
	Tombstones    int `json:"tombstones"`     // used or revoked refresh tokens kept for replays
	Recent        int `json:"recent"`         // remembered families whose access token may work
	Revocations   int `json:"revocations"`    // watermarks and revoked families
}

// ErrUnavailable is returned when a store's backend cannot be reached (e.g. Redis is down); the
// mock answers 503 and recovers when the backend returns.
var ErrUnavailable = errors.New("store: backend unavailable")

// Shared is implemented by stores whose state outlives the process or spans replicas (file,
// Redis). Through it the mock keeps its control state — clock, behaviour profile, faults,
// scenarios — beside the tokens: each named document is opaque JSON to the store. A memory
// store does not implement it; the mock then keeps control state in process only.
type Shared interface {
	// LoadShared returns the document and its version; a missing document is (nil, 0, nil).
	LoadShared(ctx context.Context, name string) (doc []byte, version uint64, err error)
	// SaveShared stores the document and bumps its version atomically.
	SaveShared(ctx context.Context, name string, doc []byte) (version uint64, err error)
	// SharedVersions returns the current version of each named document in one round trip, so
	// a replica can tell cheaply, per request, whether it must reload anything.
	SharedVersions(ctx context.Context, names ...string) ([]uint64, error)
}

// Family is one token family as an inspector shows it: who it speaks for, its stored refresh
// tokens (live and tombstones) and fixture access tokens, and, for an issued family the store
// still remembers, its latest access token's expiry and revocation.
type Family struct {
	ID            string         `json:"id"`
	Grant         Grant          `json:"grant"`
	Created       time.Time      `json:"created"`
	Refresh       []RefreshToken `json:"refresh_tokens"`
	Access        []AccessToken  `json:"access_tokens"`
	AccessExpiry  time.Time      `json:"access_expiry,omitzero"`
	AccessRevoked Revocation     `json:"access_revoked,omitzero"`
}

// Watermark is a revocation as an inspector shows it: the subject's tokens issued before it
// (Scope "tokens"), its families created before it ("families"), or one family ("family").
type Watermark struct {
	Grant  Grant      `json:"grant"`
	Scope  string     `json:"scope"`
	Family string     `json:"family,omitempty"`
	Why    Revocation `json:"why"`
	Until  time.Time  `json:"until,omitzero"` // a revoked family is forgotten then
}

// Inspection is a company's state as the admin API's state view shows it.
type Inspection struct {
	Families   []Family    `json:"families"`
	Watermarks []Watermark `json:"watermarks"`
}

// Inspector is implemented by stores that can list their state, for the admin API's state
// view. Stores that cannot list cheaply need not implement it.
type Inspector interface {
	Inspect(ctx context.Context, companyID string) (Inspection, error)
}
