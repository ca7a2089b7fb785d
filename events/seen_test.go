package events

import (
	"fmt"
	"testing"
)

// The cache forgets the least recently used event beyond maxSeen.
func TestSeenCacheIsBounded(t *testing.T) {
	c := newSeenCache()
	for i := range maxSeen + 10 {
		c.put(&seenEvent{key: fmt.Sprint(i)})
		if i == maxSeen-1 {
			c.get("0") // used again: kept
		}
	}
	if c.order.Len() != maxSeen || len(c.byKey) != maxSeen {
		t.Fatalf("cache holds %d/%d", c.order.Len(), len(c.byKey))
	}
	if _, ok := c.get("0"); !ok {
		t.Error("recently used key 0 was dropped")
	}
	if _, ok := c.get("1"); ok {
		t.Error("least recently used key 1 kept")
	}
}
