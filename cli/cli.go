package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/mongoem"
	"github.com/gomikro/gomikro/schema"
	"github.com/gomikro/gomikro/seed"
	"github.com/gomikro/gomikro/sqlem"
)

// Exit codes.
const (
	ExitOK     = 0 // the command did what it was asked
	ExitFailed = 1 // it failed, or (migration:check) found a disagreement
	ExitUsage  = 2 // unknown command or bad flags
)

// DefaultDSNEnv is the environment variable the DSN is read from when
// neither --dsn nor Config.ORM.DSN gives one.
const DefaultDSNEnv = "GOMIKRO_DSN"

// Config is what an application's main hands to the CLI: its entities
// and how to open its backend. Exactly one of Open and OpenMongo is set.
type Config struct {
	// ORM is the configuration the commands open the ORM with. Its DSN
	// is used when --dsn and the DSNEnv variable are empty.
	ORM gomikro.Config
	// Open opens a SQL backend: postgres.Open, sqlite.Open, or a
	// function that calls mysql.Open with its options.
	Open func(ctx context.Context, cfg gomikro.Config) (*sqlem.ORM, error)
	// OpenMongo opens a MongoDB backend (the schema:* commands only).
	OpenMongo func(ctx context.Context, cfg gomikro.Config) (*mongoem.ORM, error)
	// DSNEnv names the environment variable that holds the DSN
	// (DefaultDSNEnv when empty). --dsn wins over it.
	DSNEnv string
	// Migrations are the application's migrations: FS (an embed.FS, so
	// that the binary carries them), Dir (where migration:create writes;
	// --dir overrides it) and migrations written in Go.
	Migrations schema.MigrateConfig
	// MigrationsFor, when set, chooses the migrations by the DSN in use
	// (an application that runs on several databases keeps one set per
	// dialect); it replaces Migrations.
	MigrationsFor func(dsn string) schema.MigrateConfig
	// Name is the program's name in help texts (the binary's name when
	// empty).
	Name string
	// Seeders are the application's seeders by name, for seeder:run
	// (--class Name) and schema:fresh --seed.
	Seeders seed.Registry
	// DefaultSeeder names the seeder run when none is named
	// (seed.DefaultName, "DatabaseSeeder", when empty).
	DefaultSeeder string
}

