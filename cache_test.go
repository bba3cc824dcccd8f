package gomikro

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestMemoryCacheTTLAndTypes(t *testing.T) {
	ctx := context.Background()
	c := NewMemoryCache(0).(*memoryCache)
	now := time.Unix(1000, 0)
	c.now = func() time.Time { return now }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(c.Set(ctx, "books", 1, time.Second, []string{"Book"}))
	must(c.Set(ctx, "books by author", 2, time.Minute, []string{"Book", "Author"}))
	must(c.Set(ctx, "tags", 3, time.Minute, []string{"Tag"}))
	if v, ok, _ := c.Get(ctx, "books"); !ok || v != 1 {
		t.Fatalf("get: %v %v", v, ok)
	}
	now = now.Add(time.Second)
	if _, ok, _ := c.Get(ctx, "books"); ok {
		t.Fatal("a value must expire after its TTL")
	}
	must(c.Invalidate(ctx, "Author"))
	if _, ok, _ := c.Get(ctx, "books by author"); ok {
		t.Fatal("Invalidate(Author) must drop a value depending on Author")
	}
	if _, ok, _ := c.Get(ctx, "tags"); !ok {
		t.Fatal("Invalidate(Author) must keep the tags")
	}
	must(c.Delete(ctx, "tags", "missing"))
	if _, ok, _ := c.Get(ctx, "tags"); ok {
		t.Fatal("Delete")
	}
	must(c.Set(ctx, "a", 1, time.Minute, []string{"A"}))
	must(c.Invalidate(ctx))
	if _, ok, _ := c.Get(ctx, "a"); ok || len(c.items) != 0 || len(c.byType) != 0 || c.lru.Len() != 0 {
		t.Fatal("Invalidate() must drop everything")
	}
}

func TestMemoryCacheBounded(t *testing.T) {
	ctx := context.Background()
	c := NewMemoryCache(3).(*memoryCache)
	for i := range 3 {
		_ = c.Set(ctx, fmt.Sprint(i), i, time.Minute, []string{"T"})
	}
	_, _, _ = c.Get(ctx, "0") // 1 is now the least recently used
	_ = c.Set(ctx, "3", 3, time.Minute, []string{"T"})
	if _, ok, _ := c.Get(ctx, "1"); ok {
		t.Fatal("the least recently used value must go when the cache is full")
	}
	for _, k := range []string{"0", "2", "3"} {
		if _, ok, _ := c.Get(ctx, k); !ok {
			t.Fatalf("%s must stay", k)
		}
	}
	if len(c.byType["T"]) != 3 {
		t.Fatalf("type index holds %d keys, want 3", len(c.byType["T"]))
	}
	_ = c.Set(ctx, "3", 33, time.Minute, nil) // replaced, no longer of T
	if len(c.byType["T"]) != 2 {
		t.Fatalf("type index holds %d keys after a replace, want 2", len(c.byType["T"]))
	}
}

func TestMemoryCacheConcurrent(t *testing.T) {
	ctx := context.Background()
	c := NewMemoryCache(50)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				k := fmt.Sprint(g, i%70)
				_ = c.Set(ctx, k, i, time.Minute, []string{fmt.Sprint("T", i%3)})
				_, _, _ = c.Get(ctx, k)
				if i%50 == 0 {
					_ = c.Invalidate(ctx, "T1")
				}
			}
		}()
	}
	wg.Wait()
}
