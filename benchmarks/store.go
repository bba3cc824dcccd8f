package benchmarks

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	gosql "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// Server variables, the same as gomikro's tests use.
const (
	PostgresEnv = "GOMIKRO_POSTGRES_DSN"
	MySQLEnv    = "GOMIKRO_MYSQL_DSN"
	MongoEnv    = "GOMIKRO_MONGO_URI"
)

// Row is one stored book as the checks see it.
type Row struct {
	ID         int64
	Title      string
	AuthorID   int64
	AuthorName string
}

// Store is one backend's database for a benchmark run, seen from outside
// the implementations: it creates and drops the run's own schema or
// database, empties it between workloads, and reads it back for the
// checks.
type Store interface {
	// DSN is the connection string of the run's schema or database.
	DSN() string
	// Reset empties both tables and inserts one author, whose key it
	// returns (the author of single-entity and concurrent inserts).
	Reset(ctx context.Context) (int64, error)
	// Rows reads every book with its author's name.
	Rows(ctx context.Context) ([]Row, error)
	// Drop removes the schema or database.
	Drop(ctx context.Context) error
}

func randomName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// ServerDSN returns the server variable of a backend ("" for SQLite,
// which needs none).
func ServerDSN(backend string) (string, error) {
	env := map[string]string{Postgres: PostgresEnv, MySQL: MySQLEnv, Mongo: MongoEnv}[backend]
	if backend == SQLite {
		return "", nil
	}
	if env == "" {
		return "", fmt.Errorf("benchmarks: unknown backend %q", backend)
	}
	v := os.Getenv(env)
	if v == "" {
		return "", fmt.Errorf("benchmarks: %s is not set: no %s server", env, backend)
	}
	return v, nil
}

// CreateStore creates a fresh schema (PostgreSQL), database (MariaDB,
// MongoDB) or file (SQLite, under dir) with the benchmark's tables.
func CreateStore(ctx context.Context, backend, dir string) (Store, error) {
	server, err := ServerDSN(backend)
	if err != nil {
		return nil, err
	}
	switch backend {
	case Postgres:
		return createPostgres(ctx, server)
	case MySQL:
		return createMySQL(ctx, server)
	case SQLite:
		return createSQLite(ctx, filepath.Join(dir, randomName("bench_")+".db"))
	case Mongo:
		return createMongo(ctx, server)
	}
	return nil, fmt.Errorf("benchmarks: unknown backend %q", backend)
}

// OpenStore opens a Store that CreateStore made, from its DSN (the
// runner's child processes do this).
func OpenStore(ctx context.Context, backend, dsn string) (Store, error) {
	switch backend {
	case Postgres:
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return nil, err
		}
		return &pgStore{dsn: dsn, c: c}, nil
	case MySQL:
		db, err := sql.Open("mysql", dsn)
		if err != nil {
			return nil, err
		}
		return &sqlStore{dsn: dsn, db: db, backend: MySQL}, nil
	case SQLite:
		db, err := sql.Open("sqlite", sqliteConn(dsn))
		if err != nil {
			return nil, err
		}
		return &sqlStore{dsn: dsn, db: db, backend: SQLite}, nil
	case Mongo:
		return openMongoStore(ctx, dsn)
	}
	return nil, fmt.Errorf("benchmarks: unknown backend %q", backend)
}

const pgDDL = `CREATE TABLE author (id bigserial PRIMARY KEY, name text NOT NULL);
CREATE TABLE book (id bigserial PRIMARY KEY, title varchar(100) NOT NULL, year bigint NOT NULL,
	price double precision NOT NULL, author_id bigint NOT NULL REFERENCES author (id));
CREATE INDEX book_author_id ON book (author_id);`

type pgStore struct {
	dsn, schema string
	c           *pgx.Conn
	admin       string
}