// Main runs the command of os.Args and exits with its code.
func Main(cfg Config) {
	ctx, stop := signalContext()
	code := Run(ctx, cfg, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// command is one CLI command.
type command struct {
	name, summary string
	// flags declares the command's own flags.
	flags func(fs *flag.FlagSet, o *opts)
	run   func(ctx context.Context, e *env) error
	// sqlOnly commands refuse MongoDB.
	sqlOnly bool
}

// opts are the parsed flags of every command.
type opts struct {
	dsn, dir                           string
	run, dump, safe, dropTables, destr bool
	blank, all                         bool
	validators, dropValidators         bool
	name, out, pkg                     string
	to                                 int64
	class                              string   // seeder:run --class
	seed                               seedFlag // schema:fresh --seed
}

// env is what a command runs with.
type env struct {
	cfg    Config
	o      opts
	out    io.Writer
	sql    *sqlem.ORM
	mongo  *mongoem.ORM
	syncer *schema.Syncer
	set    map[string]bool // flags given on the command line
}

// errUsage marks a usage error (exit code 2).
type errUsage struct{ msg string }

func (e errUsage) Error() string { return e.msg }

// errDisagree is migration:check's finding (exit code 1, no "error:" prefix).
var errDisagree = errors.New("migrations and entities disagree")

func commands() []*command {
	runDump := func(fs *flag.FlagSet, o *opts) {
		fs.BoolVar(&o.run, "run", false, "run the statements")
		fs.BoolVar(&o.dump, "dump", false, "print the statements without running them")
	}
	validatorFlag := func(fs *flag.FlagSet, o *opts) {
		fs.BoolVar(&o.validators, "validators", false, "MongoDB: give each collection the $jsonSchema validator built from the entities")
	}
	runDumpValidators := func(fs *flag.FlagSet, o *opts) {
		runDump(fs, o)
		validatorFlag(fs, o)
	}
	return []*command{
		{name: "schema:create", summary: "create the tables of the entities", flags: runDumpValidators, run: schemaCreate},
		{name: "schema:update", summary: "bring the database in line with the entities (safe: nothing is dropped or narrowed unless asked)", flags: func(fs *flag.FlagSet, o *opts) {
			runDump(fs, o)
			fs.BoolVar(&o.safe, "safe", true, "hold back drops and narrowing type changes (--safe=false allows both)")
			fs.BoolVar(&o.dropTables, "drop-tables", false, "drop tables no entity maps")
			fs.BoolVar(&o.destr, "destructive", false, "drop columns no field maps and narrow column types")
			validatorFlag(fs, o)
			fs.BoolVar(&o.dropValidators, "drop-validators", false, "MongoDB: remove the collections' validators (unless --validators)")
		}, run: schemaUpdate},
		{name: "schema:drop", summary: "drop the tables of the entities", flags: runDump, run: schemaDrop},
		{name: "schema:fresh", summary: "drop the tables of the entities and create them again (--seed: then run the default seeder, --seed=Name another)", flags: func(fs *flag.FlagSet, o *opts) {
			runDumpValidators(fs, o)
			fs.Var(&o.seed, "seed", "run the default seeder after creating the tables (--seed=Name: the seeder of that name)")
		}, run: schemaFresh},
		{name: "migration:create", summary: "write a migration with the statements of the current diff (up) and their way back (down)", flags: func(fs *flag.FlagSet, o *opts) {
			fs.BoolVar(&o.blank, "blank", false, "write an empty migration, for hand-written statements")
			fs.StringVar(&o.name, "name", "migration", "the migration's name, after its timestamp")
			fs.BoolVar(&o.dump, "dump", false, "print the migration instead of writing it")
		}, run: migrationCreate, sqlOnly: true},
		{name: "migration:up", summary: "apply pending migrations", flags: func(fs *flag.FlagSet, o *opts) {
			fs.Int64Var(&o.to, "to", 0, "stop after this version")
		}, run: migrationUp, sqlOnly: true},
		{name: "migration:down", summary: "revert the last migration (or down to --to, or --all)", flags: func(fs *flag.FlagSet, o *opts) {
			fs.Int64Var(&o.to, "to", 0, "revert every migration after this version")
			fs.BoolVar(&o.all, "all", false, "revert every migration")
		}, run: migrationDown, sqlOnly: true},
		{name: "migration:list", summary: "list migrations and when they ran", run: migrationList, sqlOnly: true},
		{name: "migration:pending", summary: "list migrations that have not run", run: migrationPending, sqlOnly: true},
		{name: "migration:check", summary: "exit 1 when migrations and entities disagree (pending, edited or missing migrations, or changes no migration makes)", run: migrationCheck, sqlOnly: true},
		{name: "migration:fresh", summary: "drop every table and apply all migrations", run: migrationFresh, sqlOnly: true},
		{name: "seeder:run", summary: "run the default seeder (or --class Name) in one transaction", flags: seederFlags, run: seederRun},
		{name: "debug", summary: "show the configuration, the entities as the ORM sees them, and check the connection", run: debug},
		{name: "generate-entities", summary: "write Go entity structs with tags from the database's tables", flags: func(fs *flag.FlagSet, o *opts) {
			fs.StringVar(&o.out, "out", "", "the file to write (standard output when empty)")
			fs.StringVar(&o.pkg, "package", "entities", "the package of the generated file")
		}, run: generateEntities, sqlOnly: true},
	}
}

// Run runs the command in args (without the program name) and returns
// its exit code; output goes to stdout, errors and help to stderr.
func Run(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) int {
	if cfg.Name == "" {
		cfg.Name = filepath.Base(os.Args[0])
	}
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		usage(cfg, cmds, stderr)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	var cmd *command
	for _, c := range cmds {
		if c.name == args[0] {
			cmd = c
		}
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "%s: unknown command %q\n\n", cfg.Name, args[0])
		usage(cfg, cmds, stderr)
		return ExitUsage
	}
	e := &env{cfg: cfg, out: stdout, set: map[string]bool{}}
	fs := flag.NewFlagSet(cfg.Name+" "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsnEnv := cfg.DSNEnv
	if dsnEnv == "" {
		dsnEnv = DefaultDSNEnv
	}
	fs.StringVar(&e.o.dsn, "dsn", "", "the connection string (default: $"+dsnEnv+", then the application's configuration)")
	fs.StringVar(&e.o.dir, "dir", cfg.Migrations.Dir, "the migrations directory")
	if cmd.flags != nil {
		cmd.flags(fs, &e.o)
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s %s [flags]\n\n%s.\n\nflags:\n", cfg.Name, cmd.name, cmd.summary)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s %s: unexpected arguments %q\n", cfg.Name, cmd.name, fs.Args())
		fs.Usage()
		return ExitUsage
	}
	fs.Visit(func(f *flag.Flag) { e.set[f.Name] = true })
	if e.o.dsn == "" {
		e.o.dsn = os.Getenv(dsnEnv)
	}
	if e.o.dsn == "" {
		e.o.dsn = cfg.ORM.DSN
	}
	if cfg.MigrationsFor != nil {
		e.cfg.Migrations = cfg.MigrationsFor(e.o.dsn)
		if !e.set["dir"] {
			e.o.dir = e.cfg.Migrations.Dir
		}
	}
	if e.o.dsn == "" && cmd.name != "debug" {
		fmt.Fprintf(stderr, "%s %s: no DSN: give --dsn or set %s\n", cfg.Name, cmd.name, dsnEnv)
		return ExitUsage
	}
	if err := e.open(ctx, cmd); err != nil {
		var u errUsage
		if errors.As(err, &u) {
			fmt.Fprintf(stderr, "%s %s: %s\n", cfg.Name, cmd.name, u.msg)
			return ExitUsage
		}
		fmt.Fprintf(stderr, "%s %s: error: %v\n", cfg.Name, cmd.name, err)
		return ExitFailed
	}
	defer e.close()
	err := cmd.run(ctx, e)
	var u errUsage
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &u):
		fmt.Fprintf(stderr, "%s %s: %s\n", cfg.Name, cmd.name, u.msg)
		fs.Usage()
		return ExitUsage
	case errors.Is(err, errDisagree):
		return ExitFailed
	}
	fmt.Fprintf(stderr, "%s %s: error: %v\n", cfg.Name, cmd.name, err)
	return ExitFailed
}

