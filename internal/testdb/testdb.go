// Package testdb finds the database servers gomikro's own tests run
// against, from the GOMIKRO_* environment variables, and makes a fresh
// schema per test. With GOMIKRO_REQUIRE_DB=1 a missing server fails the
// test instead of skipping it.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
)

// Env variables.
const (
	PostgresEnv = "GOMIKRO_POSTGRES_DSN"
	MySQLEnv    = "GOMIKRO_MYSQL_DSN"
	MongoEnv    = "GOMIKRO_MONGO_URI"
	RequireEnv  = "GOMIKRO_REQUIRE_DB"
)

// Lookup returns the value of env, or skips (fails under
// GOMIKRO_REQUIRE_DB=1) when it is unset.
func Lookup(tb testing.TB, env string) string {
	tb.Helper()
	v := os.Getenv(env)
	if v != "" {
		return v
	}
	if os.Getenv(RequireEnv) == "1" {
		tb.Fatalf("%s is not set and %s=1: this backend's tests must run", env, RequireEnv)
	}
	tb.Skipf("%s is not set: no server for this backend (set it, or %s=1 to make this a failure)", env, RequireEnv)
	return ""
}

// Name returns a random lowercase identifier with the prefix.
func Name(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// PostgresSchema creates a fresh schema on the PostgreSQL server of
// GOMIKRO_POSTGRES_DSN, drops it when the test ends, and returns a DSN
// whose search_path is that schema.
func PostgresSchema(tb testing.TB) string {
	tb.Helper()
	dsn := Lookup(tb, PostgresEnv)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		tb.Fatalf("connect to %s: %v", PostgresEnv, err)
	}
	defer c.Close(ctx)
	name := Name("gm_test_")
	if _, err := c.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{name}.Sanitize()); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			tb.Errorf("drop schema %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{name}.Sanitize()+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", name, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		// key=value form
		return dsn + " search_path=" + name
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// MySQLDatabase creates a fresh database on the MySQL server of
// GOMIKRO_MYSQL_DSN, drops it when the test ends, and returns a DSN for
// it.
func MySQLDatabase(tb testing.TB) string {
	tb.Helper()
	dsn := Lookup(tb, MySQLEnv)
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		tb.Fatalf("%s: %v", MySQLEnv, err)
	}
	admin := cfg.Clone()
	admin.DBName = ""
	conn, err := mysql.NewConnector(admin)
	if err != nil {
		tb.Fatalf("%s: %v", MySQLEnv, err)
	}
	db := sql.OpenDB(conn)
	name := Name("gm_test_")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE `"+name+"` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		_ = db.Close()
		tb.Fatalf("create database on %s: %v", MySQLEnv, err)
	}
	tb.Cleanup(func() {
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP DATABASE `"+name+"`"); err != nil {
			tb.Errorf("drop database %s: %v", name, err)
		}
	})
	cfg.DBName = name
	return cfg.FormatDSN()
}
