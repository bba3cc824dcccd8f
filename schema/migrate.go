package schema

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// VersionTable is the table that records the migrations that ran.
const VersionTable = "gomikro_migrations"

// ChecksumTable records a checksum of every applied migration's source,
// so that an applied migration edited or removed afterwards is reported.
const ChecksumTable = "gomikro_migration_checksums"

// LockTable is the lock row of dialects without a session lock (SQLite).
const LockTable = "gomikro_migration_lock"

// Migrations is implemented by dialects that run migrations: the
// runner's name for the dialect and the lock that makes two processes
// starting at once apply each migration once.
type Migrations interface {
	GooseDialect() goose.Dialect
	MigrationLock() (lock.SessionLocker, error)
}

// MigrateConfig says where a Migrator finds its migrations.
type MigrateConfig struct {
	// FS holds the migration files (<version>_<name>.sql) at its root:
	// an embed.FS (fs.Sub for a subdirectory), or os.DirFS(Dir).
	FS fs.FS
	// Dir is the directory Create writes new migrations into; when FS
	// is nil, os.DirFS(Dir) is used.
	Dir string
	// Go are migrations written as Go functions
	// (goose.NewGoMigration(version, up, down)).
	Go []*goose.Migration
	// Log receives one line per migration as it completes, with its
	// duration (progress for long runs).
	Log io.Writer
}

// Migrator creates, applies, reverts and checks migrations.
type Migrator struct {
	s   *Syncer
	cfg MigrateConfig
}

// NewMigrator returns a Migrator over the Syncer's database.
func NewMigrator(s *Syncer, cfg MigrateConfig) (*Migrator, error) {
	if _, ok := s.g.d.(Migrations); !ok {
		return nil, fmt.Errorf("gomikro: migrations: the dialect %T runs no migrations", s.g.d)
	}
	if cfg.FS == nil && cfg.Dir != "" {
		cfg.FS = os.DirFS(cfg.Dir)
	}
	return &Migrator{s: s, cfg: cfg}, nil
}

var errNoMigrations = errors.New("no migrations")

// locked runs f holding the dialect's migration lock on a connection of
// its own, so that the runner's bookkeeping and the checksums are written
// by one process at a time. A pool of one connection (SQLite in memory)
// cannot be shared with another process and takes no lock.
func (m *Migrator) locked(ctx context.Context, f func() error) (err error) {
	if m.s.db.Stats().MaxOpenConnections == 1 {
		return f()
	}
	l, err := m.s.g.d.(Migrations).MigrationLock()
	if err != nil {
		return fmt.Errorf("gomikro: migrations: %w", err)
	}
	c, err := m.s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("gomikro: migrations: %w", err)
	}
	defer c.Close()
	if err := l.SessionLock(ctx, c); err != nil {
		return fmt.Errorf("gomikro: migrations: lock: %w", err)
	}
	defer func() {
		if e := l.SessionUnlock(context.WithoutCancel(ctx), c); e != nil && err == nil {
			err = fmt.Errorf("gomikro: migrations: unlock: %w", e)
		}
	}()
	return f()
}

// lastStatement is a log handler that keeps the statement the runner
// executes, so that an error can name the one that failed.
type lastStatement struct {
	mu   sync.Mutex
	stmt string
	src  string
	// progress receives a line per migration as it completes.
	progress io.Writer
}

func (h *lastStatement) Enabled(context.Context, slog.Level) bool { return true }

func (h *lastStatement) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "migration completed" && h.progress != nil {
		var src, dir string
		var secs float64
		r.Attrs(func(a slog.Attr) bool {
			switch a.Key {
			case "source":
				src = a.Value.String()
			case "direction":
				dir = a.Value.String()
			case "duration_seconds":
				secs = a.Value.Float64()
			}
			return true
		})
		if src == "" || src == "." {
			src = "go"
		}
		fmt.Fprintf(h.progress, "%-4s %s (%s)\n", dir, src, time.Duration(secs*float64(time.Second)).Round(time.Millisecond))
		return nil
	}
	r.Attrs(func(a slog.Attr) bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		switch a.Key {
		case "statement":
			h.stmt = a.Value.String()
		case "source":
			h.src = a.Value.String()
		}
		return true
	})
	return nil
}

