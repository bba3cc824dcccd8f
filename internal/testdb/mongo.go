package testdb

import (
	"context"
	"net/url"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// MongoDatabase picks a fresh database name on the MongoDB server of
// GOMIKRO_MONGO_URI, drops that database when the test ends, and returns
// a URI naming it.
func MongoDatabase(tb testing.TB) string {
	tb.Helper()
	uri := Lookup(tb, MongoEnv)
	u, err := url.Parse(uri)
	if err != nil || (u.Scheme != "mongodb" && u.Scheme != "mongodb+srv") {
		tb.Fatalf("%s: not a mongodb:// URI: %q (%v)", MongoEnv, uri, err)
	}
	name := Name("gm_test_")
	u.Path = "/" + name
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := mongo.Connect(options.Client().ApplyURI(uri))
		if err != nil {
			tb.Errorf("drop database %s: %v", name, err)
			return
		}
		defer func() { _ = c.Disconnect(ctx) }()
		if err := c.Database(name).Drop(ctx); err != nil {
			tb.Errorf("drop database %s: %v", name, err)
		}
	})
	return u.String()
}
