// Command ferretdb-server runs FerretDB v1 embedded (the upstream command
// panics when built with go install), as the MongoDB-wire test server of
// gomikro's mongoem tests. It lives in its own Go module so that FerretDB
// never enters gomikro's go.mod.
//
//	go run . -listen 127.0.0.1:27017 -dir /tmp/ferretdb
//	go run . -listen 127.0.0.1:27017 -postgresql 'postgres://postgres@127.0.0.1:5432/ferretdb'
//
// With -dir (the default: a new temporary directory) the data lives in
// SQLite files there; with -postgresql, in that PostgreSQL database.
// The server stops on SIGINT or SIGTERM.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb-server:", err)
		os.Exit(1)
	}
}

func run() error {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dir := flag.String("dir", "", "directory of the SQLite backend (default: a new temporary directory)")
	pg := flag.String("postgresql", "", "PostgreSQL URL; when set, used instead of SQLite")
	level := flag.String("log-level", "warn", "log level: debug, info, warn, error")
	flag.Parse()

	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*level)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl}))

	cfg := &ferretdb.Config{Listener: ferretdb.ListenerConfig{TCP: *listen}, Logger: logger}
	if *pg != "" {
		cfg.Handler, cfg.PostgreSQLURL = "postgresql", *pg
	} else {
		d := *dir
		if d == "" {
			tmp, err := os.MkdirTemp("", "ferretdb-*")
			if err != nil {
				return err
			}
			defer os.RemoveAll(tmp)
			d = tmp
		} else if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		abs, err := filepath.Abs(d)
		if err != nil {
			return err
		}
		cfg.Handler, cfg.SQLiteURL = "sqlite", "file:"+abs+"/"
	}
	f, err := ferretdb.New(cfg)
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger.Warn("ferretdb-server listening", "addr", *listen, "handler", cfg.Handler)
	return f.Run(ctx)
}
