package benchmarks

import (
	"context"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// mongoImpl is hand-written mongo-driver code: integer keys reserved with
// one findAndModify per batch (as gomikro does), insertMany, a bulkWrite
// of updateOne {$set}, deleteMany {_id: {$in}}, a decode into structs.
// FerretDB has no transactions, so neither implementation uses one.
type mongoImpl struct {
	client *mongo.Client
	db     *mongo.Database
	// bulkOps bounds the writes of one bulkWrite: FerretDB v1.24 on
	// SQLite stops answering a bulkWrite of about 100 updates, so there
	// (as gomikro does) they go 50 to a command.
	bulkOps int
	// reserveMu serializes key reservations of this process: FerretDB's
	// $inc is not atomic under concurrent findAndModify.
	reserveMu sync.Mutex
}

func openMongoDriver(ctx context.Context, cfg Config) (Impl, error) {
	name, err := mongoDBName(cfg.DSN)
	if err != nil {
		return nil, err
	}
	opts := options.Client().ApplyURI(cfg.DSN)
	if cfg.MaxConns > 0 {
		opts.SetMaxPoolSize(uint64(cfg.MaxConns))
	}
	client, err := mongo.Connect(opts)
	if err != nil {
		return nil, err
	}
	m := &mongoImpl{client: client, db: client.Database(name), bulkOps: 100_000}
	var info bson.M
	if err := client.Database("admin").RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		_ = client.Disconnect(ctx)
		return nil, err
	}
	if _, ferret := info["ferretdbVersion"]; ferret {
		m.bulkOps = 50
	}
	return m, nil
}

func (m *mongoImpl) Name() string { return "driver" }
func (m *mongoImpl) Close() error { return m.client.Disconnect(context.Background()) }

type mongoBook struct {
	ID       int64   `bson:"_id"`
	Title    string  `bson:"title"`
	Year     int64   `bson:"year"`
	Price    float64 `bson:"price"`
	AuthorID int64   `bson:"author_id"`
}

type mongoAuthor struct {
	ID   int64  `bson:"_id"`
	Name string `bson:"name"`
}

// reserve takes n keys of a collection from the counters collection.
func (m *mongoImpl) reserve(ctx context.Context, coll string, n int) (int64, error) {
	m.reserveMu.Lock()
	defer m.reserveMu.Unlock()
	var c struct {
		Seq int64 `bson:"seq"`
	}
	err := m.db.Collection("bench_counters").FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: coll}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "seq", Value: int64(n)}}}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&c)
	return c.Seq - int64(n) + 1, err
}

func (m *mongoImpl) Insert(ctx context.Context, g *Graph) error {
	g.AuthorIDs, g.BookIDs = nil, nil
	if len(g.Authors) > 0 {
		first, err := m.reserve(ctx, "author", len(g.Authors))
		if err != nil {
			return err
		}
		docs := make([]any, len(g.Authors))
		g.AuthorIDs = make([]int64, len(g.Authors))
		for i, name := range g.Authors {
			g.AuthorIDs[i] = first + int64(i)
			docs[i] = mongoAuthor{ID: g.AuthorIDs[i], Name: name}
		}
		if _, err := m.db.Collection("author").InsertMany(ctx, docs); err != nil {
			return err
		}
	}
	first, err := m.reserve(ctx, "book", len(g.Books))
	if err != nil {
		return err
	}
	docs := make([]any, len(g.Books))
	g.BookIDs = make([]int64, len(g.Books))
	for i, b := range g.Books {
		author := b.AuthorID
		if b.Author >= 0 {
			author = g.AuthorIDs[b.Author]
		}
		g.BookIDs[i] = first + int64(i)
		docs[i] = mongoBook{ID: g.BookIDs[i], Title: b.Title, Year: b.Year, Price: b.Price, AuthorID: author}
	}
	_, err = m.db.Collection("book").InsertMany(ctx, docs)
	return err
}

func (m *mongoImpl) InsertOne(ctx context.Context, b BookRow) (int64, error) {
	id, err := m.reserve(ctx, "book", 1)
	if err != nil {
		return 0, err
	}
	_, err = m.db.Collection("book").InsertOne(ctx, mongoBook{ID: id, Title: b.Title, Year: b.Year, Price: b.Price, AuthorID: b.AuthorID})
	return id, err
}

func (m *mongoImpl) Load(ctx context.Context) (Set, error) {
	cur, err := m.db.Collection("book").Find(ctx, bson.D{})
	if err != nil {
		return nil, err
	}
	var books []*mongoBook
	err = cur.All(ctx, &books)
	return &mongoSet{m: m, books: books}, err
}

type mongoSet struct {
	m     *mongoImpl
	books []*mongoBook
}

func (s *mongoSet) Len() int             { return len(s.books) }
func (s *mongoSet) ID(i int) int64       { return s.books[i].ID }
func (s *mongoSet) Title(i int) string   { return s.books[i].Title }
func (s *mongoSet) AuthorID(i int) int64 { return s.books[i].AuthorID }

func (s *mongoSet) Update(ctx context.Context, idx []int, titles []string) error {
	if len(idx) == 0 {
		return nil
	}
	models := make([]mongo.WriteModel, len(idx))
	for j, i := range idx {
		b := s.books[i]
		b.Title = titles[j]
		models[j] = mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: b.ID}}).
			SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "title", Value: b.Title}}}})
	}
	for start := 0; start < len(models); start += s.m.bulkOps {
		if _, err := s.m.db.Collection("book").BulkWrite(ctx, models[start:min(start+s.m.bulkOps, len(models))]); err != nil {
			return err
		}
	}
	return nil
}

func (s *mongoSet) Mixed(ctx context.Context, mx *Mixed) error {
	if err := s.m.Insert(ctx, &mx.New); err != nil {
		return err
	}
	if err := s.Update(ctx, mx.UpdateIdx, mx.Titles); err != nil {
		return err
	}
	ids := make([]int64, len(mx.DeleteIdx))
	for j, i := range mx.DeleteIdx {
		ids[j] = s.books[i].ID
	}
	_, err := s.m.db.Collection("book").DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	return err
}
