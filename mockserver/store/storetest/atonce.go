package storetest

import (
	"errors"
	"sync"
	"testing"
)

// AtOnce runs f(0) … f(n-1) on n goroutines released together, so they contend as hard as the
// scheduler allows, and returns their results in order. Every race test (store, service, HTTP)
// fires its requests through it.
func AtOnce[T any](n int, f func(i int) T) []T {
	out := make([]T, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			out[i] = f(i)
		})
	}
	close(start)
	wg.Wait()
	return out
}

// Winners counts the contenders of a race that succeeded; every other must have failed with
// loser (the one answer a losing contender may get), else t is told which did not.
func Winners(t testing.TB, errs []error, loser error) int {
	t.Helper()
	wins := 0
	for i, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, loser):
			t.Errorf("contender %d: err = %v, want %v", i, err, loser)
		}
	}
	return wins
}
