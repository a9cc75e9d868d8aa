package store

import (
	"context"

	"github.com/plummock/plummock/fixtures"
)

// Persistent is implemented by stores whose state can outlive the process (file, Redis). A mock
// starting on one that already holds state keeps it instead of resetting, so the tokens an app
// stored before a restart, or that another replica issued, stay valid.
type Persistent interface {
	// HasState reports whether the store holds state from an earlier Reset, in this version's
	// layout (StateLayout): state an older plummock left is not used, the mock starts afresh.
	HasState(ctx context.Context) (bool, error)
}

// StateLayout numbers the layout of persisted state (every backend marks its state with it). 2:
// access tokens without records, per-subject watermarks and tombstone rings, a generation secret.
const StateLayout = 2

// Reseeder is implemented by stores that can lose their state while the mock runs (a Redis
// restarted without persistence), so that replicas and requests that find it lost at once agree
// on one seed: a second seed would kill every token issued after the first.
type Reseeder interface {
	// ResetIfEmpty is Reset, in one atomic step with the check that no Reset has left its mark
	// on the store; it reports whether it seeded.
	ResetIfEmpty(ctx context.Context, set *fixtures.Set, seed Seed) (bool, error)
}
