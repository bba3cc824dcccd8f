package schema

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"ariga.io/atlas/sql/migrate"
	aschema "ariga.io/atlas/sql/schema"

	"github.com/gomikro/gomikro/meta"
)

// ApplyGuard is implemented by dialects that must set up the connection
// outside the transaction that applies a plan (SQLite switches foreign
// keys off around its table rebuilds: inside a transaction the pragma
// does nothing, and a rebuilt table's DROP would cascade to its
// referrers).
type ApplyGuard interface {
	ApplyPrologue() []string
	ApplyEpilogue() []string
}

// Syncer compares the entities with a live database and brings the
// database in line: the engine of schema:update and of generated
// migrations.
type Syncer struct {
	g   *Generator
	db  *sql.DB
	drv migrate.Driver
	// Ignore lists tables the comparison leaves alone, such as the
	// migration runner's own; NewSyncer fills it with MigrationTables.
	Ignore []string
}

// MigrationTables are the tables the migration runner keeps; a
// comparison ignores them.
var MigrationTables = []string{VersionTable, ChecksumTable, LockTable}

// NewSyncer returns a Syncer for the entities of reg on db, in dialect d
// (which must implement Inspector).
func NewSyncer(reg *meta.Registry, d Dialect, db *sql.DB) (*Syncer, error) {
	ins, ok := d.(Inspector)
	if !ok {
		return nil, fmt.Errorf("gomikro: schema: the dialect %T cannot inspect a live schema", d)
	}
	drv, err := ins.AtlasDriver(db)
	if err != nil {
		return nil, fmt.Errorf("gomikro: schema: %w", err)
	}
	return &Syncer{g: New(reg, d), db: db, drv: drv, Ignore: slices.Clone(MigrationTables)}, nil
}

// Generator returns the DDL generator of the Syncer's entities.
func (s *Syncer) Generator() *Generator { return s.g }

// Options say what an update may do beyond the safe changes.
type Options struct {
	// DropTables drops tables that no entity maps.
	DropTables bool
	// Destructive drops columns that no field maps and narrows column
	// types (a shorter varchar, a smaller integer, another type).
	Destructive bool
}

// Plan is what an update would do: the statements in order, and what it
// held back because the options did not allow it.
type Plan struct {
	// Changes are the engine's changes, in order.
	Changes []aschema.Change
	// Statements are the SQL statements that apply Changes.
	Statements []string
	// Reverse are the statements that undo Statements, in order, for a
	// down migration; nil when a change cannot be undone.
	Reverse []string
	// Held lists, for people, the changes held back as destructive.
	Held []string
	// Transactional reports whether the statements run in one transaction.
	Transactional bool
}

// Empty reports whether the database already matches the entities.
func (p *Plan) Empty() bool { return len(p.Changes) == 0 }

// Inspect reads the live schema, without the ignored tables.
func (s *Syncer) Inspect(ctx context.Context) (*aschema.Schema, error) {
	live, err := s.drv.InspectSchema(ctx, "", nil)
	if err != nil {
		return nil, fmt.Errorf("gomikro: schema: inspect: %w", err)
	}
	live.Tables = slices.DeleteFunc(live.Tables, func(t *aschema.Table) bool { return slices.Contains(s.Ignore, t.Name) })
	return live, nil
}

// Diff compares the live database with the entities and plans the
// changes that the options allow.
func (s *Syncer) Diff(ctx context.Context, opts Options) (*Plan, error) {
	live, err := s.Inspect(ctx)
	if err != nil {
		return nil, err
	}
	return s.DiffFrom(ctx, live, opts)
}

