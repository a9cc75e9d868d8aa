package clock

import (
	"errors"
	"sync"
	"testing"
	"time"
)

// fakeWall is a wall clock the test moves by hand.
type fakeWall struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeWall) now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.t }
func (f *fakeWall) add(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestAdvanceSetFreeze(t *testing.T) {
	wall := &fakeWall{t: t0}
	c := New(wall.now)
	if !c.Now().Equal(t0) {
		t.Fatalf("now = %v", c.Now())
	}
	if _, err := c.Advance(361 * time.Hour); err != nil {
		t.Fatal(err)
	}
	if got := c.Now(); !got.Equal(t0.Add(361 * time.Hour)) {
		t.Errorf("after advance = %v", got)
	}
	wall.add(time.Second)
	if got := c.Now(); !got.Equal(t0.Add(361*time.Hour + time.Second)) {
		t.Errorf("running clock did not follow wall: %v", got)
	}
	c.Freeze()
	wall.add(time.Hour)
	frozen := c.Now()
	if !frozen.Equal(t0.Add(361*time.Hour + time.Second)) {
		t.Errorf("frozen clock moved: %v", frozen)
	}
	c.Advance(time.Minute)
	if got := c.Now(); !got.Equal(frozen.Add(time.Minute)) {
		t.Errorf("frozen advance = %v", got)
	}
	c.Unfreeze()
	if got := c.Now(); !got.Equal(frozen.Add(time.Minute)) {
		t.Errorf("unfreeze jumped: %v", got)
	}
	target := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	c.Set(target)
	if got := c.Now(); !got.Equal(target) {
		t.Errorf("set = %v", got)
	}
	c.Reset()
	if got := c.Now(); !got.Equal(wall.now()) || c.State() != (State{}) {
		t.Errorf("reset = %v %+v", got, c.State())
	}
}

func TestNegativeAdvanceRefusedAndNothingChanges(t *testing.T) {
	c := New((&fakeWall{t: t0}).now)
	before := c.State()
	if _, err := c.Advance(-time.Second); !errors.Is(err, ErrBackwards) {
		t.Fatalf("err = %v", err)
	}
	if c.State() != before {
		t.Errorf("state changed: %+v", c.State())
	}
}

func TestConcurrentUse(t *testing.T) {
	c := New(nil)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				c.Advance(time.Millisecond)
				_ = c.Now()
			}
		}()
	}
	wg.Wait()
	if c.State().Offset != 800*time.Millisecond {
		t.Errorf("offset = %v", c.State().Offset)
	}
}