func usage(cfg Config, cmds []*command, w io.Writer) {
	fmt.Fprintf(w, "usage: %s <command> [flags]\n\ncommands:\n", cfg.Name)
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-19s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\n%s <command> --help shows a command's flags. Exit codes: 0 done, 1 failed, 2 usage.\n", cfg.Name)
}

// open connects the backend the configuration names.
func (e *env) open(ctx context.Context, cmd *command) error {
	cfg := e.cfg.ORM
	cfg.DSN = e.o.dsn
	if cmd.name == "debug" {
		return nil // debug opens (and reports on) the connection itself
	}
	switch {
	case e.cfg.Open != nil:
		o, err := e.cfg.Open(ctx, cfg)
		if err != nil {
			return err
		}
		e.sql = o
		s, err := o.Syncer()
		if err != nil {
			return err
		}
		e.syncer = s
	case e.cfg.OpenMongo != nil:
		if cmd.sqlOnly {
			return errUsage{cmd.name + " needs a SQL database; MongoDB has no migrations or tables"}
		}
		o, err := e.cfg.OpenMongo(ctx, cfg)
		if err != nil {
			return err
		}
		e.mongo = o
	default:
		return fmt.Errorf("the CLI's Config has neither Open nor OpenMongo")
	}
	return nil
}

func (e *env) close() {
	if e.sql != nil {
		_ = e.sql.Close()
	}
	if e.mongo != nil {
		_ = e.mongo.Close()
	}
}

// runOrDump checks that exactly one of --run and --dump was given.
func (e *env) runOrDump() error {
	if e.o.run == e.o.dump {
		return errUsage{"give --run or --dump"}
	}
	return nil
}

func (e *env) printf(format string, args ...any) { fmt.Fprintf(e.out, format, args...) }

func (e *env) dumpStatements(stmts []string) {
	for _, s := range stmts {
		e.printf("%s;\n", s)
	}
}

func (e *env) migrator() (*schema.Migrator, error) {
	mc := e.cfg.Migrations
	if e.o.dir != mc.Dir {
		mc.Dir, mc.FS = e.o.dir, nil
	}
	mc.Log = e.out
	return schema.NewMigrator(e.syncer, mc)
}

func since(t time.Time) string { return time.Since(t).Round(time.Millisecond).String() }
