// Package lru is a small least-recently-used cache, safe for concurrent
// use: what the dashboard keeps of computed progress and rendered pages.
package lru

import (
	"container/list"
	"sync"
)

// Cache holds at most Max entries, dropping the least recently used.
type Cache[K comparable, V any] struct {
	max     int
	mu      sync.Mutex
	entries map[K]*list.Element
	order   *list.List // most recently used first
}

type entry[K comparable, V any] struct {
	key K
	val V
}

// New returns a cache of at most max entries.
func New[K comparable, V any](max int) *Cache[K, V] {
	return &Cache[K, V]{max: max, entries: map[K]*list.Element{}, order: list.New()}
}

// Get returns the value kept for k.
func (c *Cache[K, V]) Get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[k]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*entry[K, V]).val, true
}

// Put keeps v for k, unless keep says the value already there should stay
// (keep may be nil: always replace).
func (c *Cache[K, V]) Put(k K, v V, keep func(old V) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[k]; ok {
		if e := el.Value.(*entry[K, V]); keep == nil || !keep(e.val) {
			e.val = v
		}
		c.order.MoveToFront(el)
		return
	}
	c.entries[k] = c.order.PushFront(&entry[K, V]{k, v})
	for c.order.Len() > c.max {
		last := c.order.Back()
		delete(c.entries, last.Value.(*entry[K, V]).key)
		c.order.Remove(last)
	}
}
