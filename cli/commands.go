package cli

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/gomikro/gomikro/mongoem"
	"github.com/gomikro/gomikro/schema"
)

// mongoOnly refuses the MongoDB-only flags on a SQL backend.
func (e *env) mongoOnly() error {
	if e.mongo == nil && (e.o.validators || e.o.dropValidators) {
		return errUsage{"--validators and --drop-validators are for MongoDB (SQL tables get their checks from the column types)"}
	}
	return nil
}

func schemaCreate(ctx context.Context, e *env) error {
	if err := e.runOrDump(); err != nil {
		return err
	}
	if err := e.mongoOnly(); err != nil {
		return err
	}
	start := time.Now()
	switch {
	case e.mongo != nil:
		if e.o.dump {
			for _, ix := range e.mongo.Schema().Indexes() {
				e.printf("createIndex %s %s %v unique=%v\n", ix.Collection, ix.Name, ix.Keys, ix.Unique)
			}
			if e.o.validators {
				e.dumpValidators()
			}
			return nil
		}
		var opts []mongoem.CreateOption
		if e.o.validators {
			opts = append(opts, mongoem.WithValidators())
		}
		if err := e.mongo.Schema().CreateSchema(ctx, opts...); err != nil {
			return err
		}
	case e.o.dump:
		e.dumpStatements(e.sql.Schema().CreateSQL())
		return nil
	default:
		if err := e.sql.Schema().CreateSchema(ctx); err != nil {
			return err
		}
	}
	e.printf("schema created (%s)\n", since(start))
	return nil
}

func schemaDrop(ctx context.Context, e *env) error {
	if err := e.runOrDump(); err != nil {
		return err
	}
	start := time.Now()
	switch {
	case e.mongo != nil:
		if e.o.dump {
			e.printf("drop the entities' collections\n")
			return nil
		}
		if err := e.mongo.Schema().DropSchema(ctx); err != nil {
			return err
		}
	case e.o.dump:
		e.dumpStatements(e.sql.Schema().DropSQL())
		return nil
	default:
		if err := e.sql.Schema().DropSchema(ctx); err != nil {
			return err
		}
	}
	e.printf("schema dropped (%s)\n", since(start))
	return nil
}

func schemaFresh(ctx context.Context, e *env) error {
	if err := e.runOrDump(); err != nil {
		return err
	}
	s, name, err := freshSeed(e)
	if err != nil {
		return err
	}
	if e.sql != nil && e.o.dump {
		e.dumpStatements(e.sql.Schema().DropSQL())
		e.dumpStatements(e.sql.Schema().CreateSQL())
		return nil
	}
	if err := schemaDrop(ctx, e); err != nil {
		return err
	}
	if err := schemaCreate(ctx, e); err != nil || s == nil {
		return err
	}
	return e.runSeeder(ctx, s, name)
}

// dumpValidators prints the collections' validators as extended JSON.
func (e *env) dumpValidators() {
	vs := e.mongo.Schema().Validators()
	names := make([]string, 0, len(vs))
	for c := range vs {
		names = append(names, c)
	}
	sort.Strings(names)
	for _, c := range names {
		b, err := bson.MarshalExtJSON(vs[c], false, false)
		if err != nil {
			e.printf("validator %s: %v\n", c, err)
			continue
		}
		e.printf("validator %s %s\n", c, b)
	}
}

func (e *env) updateOptions() schema.Options {
	return schema.Options{
		DropTables:  e.o.dropTables || !e.o.safe,
		Destructive: e.o.destr || !e.o.safe,
	}
}

