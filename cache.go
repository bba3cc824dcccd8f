package gomikro

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// CacheStore holds cached query results for the ORM (Config.ResultCache).
// Values are opaque to the store and shared: it hands back what it was
// given, never a copy, and never changes it. Keys name one result; types
// name the entity types (meta.Entity.Name) a result depends on, so that a
// write to a type drops every result that depends on it. Implementations
// must be safe for concurrent use.
type CacheStore interface {
	// Get returns the value stored under key, unless it expired.
	Get(ctx context.Context, key string) (value any, ok bool, err error)
	// Set stores value under key for ttl, as depending on types.
	Set(ctx context.Context, key string, value any, ttl time.Duration, types []string) error
	// Delete drops the values stored under keys.
	Delete(ctx context.Context, keys ...string) error
	// Invalidate drops every value that depends on one of types; with no
	// types, it drops every value.
	Invalidate(ctx context.Context, types ...string) error
}

// DefaultCacheSize is how many results the default in-memory result
// cache holds.
const DefaultCacheSize = 1000

// NewMemoryCache returns an in-memory CacheStore holding at most
// maxEntries values (DefaultCacheSize when not positive): when full, the
// least recently used value goes. Expired values are dropped when met.
func NewMemoryCache(maxEntries int) CacheStore {
	if maxEntries <= 0 {
		maxEntries = DefaultCacheSize
	}
	return &memoryCache{max: maxEntries, items: map[string]*list.Element{}, byType: map[string]map[string]struct{}{}, lru: list.New()}
}

type memoryCache struct {
	mu     sync.Mutex
	max    int
	items  map[string]*list.Element // of *memoryItem
	byType map[string]map[string]struct{}
	lru    *list.List // front: most recently used
	now    func() time.Time
}

type memoryItem struct {
	key     string
	value   any
	expires time.Time
	types   []string
}

func (c *memoryCache) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

func (c *memoryCache) Get(_ context.Context, key string) (any, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil, false, nil
	}
	it := el.Value.(*memoryItem)
	if !c.clock().Before(it.expires) {
		c.drop(el)
		return nil, false, nil
	}
	c.lru.MoveToFront(el)
	return it.value, true, nil
}

func (c *memoryCache) Set(_ context.Context, key string, value any, ttl time.Duration, types []string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.drop(el)
	}
	it := &memoryItem{key: key, value: value, expires: c.clock().Add(ttl), types: types}
	c.items[key] = c.lru.PushFront(it)
	for _, t := range types {
		keys := c.byType[t]
		if keys == nil {
			keys = map[string]struct{}{}
			c.byType[t] = keys
		}
		keys[key] = struct{}{}
	}
	for c.lru.Len() > c.max {
		c.drop(c.lru.Back())
	}
	return nil
}

func (c *memoryCache) Delete(_ context.Context, keys ...string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range keys {
		if el, ok := c.items[k]; ok {
			c.drop(el)
		}
	}
	return nil
}

func (c *memoryCache) Invalidate(_ context.Context, types ...string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(types) == 0 {
		clear(c.items)
		clear(c.byType)
		c.lru.Init()
		return nil
	}
	for _, t := range types {
		for k := range c.byType[t] {
			if el, ok := c.items[k]; ok {
				c.drop(el)
			}
		}
		delete(c.byType, t)
	}
	return nil
}

// drop removes an item; the caller holds mu.
func (c *memoryCache) drop(el *list.Element) {
	it := el.Value.(*memoryItem)
	c.lru.Remove(el)
	delete(c.items, it.key)
	for _, t := range it.types {
		if keys := c.byType[t]; keys != nil {
			delete(keys, it.key)
			if len(keys) == 0 {
				delete(c.byType, t)
			}
		}
	}
}
