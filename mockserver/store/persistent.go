package store

import "context"

// Persistent is implemented by stores whose state can outlive the process (file, Redis). A mock
// starting on one that already holds state keeps it instead of resetting, so the tokens an app
// stored before a restart, or that another replica issued, stay valid.
type Persistent interface {
	// HasState reports whether the store holds state from an earlier Reset, in this version's
	// layout (stateLayout): state an older plummock left is not used, the mock starts afresh.
	HasState(ctx context.Context) (bool, error)
}

// stateLayout numbers the layout of persisted state. 2: access tokens without records,
// per-subject watermarks and tombstone rings, a generation secret.
const stateLayout = 2
