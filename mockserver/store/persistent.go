package store

import "context"

// Persistent is implemented by stores whose state can outlive the process (file, Redis). A mock
// starting on one that already holds state keeps it instead of resetting, so the tokens an app
// stored before a restart, or that another replica issued, stay valid.
type Persistent interface {
	// HasState reports whether the store holds state from an earlier Reset.
	HasState(ctx context.Context) (bool, error)
}