// DiffFrom plans the changes from the given state of the live schema
// (as Inspect returned it; it is modified) to the entities.
func (s *Syncer) DiffFrom(ctx context.Context, live *aschema.Schema, opts Options) (*Plan, error) {
	want, err := s.g.Model(s.drv, live.Name)
	if err != nil {
		return nil, err
	}
	// Schema-level options (MySQL's default character set) are the
	// database's, not the entities'.
	want.Attrs = live.Attrs
	reconcileIndexes(live, want)
	renames := s.renames(live)
	changes, err := s.drv.SchemaDiff(live, want)
	if err != nil {
		return nil, fmt.Errorf("gomikro: schema: diff: %w", err)
	}
	var held []string
	if changes, held, err = s.holdBack(live, want, changes, opts); err != nil {
		return nil, err
	}
	all := append(renames, changes...)
	p := &Plan{Changes: all, Held: held}
	if len(all) == 0 {
		return p, nil
	}
	qual := ""
	ap, err := s.drv.PlanChanges(ctx, "update", all, func(o *migrate.PlanOptions) { o.SchemaQualifier = &qual })
	if err != nil {
		return nil, fmt.Errorf("gomikro: schema: plan: %w", err)
	}
	p.Transactional = s.g.d.SupportsTransactionalDDL()
	for _, c := range ap.Changes {
		p.Statements = append(p.Statements, c.Cmd)
	}
	// The way back: the changes from the entities to the live state,
	// then the renames undone.
	back, err := s.drv.SchemaDiff(want, live)
	if err != nil {
		return nil, fmt.Errorf("gomikro: schema: diff: %w", err)
	}
	for i := len(renames) - 1; i >= 0; i-- {
		back = append(back, reverseRename(renames[i]))
	}
	if len(back) > 0 {
		bp, err := s.drv.PlanChanges(ctx, "down", back, func(o *migrate.PlanOptions) { o.SchemaQualifier = &qual })
		if err != nil {
			return nil, fmt.Errorf("gomikro: schema: plan the way back: %w", err)
		}
		for _, c := range bp.Changes {
			p.Reverse = append(p.Reverse, c.Cmd)
		}
	}
	return p, nil
}

func reverseRename(c aschema.Change) aschema.Change {
	switch c := c.(type) {
	case *aschema.RenameTable:
		return &aschema.RenameTable{From: c.To, To: c.From}
	case *aschema.ModifyTable:
		var cs []aschema.Change
		for i := len(c.Changes) - 1; i >= 0; i-- {
			r := c.Changes[i].(*aschema.RenameColumn)
			from, to := *r.To, *r.From
			cs = append(cs, &aschema.RenameColumn{From: &from, To: &to})
		}
		return &aschema.ModifyTable{T: c.T, Changes: cs}
	}
	return c
}

// renames applies the renames the entities declare to the live state and
// returns them as changes that come first in the plan.
func (s *Syncer) renames(live *aschema.Schema) []aschema.Change {
	var out []aschema.Change
	for _, e := range s.g.reg.Entities() {
		if e.Virtual {
			continue // no table (see meta.Virtual)
		}
		if e.RenamedFrom != "" {
			if old, ok := live.Table(e.RenamedFrom); ok {
				if _, exists := live.Table(e.Table); !exists {
					from := *old
					old.Name = e.Table
					out = append(out, &aschema.RenameTable{From: &from, To: old})
				}
			}
		}
		t, ok := live.Table(e.Table)
		if !ok {
			continue
		}
		var cols []aschema.Change
		for _, f := range e.Columns {
			if f.RenamedFrom == "" {
				continue
			}
			old, ok := t.Column(f.RenamedFrom)
			if !ok {
				continue
			}
			if _, exists := t.Column(f.Column); exists {
				continue
			}
			from := *old
			old.Name = f.Column
			cols = append(cols, &aschema.RenameColumn{From: &from, To: old})
		}
		if len(cols) > 0 {
			out = append(out, &aschema.ModifyTable{T: t, Changes: cols})
		}
	}
	return out
}

// holdBack removes the destructive changes the options do not allow: it
// puts the live object back into the wanted state and compares again, so
// that no rebuilt table (SQLite) loses it either.
func (s *Syncer) holdBack(live, want *aschema.Schema, changes []aschema.Change, opts Options) ([]aschema.Change, []string, error) {
	var held []string
	again := false
	for _, c := range changes {
		switch c := c.(type) {
		case *aschema.DropTable:
			if opts.DropTables {
				continue
			}
			held = append(held, "drop table "+c.T.Name)
			want.AddTables(c.T)
			again = true
		case *aschema.ModifyTable:
			if opts.Destructive {
				continue
			}
			wt, _ := want.Table(c.T.Name)
			lt, _ := live.Table(c.T.Name)
			for _, tc := range c.Changes {
				switch tc := tc.(type) {
				case *aschema.DropColumn:
					// Kept, and made nullable when it has no default, so
					// that inserts of the entities (which lack it) work.
					keep := *tc.C
					typ := *tc.C.Type
					keep.Type = &typ
					if keep.Default == nil && !typ.Null {
						typ.Null = true
						held = append(held, "drop column "+c.T.Name+"."+tc.C.Name+" (kept, made nullable)")
					} else {
						held = append(held, "drop column "+c.T.Name+"."+tc.C.Name)
					}
					wt.AddColumns(&keep)
					again = true
				case *aschema.ModifyColumn:
					if tc.Change.Is(aschema.ChangeType) && narrows(tc.From.Type.Type, tc.To.Type.Type) {
						held = append(held, fmt.Sprintf("change type of %s.%s from %s to %s", c.T.Name, tc.From.Name, typeString(tc.From), typeString(tc.To)))
						if lc, ok := lt.Column(tc.From.Name); ok {
							tc.To.Type = lc.Type
						}
						again = true
					}
				}
			}
		}
	}
	if !again {
		return changes, held, nil
	}
	changes, err := s.drv.SchemaDiff(live, want)
	if err != nil {
		return nil, nil, fmt.Errorf("gomikro: schema: diff: %w", err)
	}
	return changes, held, nil
}

