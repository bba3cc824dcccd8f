package postgres_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
)

// Member has a unique email, for a flush that fails in its middle.
type Member struct {
	ID    int64  `orm:"pk"`
	Email string `orm:"unique"`
}

// Badge is written in the same flush as Member, after it.
type Badge struct {
	ID   int64 `orm:"pk"`
	Name string
}

// TestPipelineLogsTheFailedStatement: a pipelined flush that fails logs
// BEGIN and the statements before the failure as they ran, the failed
// statement with its error, and nothing for the statements that never
// ran.
func TestPipelineLogsTheFailedStatement(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	orm := openFresh(t, gomikro.Config{Entities: []any{Member{}, Badge{}}, Logger: logger})
	ctx := context.Background()
	m := orm.EM().Fork()
	if err := m.Persist(&Member{Email: "a@x"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	m = orm.EM().Fork()
	if err := m.Persist(&Member{Email: "b@x"}, &Member{Email: "a@x"}, &Badge{Name: "gold"}); err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	err := m.Flush(ctx)
	if !errors.Is(err, gomikro.ErrUniqueViolation) {
		t.Fatalf("flush: %v, want a unique violation", err)
	}
	type record struct {
		SQL   string `json:"sql"`
		Error string `json:"error"`
	}
	var recs []record
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var r record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		if r.SQL != "" {
			recs = append(recs, r)
		}
	}
	var failed []string
	for i, r := range recs {
		if r.Error != "" {
			failed = append(failed, r.SQL)
			if i != len(recs)-1 && !strings.HasPrefix(recs[i+1].SQL, "ROLLBACK") {
				t.Errorf("statement %q is logged after the failed one; it never ran", recs[i+1].SQL)
			}
		}
		if strings.Contains(r.SQL, "badge") {
			t.Errorf("the Badge insert never ran but is logged: %+v", r)
		}
	}
	if len(recs) == 0 || recs[0].SQL != "BEGIN" || recs[0].Error != "" {
		t.Errorf("BEGIN should be logged first, without an error: %+v", recs)
	}
	if len(failed) != 1 || !strings.Contains(failed[0], "member") {
		t.Errorf("exactly the Member insert should be logged as failed, got %q (records %+v)", failed, recs)
	}
}
