package mongoem_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/faults"
	"github.com/gomikro/gomikro/query"
)

func TestZZTiming(t *testing.T) {
	lg := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	orm := openFresh(t, gomikro.Config{Entities: []any{faults.Note{}}, Logger: lg})
	ctx := context.Background()
	m := orm.EM().EntityManager
	for k := 1; k <= 3; k++ {
		s := m.Fork()
		for i := range 200 {
			_ = s.Persist(&faults.Note{Batch: k, Body: fmt.Sprint(i)})
		}
		if err := s.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		f := m.Fork()
		rows, err := em.Find[faults.Note](ctx, f, query.M{"batch": k})
		if err != nil {
			t.Fatal(err)
		}
		for i, n := range rows {
			if i < 100 {
				n.Mark = 2
			} else if i < 150 {
				_ = f.Remove(n)
			}
		}
		for i := range 2000 {
			_ = f.Persist(&faults.Note{Batch: k, Mark: 1, Body: fmt.Sprint(i)})
		}
		st := time.Now()
		if err := f.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		t.Logf("flush %d: %v", k, time.Since(st))
	}
}