func (h *lastStatement) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *lastStatement) WithGroup(string) slog.Handler      { return h }

// wrap names the statement that was running in a runner's error.
func (h *lastStatement) wrap(op string, err error) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stmt != "" {
		return fmt.Errorf("gomikro: migrations: %s: %s: statement %q: %w", op, h.src, strings.TrimSpace(h.stmt), err)
	}
	return fmt.Errorf("gomikro: migrations: %s: %w", op, err)
}

// provider opens the runner over the migrations as they are now.
func (m *Migrator) provider() (*goose.Provider, error) {
	p, _, err := m.providerLog()
	return p, err
}

// providerLog opens the runner with a log that keeps the last statement.
func (m *Migrator) providerLog() (*goose.Provider, *lastStatement, error) {
	last := &lastStatement{progress: m.cfg.Log}
	md := m.s.g.d.(Migrations)
	fsys := m.cfg.FS
	if fsys == nil {
		fsys = emptyFS{}
	}
	p, err := goose.NewProvider(md.GooseDialect(), m.s.db, fsys,
		goose.WithTableName(VersionTable),
		goose.WithDisableGlobalRegistry(true),
		goose.WithGoMigrations(m.cfg.Go...),
		goose.WithVerbose(true),
		goose.WithSlog(slog.New(last)),
	)
	if errors.Is(err, goose.ErrNoMigrations) {
		return nil, nil, errNoMigrations
	}
	if err != nil {
		return nil, nil, fmt.Errorf("gomikro: migrations: %w", err)
	}
	return p, last, nil
}

type emptyFS struct{}

