package integration

import (
	"strings"
	"testing"
	"time"
)

func TestStaleName(t *testing.T) {
	now := time.Now()
	n := newName()
	if !strings.HasPrefix(n, testPrefix) || len(n) > 63 {
		t.Fatalf("newName() = %q", n)
	}
	if staleName(n, now) {
		t.Errorf("a new name %q is stale", n)
	}
	if !staleName(n, now.Add(staleAfter+time.Minute)) {
		t.Errorf("%q is not stale after %v", n, staleAfter)
	}
	for _, other := range []string{"test", "gm_tpl_0123456789abcdef", "gm_test_0123456789abcdef", "gm_test_x_y"} {
		if staleName(other, now.Add(100*staleAfter)) {
			t.Errorf("%q taken for a stale test database", other)
		}
	}
}