func typeString(c *aschema.Column) string {
	if c.Type.Raw != "" {
		return c.Type.Raw
	}
	return fmt.Sprintf("%T", c.Type.Type)
}

// narrows reports whether changing a column from type a to type b may
// lose data: anything but a longer string, a wider integer or float, a
// decimal with more digits, or text for a string.
func narrows(a, b aschema.Type) bool {
	switch a := a.(type) {
	case *aschema.StringType:
		switch b := b.(type) {
		case *aschema.StringType:
			return b.Size != 0 && (a.Size == 0 || b.Size < a.Size)
		}
	case *aschema.IntegerType:
		if b, ok := b.(*aschema.IntegerType); ok {
			return intRank(b.T) < intRank(a.T)
		}
		if _, ok := b.(*aschema.DecimalType); ok {
			return false
		}
	case *aschema.FloatType:
		if b, ok := b.(*aschema.FloatType); ok {
			return b.Precision != 0 && b.Precision < a.Precision
		}
	case *aschema.DecimalType:
		if b, ok := b.(*aschema.DecimalType); ok {
			return b.Scale < a.Scale || b.Precision-b.Scale < a.Precision-a.Scale
		}
	}
	return true
}

func intRank(t string) int {
	t = strings.ToLower(t)
	switch {
	case strings.Contains(t, "tiny"):
		return 1
	case strings.Contains(t, "small") || t == "int2":
		return 2
	case strings.Contains(t, "medium"):
		return 3
	case strings.Contains(t, "big") || t == "int8":
		return 5
	}
	return 4
}

// Apply runs a plan: in one transaction where the dialect has
// transactional DDL; elsewhere statement by statement, stopping at the
// first that fails (the error names it and how many ran before it).
func (s *Syncer) Apply(ctx context.Context, p *Plan) error {
	return Exec(ctx, s.db, s.g.d, p.Statements)
}

// Exec runs DDL statements on one connection of db: in one transaction
// where d has transactional DDL, with d's ApplyGuard around it.
func Exec(ctx context.Context, db *sql.DB, d Dialect, stmts []string) (err error) {
	if len(stmts) == 0 {
		return nil
	}
	c, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("gomikro: schema: %w", err)
	}
	defer c.Close()
	return ExecConn(ctx, c, d, stmts)
}

// ExecConn is Exec on a given connection.
func ExecConn(ctx context.Context, c *sql.Conn, d Dialect, stmts []string) (err error) {
	if g, ok := d.(ApplyGuard); ok {
		for _, st := range g.ApplyPrologue() {
			if _, err := c.ExecContext(ctx, st); err != nil {
				return fmt.Errorf("gomikro: schema: %s: %w", st, err)
			}
		}
		defer func() {
			for _, st := range g.ApplyEpilogue() {
				if _, e := c.ExecContext(context.WithoutCancel(ctx), st); e != nil && err == nil {
					err = fmt.Errorf("gomikro: schema: %s: %w", st, e)
				}
			}
		}()
	}
	var x interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	} = c
	var tx *sql.Tx
	if d.SupportsTransactionalDDL() {
		if tx, err = c.BeginTx(ctx, nil); err != nil {
			return fmt.Errorf("gomikro: schema: %w", err)
		}
		x = tx
	}
	for i, st := range stmts {
		if _, err := x.ExecContext(ctx, st); err != nil {
			if tx != nil {
				_ = tx.Rollback()
				return fmt.Errorf("gomikro: schema: %s: %w (rolled back)", st, err)
			}
			return fmt.Errorf("gomikro: schema: statement %d of %d failed, %d applied before it: %s: %w", i+1, len(stmts), i, st, err)
		}
	}
	if tx != nil {
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("gomikro: schema: commit: %w", err)
		}
	}
	return nil
}
