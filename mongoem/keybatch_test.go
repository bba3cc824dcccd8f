package mongoem

import (
	"strings"
	"testing"
)

// A $in list of keys larger than a command document may be is split into
// the fewest lists that fit; a list that fits is not.
func TestKeyBatchBoundsTheDocumentSize(t *testing.T) {
	ints := make([]any, 100_000)
	for i := range ints {
		ints[i] = int64(i)
	}
	if n := keyBatch(ints); n != 0 {
		t.Fatalf("100,000 int64 keys (about 1.5 MB): batches of %d, want all in one", n)
	}
	long := strings.Repeat("k", 1000)
	strs := make([]any, 30_000)
	for i := range strs {
		strs[i] = long
	}
	n := keyBatch(strs)
	if n == 0 || n >= len(strs) || n*(1+len("30000")+1+4+1000+1) > keyListBytes {
		t.Fatalf("30,000 keys of 1,000 bytes (about 30 MB): batches of %d, want at most %d bytes each", n, keyListBytes)
	}
	if parts := (len(strs) + n - 1) / n; parts != 3 {
		t.Fatalf("30 MB of keys in %d lists, want 3", parts)
	}
}
