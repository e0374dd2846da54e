package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestConnGateServesTheOldestFirst: with every place taken, a freed place
// goes to the waiter whose request arrived first, whatever the order they
// began to wait in; one that gives up leaves the line without taking a
// place.
func TestConnGateServesTheOldestFirst(t *testing.T) {
	g := newConnGate(1)
	if err := g.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	base := time.Now()
	got := make(chan int, 3)
	wait := func(n int, arrived time.Duration) {
		go func() {
			if err := g.acquire(WithArrival(context.Background(), base.Add(arrived))); err != nil {
				t.Error(err)
				return
			}
			got <- n
		}()
	}
	// They begin to wait newest first.
	wait(3, 3*time.Second)
	waitFor(t, g, 1)
	wait(2, 2*time.Second)
	waitFor(t, g, 2)
	wait(1, time.Second)
	waitFor(t, g, 3)

	gaveUp, cancel := context.WithCancel(WithArrival(context.Background(), base))
	done := make(chan error)
	go func() { done <- g.acquire(gaveUp) }()
	waitFor(t, g, 4)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("a waiter that gave up: %v, want context.Canceled", err)
	}

	for want := 1; want <= 3; want++ {
		g.release()
		if n := <-got; n != want {
			t.Fatalf("place %d went to the request that arrived %d-th", want, n)
		}
	}
	g.release()
	if g.free != 1 || len(g.waiting) != 0 {
		t.Fatalf("after all are done: %d free, %d waiting; want 1 and 0", g.free, len(g.waiting))
	}
}

// waitFor waits until n requests wait at g.
func waitFor(t *testing.T, g *connGate, n int) {
	t.Helper()
	for range 1000 {
		g.mu.Lock()
		k := len(g.waiting)
		g.mu.Unlock()
		if k == n {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("%d requests never came to wait", n)
}
