package cli

import (
	"context"
	"flag"
	"time"

	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/seed"
)

// seedFlag is schema:fresh's --seed: alone it names the default seeder,
// --seed=Name another one.
type seedFlag struct {
	on   bool
	name string
}

func (f *seedFlag) String() string {
	if f == nil || !f.on {
		return ""
	}
	return f.name
}

func (f *seedFlag) Set(v string) error {
	switch v {
	case "true":
		f.on, f.name = true, ""
	case "false", "":
		f.on, f.name = false, ""
	default:
		f.on, f.name = true, v
	}
	return nil
}

// IsBoolFlag lets --seed stand alone.
func (f *seedFlag) IsBoolFlag() bool { return true }

func seederFlags(fs *flag.FlagSet, o *opts) {
	fs.StringVar(&o.class, "class", "", "the seeder to run, by its name in the CLI's Config.Seeders (default: Config.DefaultSeeder, else "+seed.DefaultName+")")
	fs.StringVar(&o.class, "seeder", "", "the same as --class")
}

// seeder looks up the seeder to run (the default one when name is
// empty); an unknown name is a usage error naming it.
func (e *env) seeder(name string) (seed.Seeder, string, error) {
	if name == "" {
		name = e.cfg.DefaultSeeder
	}
	if name == "" {
		name = seed.DefaultName
	}
	s, err := e.cfg.Seeders.Lookup(name)
	if err != nil {
		if len(e.cfg.Seeders) == 0 {
			return nil, name, errUsage{err.Error() + " (the application's main registers them in cli.Config.Seeders)"}
		}
		return nil, name, errUsage{err.Error()}
	}
	return s, name, nil
}

// runSeeder runs s in one transaction on a fork (without one on a
// MongoDB server that has none, which it says).
func (e *env) runSeeder(ctx context.Context, s seed.Seeder, name string) error {
	start := time.Now()
	var m em.Manager
	var opts []seed.Option
	switch {
	case e.mongo != nil:
		m = e.mongo.EM().Fork()
		if !e.mongo.SupportsTransactions() {
			opts = append(opts, seed.WithoutTransaction())
			e.printf("note: this MongoDB server has no transactions: %s runs without one, and a failure leaves what it flushed\n", name)
		}
	default:
		m = e.sql.EM().Fork()
	}
	if err := seed.Run(ctx, m, s, opts...); err != nil {
		return err
	}
	e.printf("seeded %s (%s)\n", name, since(start))
	return nil
}

func seederRun(ctx context.Context, e *env) error {
	s, name, err := e.seeder(e.o.class)
	if err != nil {
		return err
	}
	return e.runSeeder(ctx, s, name)
}

// freshSeed is schema:fresh --seed: the seeder is looked up before
// anything is dropped.
func freshSeed(e *env) (seed.Seeder, string, error) {
	if !e.o.seed.on {
		return nil, "", nil
	}
	if e.o.dump {
		return nil, "", errUsage{"--seed runs seeders: give --run"}
	}
	return e.seeder(e.o.seed.name)
}