func (emptyFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// Status is one migration and whether it ran.
type Status struct {
	Version int64
	// Name is the file name, or "go" for a Go migration.
	Name      string
	Applied   bool
	AppliedAt time.Time
}

// Result is one migration applied or reverted.
type Result struct {
	Version  int64
	Name     string
	Up       bool
	Duration time.Duration
}

// List returns every migration, applied or not, in order.
func (m *Migrator) List(ctx context.Context) ([]Status, error) {
	p, err := m.provider()
	if err == errNoMigrations {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("gomikro: migrations: %w", err)
	}
	out := make([]Status, len(st))
	for i, s := range st {
		out[i] = Status{Version: s.Source.Version, Name: sourceName(s.Source), Applied: s.State == goose.StateApplied, AppliedAt: s.AppliedAt}
	}
	return out, nil
}

func sourceName(s *goose.Source) string {
	if s.Path == "" {
		return "go"
	}
	return path.Base(s.Path)
}

// Pending returns the migrations that have not run.
func (m *Migrator) Pending(ctx context.Context) ([]Status, error) {
	all, err := m.List(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(s Status) bool { return s.Applied }), nil
}

// Up applies every pending migration (up to and including version to,
// when to > 0), each in its own transaction where the dialect allows.
// The lock holds other processes off until it is done.
func (m *Migrator) Up(ctx context.Context, to int64) (out []Result, err error) {
	err = m.locked(ctx, func() error {
		out, err = m.up(ctx, to)
		return err
	})
	return out, err
}

func (m *Migrator) up(ctx context.Context, to int64) ([]Result, error) {
	p, last, err := m.providerLog()
	if err == errNoMigrations {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var rs []*goose.MigrationResult
	if to > 0 {
		rs, err = p.UpTo(ctx, to)
	} else {
		rs, err = p.Up(ctx)
	}
	out := m.results(rs, true)
	if err != nil {
		return out, last.wrap("up", err)
	}
	if err := m.recordChecksums(ctx); err != nil {
		return out, err
	}
	return out, nil
}

// Down reverts the last applied migration; with to > 0, every migration
// after version to (to = -1 reverts them all).
func (m *Migrator) Down(ctx context.Context, to int64) (out []Result, err error) {
	err = m.locked(ctx, func() error {
		out, err = m.down(ctx, to)
		return err
	})
	return out, err
}

func (m *Migrator) down(ctx context.Context, to int64) ([]Result, error) {
	p, last, err := m.providerLog()
	if err == errNoMigrations {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var rs []*goose.MigrationResult
	switch {
	case to == 0:
		var r *goose.MigrationResult
		r, err = p.Down(ctx)
		if r != nil {
			rs = append(rs, r)
		}
		if errors.Is(err, goose.ErrNoNextVersion) {
			err = nil
		}
	case to < 0:
		rs, err = p.DownTo(ctx, 0)
	default:
		rs, err = p.DownTo(ctx, to)
	}
	out := m.results(rs, false)
	if err != nil {
		return out, last.wrap("down", err)
	}
	if err := m.recordChecksums(ctx); err != nil {
		return out, err
	}
	return out, nil
}

func (m *Migrator) results(rs []*goose.MigrationResult, up bool) []Result {
	out := make([]Result, 0, len(rs))
	for _, r := range rs {
		res := Result{Version: r.Source.Version, Name: sourceName(r.Source), Up: up, Duration: r.Duration}
		out = append(out, res)
	}
	return out
}

// Fresh drops every table of the database (the entities', the
// migration tables and any other) and applies all migrations.
func (m *Migrator) Fresh(ctx context.Context) (out []Result, err error) {
	err = m.locked(ctx, func() error {
		out, err = m.fresh(ctx)
		return err
	})
	return out, err
}

func (m *Migrator) fresh(ctx context.Context) ([]Result, error) {
	live, err := m.s.drv.InspectSchema(ctx, "", nil)
	if err != nil {
		return nil, fmt.Errorf("gomikro: migrations: fresh: %w", err)
	}
	var stmts []string
	if g, ok := m.s.g.d.(DropGuard); ok {
		stmts = append(stmts, g.DropPrologue()...)
	}
	for _, t := range live.Tables {
		if t.Name == LockTable {
			continue // held by this process
		}
		stmts = append(stmts, m.s.g.d.DropTable(t.Name)...)
	}
	if g, ok := m.s.g.d.(DropGuard); ok {
		stmts = append(stmts, g.DropEpilogue()...)
	}
	if err := Exec(ctx, m.s.db, m.s.g.d, stmts); err != nil {
		return nil, err
	}
	return m.up(ctx, 0)
}

// checksum returns the checksum of a migration file, "" for Go
// migrations.
func (m *Migrator) checksum(s *goose.Source) (string, error) {
	if s.Path == "" || m.cfg.FS == nil {
		return "", nil
	}
	b, err := fs.ReadFile(m.cfg.FS, s.Path)
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:]), nil
}

func (m *Migrator) ensureChecksumTable(ctx context.Context) error {
	q := m.s.g.d.QuoteIdent
	_, err := m.s.db.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS "+q(ChecksumTable)+" ("+
		q("version_id")+" BIGINT NOT NULL PRIMARY KEY, "+q("checksum")+" VARCHAR(64) NOT NULL)")
	if err != nil {
		return fmt.Errorf("gomikro: migrations: %w", err)
	}
	return nil
}

// recordChecksums stores the checksum of every applied migration that
// has none yet, and forgets those of reverted ones.
func (m *Migrator) recordChecksums(ctx context.Context) error {
	if err := m.ensureChecksumTable(ctx); err != nil {
		return err
	}
	stored, err := m.storedChecksums(ctx)
	if err != nil {
		return err
	}
	list, err := m.List(ctx)
	if err != nil {
		return err
	}
	p, err := m.provider()
	if err != nil {
		return nil
	}
	q := m.s.g.d.QuoteIdent
	ph := func(int) string { return "?" }
	if pd, ok := m.s.g.d.(interface{ Placeholder(int) string }); ok {
		ph = pd.Placeholder
	}
	sources := map[int64]*goose.Source{}
	for _, s := range p.ListSources() {
		sources[s.Version] = s
	}
	for _, st := range list {
		_, has := stored[st.Version]
		switch {
		case st.Applied && !has:
			sum, err := m.checksum(sources[st.Version])
			if err != nil {
				return fmt.Errorf("gomikro: migrations: %s: %w", st.Name, err)
			}
			if _, err := m.s.db.ExecContext(ctx, "INSERT INTO "+q(ChecksumTable)+" ("+q("version_id")+", "+q("checksum")+") VALUES ("+ph(1)+", "+ph(2)+")", st.Version, sum); err != nil {
				return fmt.Errorf("gomikro: migrations: record checksum of %s: %w", st.Name, err)
			}
		case !st.Applied && has:
			if _, err := m.s.db.ExecContext(ctx, "DELETE FROM "+q(ChecksumTable)+" WHERE "+q("version_id")+" = "+ph(1), st.Version); err != nil {
				return fmt.Errorf("gomikro: migrations: %w", err)
			}
		}
	}
	return nil
}

func (m *Migrator) storedChecksums(ctx context.Context) (map[int64]string, error) {
	q := m.s.g.d.QuoteIdent
	rows, err := m.s.db.QueryContext(ctx, "SELECT "+q("version_id")+", "+q("checksum")+" FROM "+q(ChecksumTable))
	if err != nil {
		return nil, fmt.Errorf("gomikro: migrations: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var v int64
		var s string
		if err := rows.Scan(&v, &s); err != nil {
			return nil, err
		}
		out[v] = s
	}
	return out, rows.Err()
}

// Report is the answer of Check: every way the migrations and the
// entities disagree.
type Report struct {
	// Pending are migrations that have not run.
	Pending []Status
	// Edited are applied migrations whose file changed since they ran.
	Edited []Status
	// Missing are applied versions that no migration defines any more.
	Missing []int64
	// Diff is what the entities need beyond the migrated schema; empty
	// when a migration covers every change.
	Diff *Plan
}

// OK reports whether the migrations and the entities agree.
func (r *Report) OK() bool {
	return len(r.Pending) == 0 && len(r.Edited) == 0 && len(r.Missing) == 0 && (r.Diff == nil || r.Diff.Empty())
}

func (r *Report) String() string {
	var b strings.Builder
	for _, s := range r.Pending {
		fmt.Fprintf(&b, "pending: %s\n", s.Name)
	}
	for _, s := range r.Edited {
		fmt.Fprintf(&b, "edited after it ran: %s\n", s.Name)
	}
	for _, v := range r.Missing {
		fmt.Fprintf(&b, "applied but missing: version %d\n", v)
	}
	if r.Diff != nil && !r.Diff.Empty() {
		fmt.Fprintf(&b, "the entities need changes no migration makes (migration:create writes one):\n")
		for _, s := range r.Diff.Statements {
			fmt.Fprintf(&b, "  %s;\n", s)
		}
	}
	if b.Len() == 0 {
		return "migrations and entities agree\n"
	}
	return b.String()
}

// Check compares the migrations with what ran (pending, edited and
// removed migrations) and the migrated schema with the entities.
func (m *Migrator) Check(ctx context.Context) (*Report, error) {
	r := &Report{}
	list, err := m.List(ctx)
	if err != nil {
		return nil, err
	}
	if err := m.ensureChecksumTable(ctx); err != nil {
		return nil, err
	}
	stored, err := m.storedChecksums(ctx)
	if err != nil {
		return nil, err
	}
	p, err := m.provider()
	sources := map[int64]*goose.Source{}
	if err == nil {
		for _, s := range p.ListSources() {
			sources[s.Version] = s
		}
	}
	for _, st := range list {
		src := sources[st.Version]
		if !st.Applied {
			r.Pending = append(r.Pending, st)
			continue
		}
		if src == nil {
			r.Missing = append(r.Missing, st.Version)
			continue
		}
		want, has := stored[st.Version]
		got, err := m.checksum(src)
		if err != nil {
			return nil, err
		}
		if has && want != got {
			r.Edited = append(r.Edited, st)
		}
	}
	applied, err := m.appliedVersions(ctx)
	if err != nil {
		return nil, err
	}
	for _, v := range applied {
		if sources[v] == nil && !slices.Contains(r.Missing, v) {
			r.Missing = append(r.Missing, v)
		}
	}
	if r.Diff, err = m.s.Diff(ctx, Options{}); err != nil {
		return nil, err
	}
	return r, nil
}

func (m *Migrator) appliedVersions(ctx context.Context) ([]int64, error) {
	q := m.s.g.d.QuoteIdent
	rows, err := m.s.db.QueryContext(ctx, "SELECT "+q("version_id")+" FROM "+q(VersionTable)+" WHERE "+q("version_id")+" > 0 AND "+q("is_applied")+" = TRUE")
	if err != nil {
		return nil, nil // no version table yet: nothing applied
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

var fileName = regexp.MustCompile(`^(\d+)_[A-Za-z0-9_]+\.sql$`)

// Create writes a migration named name into Dir: its up statements are
// what Diff plans with opts, its down statements undo them. With blank,
// the file is empty, for hand-written data migrations. It refuses while
// migrations are pending, since the diff would repeat them. It returns
// the file's path, and the plan ("" and an empty plan when there is
// nothing to migrate and blank is false).
func (m *Migrator) Create(ctx context.Context, name string, blank bool, opts Options) (string, *Plan, error) {
	if m.cfg.Dir == "" {
		return "", nil, fmt.Errorf("gomikro: migrations: no directory to write migrations into")
	}
	if pend, err := m.Pending(ctx); err != nil {
		return "", nil, err
	} else if len(pend) > 0 {
		return "", nil, fmt.Errorf("gomikro: migrations: %d pending (first %s): run them before creating a migration", len(pend), pend[0].Name)
	}
	plan := &Plan{}
	if !blank {
		var err error
		if plan, err = m.s.Diff(ctx, opts); err != nil {
			return "", nil, err
		}
		if plan.Empty() {
			return "", plan, nil
		}
	}
	version, err := m.nextVersion()
	if err != nil {
		return "", nil, err
	}
	slug := strings.Trim(regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(name, "_"), "_")
	if slug == "" {
		slug = "migration"
	}
	file := filepath.Join(m.cfg.Dir, strconv.FormatInt(version, 10)+"_"+slug+".sql")
	if err := os.MkdirAll(m.cfg.Dir, 0o755); err != nil {
		return "", nil, fmt.Errorf("gomikro: migrations: %w", err)
	}
	if err := os.WriteFile(file, []byte(m.render(plan)), 0o644); err != nil {
		return "", nil, fmt.Errorf("gomikro: migrations: %w", err)
	}
	return file, plan, nil
}

// nextVersion is the current UTC time as yyyymmddhhmmss, or one more
// than the newest migration when that is later.
func (m *Migrator) nextVersion() (int64, error) {
	v, _ := strconv.ParseInt(time.Now().UTC().Format("20060102150405"), 10, 64)
	entries, err := os.ReadDir(m.cfg.Dir)
	if err != nil && !os.IsNotExist(err) {
		return 0, fmt.Errorf("gomikro: migrations: %w", err)
	}
	for _, e := range entries {
		if mm := fileName.FindStringSubmatch(e.Name()); mm != nil {
			if n, _ := strconv.ParseInt(mm[1], 10, 64); n >= v {
				v = n + 1
			}
		}
	}
	for _, g := range m.cfg.Go {
		if g.Version >= v {
			v = g.Version + 1
		}
	}
	return v, nil
}

// render writes a plan as a migration file the runner reads and people
// can edit: one statement a line, or between StatementBegin and
// StatementEnd when it spans lines or holds a semicolon.
// Dialects with an ApplyGuard get it outside the transaction, which the
// file then opens itself.
func (m *Migrator) render(p *Plan) string {
	var b strings.Builder
	section := func(stmts []string) {
		g, guard := m.s.g.d.(ApplyGuard)
		if guard && len(stmts) > 0 {
			stmts = append(append(append(append(slices.Clone(g.ApplyPrologue()), "BEGIN"), stmts...), "COMMIT"), g.ApplyEpilogue()...)
		}
		for _, s := range stmts {
			s = strings.TrimSuffix(strings.TrimSpace(s), ";")
			if strings.ContainsAny(s, ";\n") {
				b.WriteString("-- +goose StatementBegin\n" + s + ";\n-- +goose StatementEnd\n")
				continue
			}
			b.WriteString(s + ";\n")
		}
	}
	b.WriteString("-- Generated by gomikro from the difference between the entities and the database.\n")
	if _, guard := m.s.g.d.(ApplyGuard); guard {
		b.WriteString("-- +goose NO TRANSACTION\n")
	}
	if len(p.Held) > 0 {
		b.WriteString("-- Held back (destructive; not in this migration):\n")
		for _, h := range p.Held {
			b.WriteString("--   " + h + "\n")
		}
	}
	b.WriteString("\n-- +goose Up\n")
	section(p.Statements)
	b.WriteString("\n-- +goose Down\n")
	section(p.Reverse)
	return b.String()
}

// DB returns the database the Migrator works on.
func (m *Migrator) DB() *sql.DB { return m.s.db }