func createPostgres(ctx context.Context, server string) (Store, error) {
	c, err := pgx.Connect(ctx, server)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", PostgresEnv, err)
	}
	name := randomName("gm_bench_")
	if _, err := c.Exec(ctx, "CREATE SCHEMA "+name+"; SET search_path = "+name+"; "+pgDDL); err != nil {
		_ = c.Close(ctx)
		return nil, fmt.Errorf("create schema: %w", err)
	}
	_ = c.Close(ctx)
	u, err := url.Parse(server)
	if err != nil || u.Scheme == "" {
		return nil, fmt.Errorf("%s: give a URL (postgres://...)", PostgresEnv)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	c, err = pgx.Connect(ctx, u.String())
	if err != nil {
		return nil, err
	}
	return &pgStore{dsn: u.String(), schema: name, c: c, admin: server}, nil
}

func (s *pgStore) DSN() string { return s.dsn }

func (s *pgStore) Reset(ctx context.Context) (int64, error) {
	var id int64
	if _, err := s.c.Exec(ctx, `TRUNCATE book, author`); err != nil {
		return 0, err
	}
	err := s.c.QueryRow(ctx, `INSERT INTO author (name) VALUES ('Seed') RETURNING id`).Scan(&id)
	return id, err
}

func (s *pgStore) Rows(ctx context.Context) ([]Row, error) {
	rows, err := s.c.Query(ctx, `SELECT b.id, b.title, b.author_id, a.name FROM book b JOIN author a ON a.id = b.author_id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Row, error) {
		var x Row
		err := r.Scan(&x.ID, &x.Title, &x.AuthorID, &x.AuthorName)
		return x, err
	})
}

func (s *pgStore) Drop(ctx context.Context) error {
	schema := s.schema
	if schema == "" {
		u, err := url.Parse(s.dsn)
		if err != nil {
			return err
		}
		schema = u.Query().Get("search_path")
	}
	_, err := s.c.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
	return errorsJoin(err, s.c.Close(ctx))
}

// sqlStore is MariaDB or SQLite through database/sql.
type sqlStore struct {
	dsn, backend string
	db           *sql.DB
}

func mysqlDSN(server, dbname string) (string, error) {
	cfg, err := gosql.ParseDSN(server)
	if err != nil {
		return "", fmt.Errorf("%s: %w", MySQLEnv, err)
	}
	cfg.DBName = dbname
	// One round trip a statement, as gomikro does; every implementation
	// on MariaDB gets the same connection settings.
	cfg.InterpolateParams = true
	return cfg.FormatDSN(), nil
}

func createMySQL(ctx context.Context, server string) (Store, error) {
	admin, err := mysqlDSN(server, "")
	if err != nil {
		return nil, err
	}
	adb, err := sql.Open("mysql", admin)
	if err != nil {
		return nil, err
	}
	defer adb.Close()
	name := randomName("gm_bench_")
	if _, err := adb.ExecContext(ctx, "CREATE DATABASE `"+name+"` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		return nil, fmt.Errorf("create database: %w", err)
	}
	dsn, _ := mysqlDSN(server, name)
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		return nil, err
	}
	for _, ddl := range []string{
		"CREATE TABLE author (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(255) NOT NULL)",
		"CREATE TABLE book (id BIGINT AUTO_INCREMENT PRIMARY KEY, title VARCHAR(100) NOT NULL, year BIGINT NOT NULL, price DOUBLE NOT NULL, author_id BIGINT NOT NULL, FOREIGN KEY (author_id) REFERENCES author (id))",
	} {
		if _, err := db.ExecContext(ctx, ddl); err != nil {
			_ = db.Close()
			return nil, fmt.Errorf("create tables: %w", err)
		}
	}
	return &sqlStore{dsn: dsn, db: db, backend: MySQL}, nil
}

// sqliteConn is the connection string every SQLite implementation uses:
// gomikro's own settings (WAL, synchronous NORMAL, foreign keys, a busy
// timeout).
func sqliteConn(path string) string {
	return path + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
}

func createSQLite(ctx context.Context, path string) (Store, error) {
	db, err := sql.Open("sqlite", sqliteConn(path))
	if err != nil {
		return nil, err
	}
	for _, ddl := range []string{
		"CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
		"CREATE TABLE book (id INTEGER PRIMARY KEY, title VARCHAR(100) NOT NULL, year INTEGER NOT NULL, price REAL NOT NULL, author_id INTEGER NOT NULL REFERENCES author (id))",
		"CREATE INDEX book_author_id ON book (author_id)",
	} {
		if _, err := db.ExecContext(ctx, ddl); err != nil {
			_ = db.Close()
			return nil, fmt.Errorf("create tables: %w", err)
		}
	}
	return &sqlStore{dsn: path, db: db, backend: SQLite}, nil
}

func (s *sqlStore) DSN() string { return s.dsn }

func (s *sqlStore) Reset(ctx context.Context) (int64, error) {
	for _, q := range []string{"DELETE FROM book", "DELETE FROM author"} {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			return 0, err
		}
	}
	res, err := s.db.ExecContext(ctx, "INSERT INTO author (name) VALUES ('Seed')")
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

func (s *sqlStore) Rows(ctx context.Context) ([]Row, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT b.id, b.title, b.author_id, a.name FROM book b JOIN author a ON a.id = b.author_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var x Row
		if err := rows.Scan(&x.ID, &x.Title, &x.AuthorID, &x.AuthorName); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

func (s *sqlStore) Drop(ctx context.Context) error {
	if s.backend == SQLite {
		err := s.db.Close()
		for _, suffix := range []string{"", "-wal", "-shm"} {
			_ = os.Remove(s.dsn + suffix)
		}
		return err
	}
	cfg, err := gosql.ParseDSN(s.dsn)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, "DROP DATABASE `"+cfg.DBName+"`")
	return errorsJoin(err, s.db.Close())
}

type mongoStore struct {
	dsn    string
	client *mongo.Client
	db     *mongo.Database
}

// mongoDBName returns the database named by a MongoDB URI's path.
func mongoDBName(uri string) (string, error) {
	u, err := url.Parse(uri)
	if err != nil {
		return "", err
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" {
		return "", fmt.Errorf("benchmarks: %s names no database", uri)
	}
	return name, nil
}

func createMongo(ctx context.Context, server string) (Store, error) {
	u, err := url.Parse(server)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", MongoEnv, err)
	}
	u.Path = "/" + randomName("gm_bench_")
	return openMongoStore(ctx, u.String())
}

func openMongoStore(ctx context.Context, dsn string) (Store, error) {
	name, err := mongoDBName(dsn)
	if err != nil {
		return nil, err
	}
	client, err := mongo.Connect(options.Client().ApplyURI(dsn))
	if err != nil {
		return nil, err
	}
	return &mongoStore{dsn: dsn, client: client, db: client.Database(name)}, nil
}

func (s *mongoStore) DSN() string { return s.dsn }

func (s *mongoStore) Reset(ctx context.Context) (int64, error) {
	for _, c := range []string{"book", "author"} {
		if _, err := s.db.Collection(c).DeleteMany(ctx, bson.D{}); err != nil {
			return 0, err
		}
	}
	const seed = 1 << 50 // far above any generated key
	_, err := s.db.Collection("author").InsertOne(ctx, bson.D{{Key: "_id", Value: int64(seed)}, {Key: "name", Value: "Seed"}})
	return seed, err
}

func (s *mongoStore) Rows(ctx context.Context) ([]Row, error) {
	var authors []struct {
		ID   int64  `bson:"_id"`
		Name string `bson:"name"`
	}
	cur, err := s.db.Collection("author").Find(ctx, bson.D{})
	if err != nil {
		return nil, err
	}
	if err := cur.All(ctx, &authors); err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(authors))
	for _, a := range authors {
		names[a.ID] = a.Name
	}
	var books []struct {
		ID       int64  `bson:"_id"`
		Title    string `bson:"title"`
		AuthorID int64  `bson:"author_id"`
	}
	cur, err = s.db.Collection("book").Find(ctx, bson.D{})
	if err != nil {
		return nil, err
	}
	if err := cur.All(ctx, &books); err != nil {
		return nil, err
	}
	out := make([]Row, len(books))
	for i, b := range books {
		name, ok := names[b.AuthorID]
		if !ok {
			return nil, fmt.Errorf("book %d: author %d does not exist", b.ID, b.AuthorID)
		}
		out[i] = Row{ID: b.ID, Title: b.Title, AuthorID: b.AuthorID, AuthorName: name}
	}
	return out, nil
}

func (s *mongoStore) Drop(ctx context.Context) error {
	return errorsJoin(s.db.Drop(ctx), s.client.Disconnect(ctx))
}
