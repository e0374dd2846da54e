package web

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"
)

// door lets requests into the handlers a few at a time, in the order they
// came (measure). Past twice the cores, more requests at once add no work
// done: they queue inside Go's scheduler instead, where a request that
// needs the database a dozen times (a save that wins its form's turn, a
// review) waits for a core after each answer, behind every short request
// that came since — and PostgreSQL, on the same machine, waits for one
// too. At the door a request waits once; once in, it keeps its place
// while the database works for it, so the cores are there when the answer
// comes. With 200 reporters on PostgreSQL (internal/loadtest) the reviews'
// p99 went from 235–360 ms to 67–78 ms.
//
// A request keeps its place for at most a turn: one that runs longer (an
// upload read from a slow phone, a register checked, a bulletin printed)
// gives its place back on its own and goes on beside the others, so that
// a few long requests cannot shut the door on the short ones.
type door struct {
	places  chan struct{}
	turn    time.Duration
	waiting atomic.Int64 // requests at the door now
	overran atomic.Int64 // requests that outlived their turn, since the start
}

// The door's defaults: places a core, and the longest a request keeps one.
const (
	doorPlacesPerCore = 2
	doorTurn          = 50 * time.Millisecond
)

// newDoor makes a door with places for that many requests at once; 0 takes
// doorPlacesPerCore a core Go runs on.
func newDoor(places int, turn time.Duration) *door {
	if places <= 0 {
		places = doorPlacesPerCore * runtime.GOMAXPROCS(0)
	}
	return &door{places: make(chan struct{}, places), turn: turn}
}

// place is a request's place at the door.
type place struct {
	d     *door
	given atomic.Bool
	timer *time.Timer
}

// enter waits for a place: those waiting are let in first come, first
// served, as a channel's senders queue in order. The error is the
// context's when the client gave up first.
func (d *door) enter(ctx context.Context) (*place, error) {
	select {
	case d.places <- struct{}{}:
	default:
		d.waiting.Add(1)
		select {
		case d.places <- struct{}{}:
			d.waiting.Add(-1)
		case <-ctx.Done():
			d.waiting.Add(-1)
			return nil, ctx.Err()
		}
	}
	p := &place{d: d}
	p.timer = time.AfterFunc(d.turn, func() {
		if p.give() {
			d.overran.Add(1)
		}
	})
	return p, nil
}

// leave gives the place back; it may be called more than once.
func (p *place) leave() {
	p.timer.Stop()
	p.give()
}

// give gives the place back once, reporting whether this call did.
func (p *place) give() bool {
	if !p.given.CompareAndSwap(false, true) {
		return false
	}
	<-p.d.places
	return true
}
