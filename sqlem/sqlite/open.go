package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	sqlite3 "modernc.org/sqlite"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/sqlem"
)

// Open opens the SQLite database of cfg.DSN (a file path, a file: URI, or
// ":memory:"; an empty DSN is ":memory:") and returns the ORM, whose EM()
// is a *sqlem.EntityManager. The file is created when it does not exist.
func Open(ctx context.Context, cfg gomikro.Config) (*sqlem.ORM, error) {
	if err := registerRegexp(); err != nil {
		return nil, fmt.Errorf("gomikro: sqlite: %w", err)
	}
	db, err := connect(ctx, cfg, cfg.DSN, true)
	if err != nil {
		return nil, err
	}
	var pool sqlem.Pool = sqlem.DBPool(db)
	if _, memory := connString(cfg.DSN, false); !memory {
		// One connection serves an in-memory database: database/sql
		// queues its users already.
		wp := &writerPool{Pool: pool, w: newWriters(busyTimeout(cfg.DSN))}
		if ownCheckpoints(cfg.DSN) {
			wp.w.ckpt = newCheckpointer(db)
		}
		pool = wp
	}
	reps, err := sqlem.ConnectReplicas(ctx, cfg, Dialect{}, func(ctx context.Context, dsn string) (sqlem.Pool, error) {
		r, err := connect(ctx, cfg, dsn, false)
		if err != nil {
			return nil, err
		}
		return sqlem.DBPool(r), nil
	})
	if err != nil {
		_ = pool.Close()
		return nil, err
	}
	orm, err := sqlem.Open(cfg, Dialect{}, pool, reps...)
	if err != nil {
		_ = pool.Close()
		for _, r := range reps {
			_ = r.Close()
		}
		return nil, err
	}
	return orm, nil
}

// connect opens and checks the database of dsn; main: the ORM's own
// database (not a replica).
func connect(ctx context.Context, cfg gomikro.Config, dsn string, main bool) (*sql.DB, error) {
	conn, memory := connString(dsn, main)
	db, err := sql.Open("sqlite", conn)
	if err != nil {
		return nil, fmt.Errorf("gomikro: sqlite: %w", err)
	}
	if memory {
		// The database lives and dies with its one connection.
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
	} else {
		if cfg.MaxConns > 0 {
			db.SetMaxOpenConns(cfg.MaxConns)
		}
		// database/sql keeps 2 idle connections by default: with more
		// goroutines than that, connections are closed and opened
		// again all the time, and an SQLite connection is costly to
		// open (the file, the pragmas, the schema read again).
		db.SetMaxIdleConns(max(defaultIdle, cfg.MaxConns))
	}
	timeout := cfg.ConnectTimeout
	if timeout <= 0 {
		timeout = sqlem.DefaultConnectTimeout
	}
	pctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("gomikro: sqlite: open %s: %w", dsn, err)
	}
	return db, nil
}

// defaultIdle is the number of idle connections kept when Config.MaxConns
// does not say.
const defaultIdle = 8

// defaultBusyTimeout is the busy timeout gomikro sets unless the DSN
// sets one.
const defaultBusyTimeout = 5 * time.Second

var busyTimeoutParam = regexp.MustCompile(`(?i)(?:busy_timeout\(|_busy_timeout=|_timeout=)(\d+)`)

// busyTimeout returns the busy timeout the DSN sets, or gomikro's.
func busyTimeout(dsn string) time.Duration {
	if m := busyTimeoutParam.FindStringSubmatch(dsn); m != nil {
		if ms, err := strconv.Atoi(m[1]); err == nil {
			return time.Duration(ms) * time.Millisecond
		}
	}
	return defaultBusyTimeout
}

// ownCheckpoints reports whether the pool of a file database checkpoints
// on its own goroutine (checkpointer): unless the DSN sets
// wal_autocheckpoint.
func ownCheckpoints(dsn string) bool {
	return !strings.Contains(strings.ToLower(dsn), "wal_autocheckpoint")
}

// connString adds gomikro's connection settings to a DSN and reports
// whether it names an in-memory database; main: the ORM's own database,
// whose pool checkpoints (not a replica).
func connString(dsn string, main bool) (string, bool) {
	if dsn == "" {
		dsn = ":memory:"
	}
	memory := dsn == ":memory:" || strings.Contains(dsn, "mode=memory") || strings.HasPrefix(dsn, "file::memory:")
	params := []string{"_pragma=foreign_keys(1)", "_pragma=case_sensitive_like(1)"}
	if !strings.Contains(dsn, "busy_timeout") {
		params = append(params, "_pragma=busy_timeout("+strconv.FormatInt(defaultBusyTimeout.Milliseconds(), 10)+")")
	}
	if !memory {
		params = append(params, "_pragma=journal_mode(WAL)", "_pragma=synchronous(NORMAL)")
		if main && ownCheckpoints(dsn) {
			params = append(params, "_pragma=wal_autocheckpoint("+strconv.Itoa(fallbackCheckpointPages)+")")
		}
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + strings.Join(params, "&"), memory
}

var (
	regexpOnce sync.Once
	regexpErr  error
	patterns   sync.Map // string -> *regexp.Regexp
)

// registerRegexp gives SQLite's REGEXP operator a function: SQLite calls
// regexp(pattern, value).
func registerRegexp() error {
	regexpOnce.Do(func() {
		regexpErr = sqlite3.RegisterDeterministicScalarFunction("regexp", 2, func(_ *sqlite3.FunctionContext, args []driver.Value) (driver.Value, error) {
			pat, ok := text(args[0])
			if !ok {
				return nil, fmt.Errorf("REGEXP: the pattern must be text")
			}
			s, ok := text(args[1])
			if !ok {
				return nil, nil // NULL matches nothing
			}
			re, found := patterns.Load(pat)
			if !found {
				c, err := regexp.Compile(pat)
				if err != nil {
					return nil, fmt.Errorf("REGEXP: %w", err)
				}
				re, _ = patterns.LoadOrStore(pat, c)
			}
			return re.(*regexp.Regexp).MatchString(s), nil
		})
		if regexpErr != nil && strings.Contains(regexpErr.Error(), "already") {
			regexpErr = nil // registered by the application
		}
	})
	return regexpErr
}

func text(v driver.Value) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case []byte:
		return string(v), true
	}
	return "", false
}
