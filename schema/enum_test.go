package schema_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/schema"
)

type Phase string

func (Phase) Values() []Phase { return []Phase{"new", "it's done"} }

type Rank int16

func (Rank) Values() []Rank { return []Rank{1, 2, 3} }

type enumTask struct {
	_     struct{} `orm:"table=task"`
	ID    int64    `orm:"pk"`
	Phase Phase
	Rank  Rank
	Prev  *Phase
	Plain string
}

// Phase2 is Phase with one more value: the same column after a change.
type Phase2 string

func (Phase2) Values() []Phase2 { return []Phase2{"new", "it's done", "archived"} }

type enumTaskV2 struct {
	_     struct{} `orm:"table=task"`
	ID    int64    `orm:"pk"`
	Phase Phase2
	Rank  Rank
	Prev  *Phase2
	Plain string
}

func TestEnumDDL(t *testing.T) {
	reg, err := meta.NewRegistry(nil, enumTask{})
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(schema.New(reg, fakeDialect{`"`}).CreateSQL(), "\n")
	for _, want := range []string{
		`"phase" TEXT NOT NULL,`,
		`CONSTRAINT "ck_task_phase_`,
		`CHECK ("phase" IN ('new', 'it''s done'))`,
		`CHECK ("rank" IN (1, 2, 3))`,
		`CHECK ("prev" IN ('new', 'it''s done'))`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("CreateSQL lacks %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, `"plain" IN`) {
		t.Errorf("a plain string got a CHECK:\n%s", all)
	}
}

// TestEnumLive: on every SQL dialect the created schema refuses a value
// outside the set (a raw INSERT), compares equal to the model, and a
// changed value set is an update that then accepts the new value.
func TestEnumLive(t *testing.T) {
	eachSQL(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		o := b.orm(t, enumTask{})
		if err := o.Schema().CreateSchema(ctx); err != nil {
			t.Fatal(err)
		}
		assertEmpty(t, o, "after CreateSchema")
		db := sqlDB(t, o)
		ins := func(phase string, rank int) error {
			q := "INSERT INTO task (phase, `rank`, plain) VALUES ('" + phase + "', " + string(rune('0'+rank)) + ", 'x')"
			if b.name != "mysql" {
				q = strings.ReplaceAll(q, "`", `"`)
			}
			_, err := db.ExecContext(ctx, q)
			return err
		}
		if err := ins("new", 2); err != nil {
			t.Fatalf("a declared value: %v", err)
		}
		if err := ins("old", 2); err == nil {
			t.Error("the database accepted a string outside the enum")
		}
		if err := ins("new", 7); err == nil {
			t.Error("the database accepted an integer outside the enum")
		}
		if err := ins("archived", 1); err == nil {
			t.Error("the database accepted a value before it was declared")
		}

		v2 := b.orm(t, enumTaskV2{})
		s := syncer(t, v2)
		p, err := s.Diff(ctx, schema.Options{Destructive: true})
		if err != nil {
			t.Fatal(err)
		}
		if p.Empty() {
			t.Fatal("a changed value set is an empty diff")
		}
		if err := s.Apply(ctx, p); err != nil {
			t.Fatalf("%v\n%s", err, strings.Join(p.Statements, ";\n"))
		}
		assertEmpty(t, v2, "after the update")
		if err := ins("archived", 1); err != nil {
			t.Errorf("a value added by the update: %v", err)
		}
	})
}