func schemaUpdate(ctx context.Context, e *env) error {
	if err := e.runOrDump(); err != nil {
		return err
	}
	if err := e.mongoOnly(); err != nil {
		return err
	}
	start := time.Now()
	if e.mongo != nil {
		opts := mongoem.UpdateOptions{DropIndexes: e.o.destr || !e.o.safe, DropCollections: e.o.dropTables || !e.o.safe,
			Validators: e.o.validators, DropValidators: e.o.dropValidators}
		if e.o.dump {
			return fmt.Errorf("--dump: MongoDB has no statements to print; use --run")
		}
		r, err := e.mongo.Schema().UpdateSchema(ctx, opts)
		if err != nil {
			return err
		}
		for _, c := range r.Created {
			e.printf("created %s\n", c)
		}
		for _, c := range r.Validated {
			e.printf("validator set on %s\n", c)
		}
		for _, c := range r.Dropped {
			e.printf("dropped %s\n", c)
		}
		for _, c := range r.Extra {
			e.printf("-- held back: drop %s (--destructive drops indexes, --drop-tables collections)\n", c)
		}
		e.printf("schema updated (%s)\n", since(start))
		return nil
	}
	p, err := e.syncer.Diff(ctx, e.updateOptions())
	if err != nil {
		return err
	}
	if e.o.dump {
		e.dumpStatements(p.Statements)
		for _, h := range p.Held {
			e.printf("-- held back: %s\n", h)
		}
		if p.Empty() {
			e.printf("-- the database matches the entities\n")
		}
		return nil
	}
	if !p.Empty() {
		if err := e.syncer.Apply(ctx, p); err != nil {
			return err
		}
	}
	for _, h := range p.Held {
		e.printf("held back: %s (--destructive, --drop-tables or --safe=false to allow)\n", h)
	}
	if p.Empty() {
		e.printf("the database matches the entities (%s)\n", since(start))
		return nil
	}
	e.printf("schema updated: %d statements (%s)\n", len(p.Statements), since(start))
	return nil
}

func migrationCreate(ctx context.Context, e *env) error {
	if e.o.dump {
		p, err := e.syncer.Diff(ctx, e.updateOptions())
		if err != nil {
			return err
		}
		e.printf("-- up\n")
		e.dumpStatements(p.Statements)
		e.printf("-- down\n")
		e.dumpStatements(p.Reverse)
		return nil
	}
	if e.o.dir == "" {
		return errUsage{"no migrations directory: give --dir"}
	}
	m, err := e.migrator()
	if err != nil {
		return err
	}
	file, p, err := m.Create(ctx, e.o.name, e.o.blank, e.updateOptions())
	if err != nil {
		return err
	}
	if file == "" {
		e.printf("no changes: the database matches the entities\n")
		return nil
	}
	for _, h := range p.Held {
		e.printf("held back: %s\n", h)
	}
	e.printf("created %s (%d statements)\n", file, len(p.Statements))
	return nil
}

func migrationUp(ctx context.Context, e *env) error {
	m, err := e.migrator()
	if err != nil {
		return err
	}
	start := time.Now()
	rs, err := m.Up(ctx, e.o.to)
	if err != nil {
		return err
	}
	e.printf("%d migrations applied (%s)\n", len(rs), since(start))
	return nil
}

func migrationDown(ctx context.Context, e *env) error {
	m, err := e.migrator()
	if err != nil {
		return err
	}
	to := e.o.to
	if e.o.all {
		to = -1
	}
	start := time.Now()
	rs, err := m.Down(ctx, to)
	if err != nil {
		return err
	}
	e.printf("%d migrations reverted (%s)\n", len(rs), since(start))
	return nil
}

func migrationList(ctx context.Context, e *env) error {
	m, err := e.migrator()
	if err != nil {
		return err
	}
	list, err := m.List(ctx)
	if err != nil {
		return err
	}
	for _, s := range list {
		state := "pending"
		if s.Applied {
			state = "applied " + s.AppliedAt.UTC().Format(time.RFC3339)
		}
		e.printf("%-16d %-40s %s\n", s.Version, s.Name, state)
	}
	if len(list) == 0 {
		e.printf("no migrations\n")
	}
	return nil
}

func migrationPending(ctx context.Context, e *env) error {
	m, err := e.migrator()
	if err != nil {
		return err
	}
	list, err := m.Pending(ctx)
	if err != nil {
		return err
	}
	for _, s := range list {
		e.printf("%-16d %s\n", s.Version, s.Name)
	}
	e.printf("%d pending\n", len(list))
	return nil
}

