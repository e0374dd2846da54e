package progress

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"kechuang/internal/lru"
	"kechuang/internal/store"
)

// Cache keeps a plan's progress at a round, computed, for as long as the
// data version it was read at is current (store.Versions: bumped in the
// same transaction as every approval, import or edit that can move a
// figure). A hundred leaders opening the dashboard read one number and share
// one computation, and every instance invalidates on the same change
// because the version is in the database. The overview is computed by rules
// SQL cannot hold (序时 curves, forecasts, ranking), from inputs that change
// only at such events, hence a cache rather than SQL aggregates. A
// submission or a return moves the data version but no figure (the
// figures version stands): the next read takes the figures, and the
// overview computed from them, from what is kept, and reads only the
// round's forms and the task reports again.
//
// What Load returns is shared: callers must not change it (Data.For copies
// what it cuts).
type Cache struct {
	st       *store.Store
	entries  *lru.Cache[cacheKey, cacheEntry]
	group    singleflight.Group
	versions versionReader
}

type cacheKey struct{ plan, round int64 }

type cacheEntry struct {
	version int64
	src     *store.ProgressSource // what data was computed from
	data    *Data
}

// computeTimeout bounds a computation shared by several requests, none of
// whose cancellation may stop it for the others.
const computeTimeout = 30 * time.Second

// NewCache returns a cache holding at most max computed progresses.
func NewCache(st *store.Store, max int) *Cache {
	return &Cache{st: st, entries: lru.New[cacheKey, cacheEntry](max), versions: versionReader{read: st.Versions}}
}

// Versions are the current data and figures versions, read as Load reads
// them (shared with concurrent requests, never older than the moment of
// the call): what else is kept by either keys by it.
func (c *Cache) Versions(ctx context.Context) (store.Versions, error) {
	return c.versions.Versions(ctx)
}

// Load is progress.Load through the cache.
func (c *Cache) Load(ctx context.Context, planID, roundID int64) (*Data, error) {
	vs, err := c.versions.Versions(ctx)
	if err != nil {
		return nil, err
	}
	v := vs.Data
	k := cacheKey{planID, roundID}
	prev, ok := c.entries.Get(k)
	if ok && prev.version >= v {
		return prev.data, nil
	}
	ch := c.group.DoChan(fmt.Sprintf("%d/%d/%d", planID, roundID, v), func() (any, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), computeTimeout)
		defer cancel()
		// What was kept at an older version still gives its figures and
		// overview when only submissions or returns came since.
		src, err := c.st.ProgressSourceSince(ctx, planID, roundID, prev.src)
		if err != nil {
			return nil, err
		}
		d, err := computeSince(src, prev.data)
		if err != nil {
			return nil, err
		}
		c.entries.Put(k, cacheEntry{src.Version, src, d}, func(old cacheEntry) bool { return old.version > src.Version })
		return d, nil
	})
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*Data), nil
	}
}

// versionReader reads the data version for concurrent requests together:
// a request takes the first read that starts after it asked — never one
// already under way — so it sees every change committed before it asked,
// as a read of its own would (on every instance: the version is in the
// database). One read runs at a time; the requests arriving meanwhile share
// the next, so a hundred leaders make a few reads, not a hundred.
type versionReader struct {
	read    func(context.Context) (store.Versions, error)
	running sync.Mutex // held while a read runs
	mu      sync.Mutex
	next    *versionRead // the read requests arriving now take; not started
}

type versionRead struct {
	done chan struct{}
	v    store.Versions
	err  error
}

// versionTimeout bounds a read of the data version shared by several
// requests, none of whose cancellation may stop it for the others.
const versionTimeout = 10 * time.Second

// Versions are the current data and figures versions.
func (vr *versionReader) Versions(ctx context.Context) (store.Versions, error) {
	vr.mu.Lock()
	r := vr.next
	if r == nil {
		r = &versionRead{done: make(chan struct{})}
		vr.next = r
		go vr.run(r)
	}
	vr.mu.Unlock()
	select {
	case <-r.done:
		return r.v, r.err
	case <-ctx.Done():
		return store.Versions{}, ctx.Err()
	}
}

// run makes read r once the read before it is done. Whoever joined r did so
// before r left vr.next, that is before r started.
func (vr *versionReader) run(r *versionRead) {
	vr.running.Lock()
	defer vr.running.Unlock()
	vr.mu.Lock()
	vr.next = nil
	vr.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), versionTimeout)
	defer cancel()
	r.v, r.err = vr.read(ctx)
	close(r.done)
}
