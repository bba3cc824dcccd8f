package sqlem

import (
	"encoding/json"
	"math"
	"testing"
	"time"
)

type myID int32

func TestJSONList(t *testing.T) {
	s, ok := JSONList([]any{int64(-1), myID(7), uint64(math.MaxInt64), 1.5, "a\"b\\c\n\x01é", true})
	if !ok {
		t.Fatal("refused plain values")
	}
	var back []any
	if err := json.Unmarshal([]byte(s), &back); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	if back[4] != "a\"b\\c\n\x01é" || back[1] != 7.0 || back[5] != true {
		t.Fatalf("round trip: %#v", back)
	}
	for _, bad := range []any{nil, uint64(math.MaxInt64) + 1, math.NaN(), math.Inf(1), []byte("x"), time.Now(), "\xff"} {
		if _, ok := JSONList([]any{int64(1), bad}); ok {
			t.Errorf("%#v: encoded, want refused", bad)
		}
	}
}
