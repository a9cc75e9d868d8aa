package store_test

import (
	"testing"

	"github.com/plummock/plummock/mockserver/store"
	"github.com/plummock/plummock/mockserver/store/storetest"
)

func TestMemoryConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) store.Store { return store.NewMemory(store.Limits{}) })
}

func TestMemoryCaps(t *testing.T) {
	storetest.RunCaps(t, func(_ *testing.T, max int) store.Store {
		return store.NewMemory(store.Limits{MaxTokens: max, PruneEvery: 8})
	})
}
