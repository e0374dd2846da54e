package store

import (
	"container/heap"
	"context"
	"database/sql/driver"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
)

// arrivalKey marks a context with when its request arrived (WithArrival).
type arrivalKey struct{}

// WithArrival says when the request ctx serves arrived. A request waiting
// for a PostgreSQL connection is served before those that arrived after
// it, so that one which needs several turns of the pool (a check, then a
// transaction, then the reply's read) waits for the first and not for
// each: under load a turn of the pool is most of a request's time.
func WithArrival(ctx context.Context, at time.Time) context.Context {
	return context.WithValue(ctx, arrivalKey{}, at)
}

// connGate hands out the right to a connection, oldest request first. It
// stands in front of pgxpool with as many places as the pool has
// connections, so the pool itself never makes anyone wait long.
type connGate struct {
	mu      sync.Mutex
	free    int
	seq     uint64
	waiting waiters
}

func newConnGate(n int) *connGate { return &connGate{free: n} }

// waiter is one request waiting at the gate.
type waiter struct {
	at    time.Time
	seq   uint64 // among waiters of the same arrival, first come first served
	ready chan struct{}
	index int // in the heap; -1 once let through
}

// acquire waits for a place: at once when one is free and nobody waits.
func (g *connGate) acquire(ctx context.Context) error {
	g.mu.Lock()
	if g.free > 0 && len(g.waiting) == 0 {
		g.free--
		g.mu.Unlock()
		return nil
	}
	at, ok := ctx.Value(arrivalKey{}).(time.Time)
	if !ok {
		at = time.Now()
	}
	w := &waiter{at: at, seq: g.seq, ready: make(chan struct{})}
	g.seq++
	heap.Push(&g.waiting, w)
	g.mu.Unlock()
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
		g.mu.Lock()
		if w.index >= 0 {
			heap.Remove(&g.waiting, w.index)
			g.mu.Unlock()
			return ctx.Err()
		}
		g.mu.Unlock()
		g.release() // let through as it gave up: the place goes on
		return ctx.Err()
	}
}

// release gives a place back, to the oldest waiter if there is one.
func (g *connGate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.waiting) == 0 {
		g.free++
		return
	}
	w := heap.Pop(&g.waiting).(*waiter)
	close(w.ready)
}

// waiters is a heap of the waiters, oldest arrival first.
type waiters []*waiter

func (h waiters) Len() int { return len(h) }
func (h waiters) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].seq < h[j].seq
}
func (h waiters) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *waiters) Push(x any) {
	w := x.(*waiter)
	w.index = len(*h)
	*h = append(*h, w)
}
func (h *waiters) Pop() any {
	old := *h
	w := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	w.index = -1
	return w
}

// gatedConnector opens a connection (pgx's, from its pool) once the gate
// lets the caller through; database/sql keeps none idle, so each use of the
// database passes the gate.
type gatedConnector struct {
	driver.Connector
	gate *connGate
}

func (c gatedConnector) Connect(ctx context.Context) (driver.Conn, error) {
	if err := c.gate.acquire(ctx); err != nil {
		return nil, err
	}
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		c.gate.release()
		return nil, err
	}
	return &gatedConn{Conn: conn.(*stdlib.Conn), gate: c.gate}, nil
}

// gatedConn is pgx's connection, giving its place at the gate back when
// database/sql is done with it.
type gatedConn struct {
	*stdlib.Conn
	gate *connGate
	once sync.Once
}

func (c *gatedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.gate.release)
	return err
}
