package mongoem_test

import (
	"context"
	"errors"
	"slices"
	"strings"
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

// PostV3 is PostV1 with a title of at most 5 characters, under validators.
type PostV3 struct {
	_     struct{} `orm:"table=post"`
	ID    int64    `orm:"pk"`
	Title string   `orm:"length=5"`
}

// TestValidators: validators are created only when asked; on MongoDB
// they are applied on create, replaced by update when they differ,
// removed only when asked, and a document that fails one fails the flush
// with ErrCheckViolation naming Entity.Field. FerretDB refuses validators
// and the calls say so (errors.ErrUnsupported).
func TestValidators(t *testing.T) {
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
	validatorOf := func(o *mongoem.ORM, coll string) bson.Raw {
		t.Helper()
		cur, err := o.Database().ListCollections(ctx, bson.D{{Key: "name", Value: coll}})
		if err != nil {
			t.Fatal(err)
		}
		var specs []struct {
			Options struct {
				Validator bson.Raw `bson:"validator"`
			} `bson:"options"`
		}
		if err := cur.All(ctx, &specs); err != nil || len(specs) != 1 {
			t.Fatalf("listCollections %s: %v (%d)", coll, err, len(specs))
		}
		if len(specs[0].Options.Validator) <= 5 { // missing or {}
			return nil
		}
		return specs[0].Options.Validator
	}

	v3 := open(PostV3{})
	// Not asked: no validator.
	if err := v3.Schema().CreateSchema(ctx); err != nil {
		t.Fatal(err)
	}
	if v := validatorOf(v3, "post"); v != nil {
		t.Fatalf("CreateSchema without WithValidators set %s", v)
	}
	if r, err := v3.Schema().UpdateSchema(ctx, mongoem.UpdateOptions{}); err != nil || len(r.Validated) != 0 {
		t.Fatalf("UpdateSchema without Validators: %v, validated %q", err, r.Validated)
	}

	if v3.IsFerretDB() {
		// FerretDB 1.24 answers createCollection with a validator and
		// collMod with NotImplemented: the calls fail and say why.
		_, err := v3.Schema().UpdateSchema(ctx, mongoem.UpdateOptions{Validators: true})
		if !errors.Is(err, errors.ErrUnsupported) || !strings.Contains(err.Error(), "post") {
			t.Errorf("UpdateSchema{Validators} on FerretDB: %v, want errors.ErrUnsupported naming post", err)
		}
		other := open(Comment{})
		err = other.Schema().CreateSchema(ctx, mongoem.WithValidators())
		if !errors.Is(err, errors.ErrUnsupported) || !strings.Contains(err.Error(), "comment") {
			t.Errorf("CreateSchema(WithValidators) on FerretDB: %v, want errors.ErrUnsupported naming comment", err)
		}
		t.Skip("FerretDB does not support validators (NotImplemented); the rest needs MongoDB")
	}

	// Update sets the validator, once.
	r, err := v3.Schema().UpdateSchema(ctx, mongoem.UpdateOptions{Validators: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Validated, []string{"post"}) {
		t.Errorf("validated %q, want [post]", r.Validated)
	}
	if validatorOf(v3, "post") == nil {
		t.Fatal("no validator after UpdateSchema{Validators}")
	}
	if r, err := v3.Schema().UpdateSchema(ctx, mongoem.UpdateOptions{Validators: true}); err != nil || len(r.Validated) != 0 {
		t.Errorf("a second UpdateSchema{Validators}: %v, validated %q", err, r.Validated)
	}

	// A writer whose metadata allows longer titles is refused by the
	// server, with the entity and field named.
	v1 := open(PostV1{})
	em := v1.EM().Fork()
	if err := em.Persist(&PostV1{ID: 1, Title: "far too long"}); err != nil {
		t.Fatal(err)
	}
	err = em.Flush(ctx)
	var ce *gomikro.ConstraintError
	if !errors.Is(err, gomikro.ErrCheckViolation) || !errors.As(err, &ce) || ce.Entity != "PostV1" || ce.Field != "Title" {
		t.Errorf("flush of a document the validator refuses: %v, want ErrCheckViolation on PostV1.Title", err)
	}
	// A missing required field is refused too.
	if _, err := v1.Database().Collection("post").InsertOne(ctx, bson.D{{Key: "_id", Value: 2}}); err == nil {
		t.Error("a document without title passed the validator")
	}

	// V1's metadata differs: its update replaces the validator (and keeps
	// it without Validators).
	if r, err := v1.Schema().UpdateSchema(ctx, mongoem.UpdateOptions{}); err != nil || len(r.Validated) != 0 || len(r.Dropped) != 0 {
		t.Errorf("UpdateSchema without Validators: %v, validated %q, dropped %q", err, r.Validated, r.Dropped)
	}
	if r, err := v1.Schema().UpdateSchema(ctx, mongoem.UpdateOptions{Validators: true}); err != nil || !slices.Equal(r.Validated, []string{"post"}) {
		t.Errorf("UpdateSchema{Validators} with other metadata: %v, validated %q", err, r.Validated)
	}
	em = v1.EM().Fork()
	if err := em.Persist(&PostV1{ID: 3, Title: "far too long"}); err != nil {
		t.Fatal(err)
	}
	if err := em.Flush(ctx); err != nil {
		t.Errorf("flush under the replaced validator: %v", err)
	}
	// Dropped only when asked.
	r, err = v1.Schema().UpdateSchema(ctx, mongoem.UpdateOptions{DropValidators: true})
	if err != nil || !slices.Contains(r.Dropped, "post.$jsonSchema") {
		t.Errorf("UpdateSchema{DropValidators}: %v, dropped %q", err, r.Dropped)
	}
	if v := validatorOf(v1, "post"); v != nil {
		t.Errorf("validator %s survived DropValidators", v)
	}

	// CreateSchema with WithValidators creates a new collection with it.
	c := open(Comment{})
	if err := c.Schema().CreateSchema(ctx, mongoem.WithValidators()); err != nil {
		t.Fatal(err)
	}
	if validatorOf(c, "comment") == nil {
		t.Error("CreateSchema(WithValidators) created comment without a validator")
	}
}
