package storetest

import "sync"

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
