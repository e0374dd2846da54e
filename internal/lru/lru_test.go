package lru

import "testing"

func TestLRU(t *testing.T) {
	c := New[string, int](2)
	c.Put("a", 1, nil)
	c.Put("b", 2, nil)
	c.Get("a") // b is now the least recently used
	c.Put("c", 3, nil)
	if _, ok := c.Get("b"); ok {
		t.Error("b should have been dropped")
	}
	if v, ok := c.Get("a"); !ok || v != 1 {
		t.Errorf("a = %d, %v", v, ok)
	}
	c.Put("a", 5, func(old int) bool { return old > 5 })
	if v, _ := c.Get("a"); v != 5 {
		t.Errorf("a = %d, want replaced by 5", v)
	}
	c.Put("a", 4, func(old int) bool { return old > 4 })
	if v, _ := c.Get("a"); v != 5 {
		t.Errorf("a = %d, want kept at 5", v)
	}
}
