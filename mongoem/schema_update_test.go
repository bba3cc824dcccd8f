package mongoem_test

import (
	"context"
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/testdb"
	"github.com/gomikro/gomikro/mongoem"
)

// PostV1 and PostV2 are two versions of one collection: V2 adds an index.
type PostV1 struct {
	_     struct{} `orm:"table=post"`
	ID    int64    `orm:"pk"`
	Title string
}

type PostV2 struct {
	_     struct{} `orm:"table=post"`
	ID    int64    `orm:"pk"`
	Title string   `orm:"index"`
	Slug  string   `orm:"unique"`
}

type Comment struct {
	ID   int64 `orm:"pk"`
	Body string
}

// TestUpdateSchema: update creates the missing collection and indexes,
// keeps (and lists) extras, and drops them only when asked.
func TestUpdateSchema(t *testing.T) {
	ctx := context.Background()
	dsn := testdb.MongoDatabase(t)
	open := func(entities ...any) *mongoem.ORM {
		o, err := mongoem.Open(ctx, gomikro.Config{DSN: dsn, Entities: entities})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = o.Close() })
		return o
	}
	v1 := open(PostV1{})
	if err := v1.Schema().CreateSchema(ctx); err != nil {
		t.Fatal(err)
	}
	// An index and a collection no entity declares.
	if _, err := v1.Database().Collection("post").Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "legacy", Value: 1}}, Options: options.Index().SetName("idx_legacy")}); err != nil {
		t.Fatal(err)
	}
	if err := v1.Database().CreateCollection(ctx, "old_stuff"); err != nil {
		t.Fatal(err)
	}
	if _, err := v1.Database().Collection("post").InsertOne(ctx, bson.D{{Key: "_id", Value: 1}, {Key: "title", Value: "kept"}, {Key: "slug", Value: "kept"}}); err != nil {
		t.Fatal(err)
	}

	v2 := open(PostV2{}, Comment{})
	r, err := v2.Schema().UpdateSchema(ctx, mongoem.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"comment", "post.idx_post_title", "post.uniq_post_slug"} {
		if !slices.Contains(r.Created, want) {
			t.Errorf("created %q, want %s among them", r.Created, want)
		}
	}
	for _, want := range []string{"post.idx_legacy", "old_stuff"} {
		if !slices.Contains(r.Extra, want) {
			t.Errorf("extra %q, want %s among them", r.Extra, want)
		}
	}
	if len(r.Dropped) != 0 {
		t.Errorf("dropped %q without being asked", r.Dropped)
	}
	// Nothing left to create.
	again, err := v2.Schema().UpdateSchema(ctx, mongoem.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Created) != 0 {
		t.Errorf("a second update created %q", again.Created)
	}
	// Asked, it drops the extras; the documents stay.
	r, err = v2.Schema().UpdateSchema(ctx, mongoem.UpdateOptions{DropIndexes: true, DropCollections: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(r.Dropped, "post.idx_legacy") || !slices.Contains(r.Dropped, "old_stuff") {
		t.Errorf("dropped %q, want the extra index and collection", r.Dropped)
	}
	names, err := v2.Database().ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(names, "old_stuff") {
		t.Error("old_stuff survived DropCollections")
	}
	n, err := v2.Database().Collection("post").CountDocuments(ctx, bson.D{})
	if err != nil || n != 1 {
		t.Errorf("post has %d documents (%v), want 1", n, err)
	}
}
