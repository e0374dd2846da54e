package progress

import (
	"container/list"
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"kechuang/internal/store"
)

// Cache keeps a plan's progress at a round, computed, for as long as the
// data version it was read at is current (store.DataVersion: bumped in the
// same transaction as every approval, import or edit that can move a
// figure). A hundred leaders opening the dashboard read one number and share
// one computation, and every instance invalidates on the same change
// because the version is in the database. The overview is computed by rules
// SQL cannot hold (序时 curves, forecasts, ranking), from inputs that change
// only at such events, hence a cache rather than SQL aggregates.
//
// What Load returns is shared: callers must not change it (Data.For copies
// what it cuts).
type Cache struct {
	st      *store.Store
	max     int
	mu      sync.Mutex
	entries map[cacheKey]*list.Element
	order   *list.List // most recently used first
	group   singleflight.Group
}

type cacheKey struct{ plan, round int64 }

type cacheEntry struct {
	key     cacheKey
	version int64
	data    *Data
}

// computeTimeout bounds a computation shared by several requests, none of
// whose cancellation may stop it for the others.
const computeTimeout = 30 * time.Second

// NewCache returns a cache holding at most max computed progresses.
func NewCache(st *store.Store, max int) *Cache {
	return &Cache{st: st, max: max, entries: map[cacheKey]*list.Element{}, order: list.New()}
}

// Load is progress.Load through the cache.
func (c *Cache) Load(ctx context.Context, planID, roundID int64) (*Data, error) {
	v, err := c.st.DataVersion(ctx)
	if err != nil {
		return nil, err
	}
	k := cacheKey{planID, roundID}
	if d := c.get(k, v); d != nil {
		return d, nil
	}
	ch := c.group.DoChan(fmt.Sprintf("%d/%d/%d", planID, roundID, v), func() (any, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), computeTimeout)
		defer cancel()
		src, err := c.st.ProgressSource(ctx, planID, roundID)
		if err != nil {
			return nil, err
		}
		d, err := compute(src)
		if err != nil {
			return nil, err
		}
		c.put(k, src.Version, d)
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

func (c *Cache) get(k cacheKey, version int64) *Data {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[k]
	if !ok {
		return nil
	}
	e := el.Value.(*cacheEntry)
	if e.version < version {
		return nil
	}
	c.order.MoveToFront(el)
	return e.data
}

func (c *Cache) put(k cacheKey, version int64, d *Data) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[k]; ok {
		if e := el.Value.(*cacheEntry); e.version <= version {
			e.version, e.data = version, d
		}
		c.order.MoveToFront(el)
		return
	}
	c.entries[k] = c.order.PushFront(&cacheEntry{key: k, version: version, data: d})
	for c.order.Len() > c.max {
		last := c.order.Back()
		delete(c.entries, last.Value.(*cacheEntry).key)
		c.order.Remove(last)
	}
}
