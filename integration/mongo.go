package integration

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/mongoem"
	"github.com/testcontainers/testcontainers-go"
	tcmongo "github.com/testcontainers/testcontainers-go/modules/mongodb"
	"go.mongodb.org/mongo-driver/v2/mongo"
	mopts "go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Mongo returns an ORM on a fresh MongoDB database holding the
// collections and indexes of cfg.Entities (cfg.DSN is ignored), closed
// and dropped when the test ends.
func Mongo(tb testing.TB, cfg gomikro.Config, opts ...Option) *mongoem.ORM {
	tb.Helper()
	cfg.DSN = MongoURI(tb, opts...)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	orm, err := mongoem.Open(ctx, cfg)
	if err != nil {
		tb.Fatalf("integration: mongo: %v", err)
	}
	tb.Cleanup(func() { _ = orm.Close() })
	if err := orm.Schema().CreateSchema(ctx); err != nil {
		tb.Fatalf("integration: mongo: create schema: %v", err)
	}
	return orm
}

// MongoURI returns a mongodb:// URI naming a fresh database, dropped when
// the test ends.
func MongoURI(tb testing.TB, opts ...Option) string {
	tb.Helper()
	_, uri := fresh(tb, server(tb, BackendMongo, opts))
	return uri
}

func startMongo(ctx context.Context, o *options) (*Server, error) {
	var cs []testcontainers.ContainerCustomizer
	if rs := o.mongoReplicaSet(); rs != "" {
		cs = append(cs, tcmongo.WithReplicaSet(rs))
	}
	cs = append(cs, common(BackendMongo, o, "27017/tcp")...)
	c, err := tcmongo.Run(ctx, o.image, cs...)
	s := &Server{Backend: BackendMongo, Image: o.image}
	if c != nil {
		s.Container = c
	}
	if err != nil {
		return s, err
	}
	uri, err := c.ConnectionString(ctx)
	if err != nil {
		return s, err
	}
	// The replica set's member is named by the container's own address;
	// a direct connection keeps the driver on the mapped port.
	u, err := url.Parse(uri)
	if err != nil {
		return s, err
	}
	q := u.Query()
	q.Set("directConnection", "true")
	u.RawQuery = q.Encode()
	s.DSN = u.String()
	a, err := newMongoAdmin(ctx, s.DSN)
	if err != nil {
		return s, err
	}
	s.admin = a
	return s, waitReady(ctx, func(ctx context.Context) error { return a.client.Ping(ctx, nil) })
}

// mongoAdmin drops databases on one MongoDB server (they come into being
// when first written).
type mongoAdmin struct {
	uri    string
	client *mongo.Client
}

func newMongoAdmin(_ context.Context, uri string) (*mongoAdmin, error) {
	c, err := mongo.Connect(mopts.Client().ApplyURI(uri).SetServerSelectionTimeout(10 * time.Second))
	if err != nil {
		return nil, err
	}
	return &mongoAdmin{uri: uri, client: c}, nil
}

func (a *mongoAdmin) createDB(context.Context, string) error { return nil }

func (a *mongoAdmin) dropDB(ctx context.Context, name string) error {
	return a.client.Database(name).Drop(ctx)
}

func (a *mongoAdmin) dsnFor(name string) (string, error) {
	u, err := url.Parse(a.uri)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	u.RawPath = ""
	return u.String(), nil
}

func (a *mongoAdmin) close() error { return a.client.Disconnect(context.Background()) }
