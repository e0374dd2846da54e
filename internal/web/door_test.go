package web

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestDoorLetsInFirstComeFirstServed: with every place taken, requests are
// let in in the order they came; one that gives up leaves the line without
// a place; one that runs past its turn gives its place back on its own.
func TestDoorLetsInFirstComeFirstServed(t *testing.T) {
	d := newDoor(1, time.Hour)
	first, err := d.enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan int, 3)
	let := make(chan *place, 3)
	for n := 1; n <= 3; n++ {
		go func() {
			p, err := d.enter(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			got <- n
			let <- p
		}()
		waitAtDoor(t, d, int64(n))
	}
	gaveUp, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := d.enter(gaveUp)
		done <- err
	}()
	waitAtDoor(t, d, 4)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("a request that gave up at the door: %v, want context.Canceled", err)
	}

	first.leave()
	first.leave() // twice gives back one place
	for want := 1; want <= 3; want++ {
		if n := <-got; n != want {
			t.Fatalf("place %d went to the request that came %d-th", want, n)
		}
		if want < 3 {
			(<-let).leave()
		}
	}
	if len(d.places) != 1 || d.waiting.Load() != 0 {
		t.Fatalf("%d places taken and %d waiting; want 1 and 0", len(d.places), d.waiting.Load())
	}

	// A request past its turn gives its place back to the next.
	short := newDoor(1, 10*time.Millisecond)
	long, err := short.enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	next, err := short.enter(ctx)
	if err != nil {
		t.Fatalf("the request after one past its turn: %v", err)
	}
	if n := short.overran.Load(); n != 1 {
		t.Fatalf("%d requests overran their turn, want 1", n)
	}
	long.leave() // its place is already given: nothing more to give
	next.leave()
	if len(short.places) != 0 {
		t.Fatalf("%d places taken after both left, want 0", len(short.places))
	}
}

// waitAtDoor waits until n requests wait at d, and a little more: a
// request counts itself before it joins the channel's queue.
func waitAtDoor(t *testing.T, d *door, n int64) {
	t.Helper()
	for range 1000 {
		if d.waiting.Load() == n {
			time.Sleep(10 * time.Millisecond)
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("%d requests at the door, want %d", d.waiting.Load(), n)
}