func migrationCheck(ctx context.Context, e *env) error {
	m, err := e.migrator()
	if err != nil {
		return err
	}
	r, err := m.Check(ctx)
	if err != nil {
		return err
	}
	e.printf("%s", r)
	if !r.OK() {
		return errDisagree
	}
	return nil
}

func migrationFresh(ctx context.Context, e *env) error {
	m, err := e.migrator()
	if err != nil {
		return err
	}
	start := time.Now()
	rs, err := m.Fresh(ctx)
	if err != nil {
		return err
	}
	e.printf("database emptied, %d migrations applied (%s)\n", len(rs), since(start))
	return nil
}

func generateEntities(ctx context.Context, e *env) error {
	src, err := e.syncer.GenerateEntities(ctx, e.o.pkg)
	if err != nil {
		return err
	}
	if e.o.out == "" {
		_, err := e.out.Write(src)
		return err
	}
	if err := os.WriteFile(e.o.out, src, 0o644); err != nil {
		return err
	}
	e.printf("wrote %s\n", e.o.out)
	return nil
}

var mysqlPassword = regexp.MustCompile(`^([^:@/]*):[^@]*@`)

// maskDSN hides the password of a connection string.
func maskDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			return u.String()
		}
		return dsn
	}
	if strings.Contains(dsn, "password=") {
		return regexp.MustCompile(`password=\S*`).ReplaceAllString(dsn, "password=xxxxx")
	}
	return mysqlPassword.ReplaceAllString(dsn, "$1:xxxxx@")
}

func debug(ctx context.Context, e *env) error {
	cfg := e.cfg.ORM
	cfg.DSN = e.o.dsn
	e.printf("DSN: %s\n", maskDSN(cfg.DSN))
	if e.cfg.Migrations.Dir != "" || e.o.dir != "" {
		e.printf("migrations: %s\n", e.o.dir)
	}
	if e.cfg.Migrations.FS != nil {
		e.printf("migrations embedded in the binary\n")
	}
	switch {
	case e.cfg.Open != nil:
		start := time.Now()
		o, err := e.cfg.Open(ctx, cfg)
		if err != nil {
			e.printf("connection: failed: %v\n", err)
			return err
		}
		e.sql = o
		st := o.CheckConnection(ctx)
		if !st.OK {
			e.printf("connection: failed: %s\n", st.Reason)
			return st.Err
		}
		e.printf("connection: ok (%s), dialect %T\n", since(start), o.Dialect())
		e.printf("entities:\n")
		d := o.Dialect()
		for _, en := range o.Registry().Entities() {
			e.printf("  %s -> table %s\n", en.Name, en.Table)
			for _, f := range en.Fields {
				switch {
				case f.Column == "":
					e.printf("    %-20s %s %s\n", f.Name, f.Rel.Kind, f.Rel.Target.Name)
				default:
					extra := ""
					if f.PK {
						extra += " pk"
					}
					if f.Nullable {
						extra += " null"
					}
					if f.Rel != nil {
						extra += " " + f.Rel.Kind.String() + " " + f.Rel.Target.Name
					}
					e.printf("    %-20s %s %s%s\n", f.Name, f.Column, d.ColumnType(f), extra)
				}
			}
		}
		for _, pv := range o.Registry().Pivots() {
			e.printf("  pivot %s (%s, %s)\n", pv.Table, pv.OwnerColumn, pv.TargetColumn)
		}
	case e.cfg.OpenMongo != nil:
		start := time.Now()
		o, err := e.cfg.OpenMongo(ctx, cfg)
		if err != nil {
			e.printf("connection: failed: %v\n", err)
			return err
		}
		e.mongo = o
		e.printf("connection: ok (%s), MongoDB database %s\n", since(start), o.Database().Name())
		for _, en := range o.Registry().Entities() {
			e.printf("  %s -> collection %s\n", en.Name, en.Table)
		}
	}
	return nil
}
