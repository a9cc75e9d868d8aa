package tokens

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a goroutine outlives the tests (the races start hundreds).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
