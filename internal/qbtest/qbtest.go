// Package qbtest is the dialect-neutral test suite of the SQL query
// builder (sqlem.QueryBuilder) and of typed filters: each SQL dialect's
// tests call Run with a function that opens an ORM on a fresh database.
package qbtest

import (
	"context"
	"encoding/hex"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/qlog"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/sqlem"
)

// QAuthor writes QBooks and has one QProfile.
type QAuthor struct {
	ID      int64  `orm:"pk"`
	Name    string `orm:"length=100"`
	Email   string `orm:"unique,length=200"`
	Age     int
	Books   ref.Collection[QBook] `orm:"mappedBy=Author"`
	Profile ref.Ref[QProfile]     `orm:"1:1,mappedBy=Author"`
}

// QBook has an m:1 author and m:n tags.
type QBook struct {
	ID     int64  `orm:"pk"`
	Title  string `orm:"length=200"`
	Year   int
	Price  float64
	Author ref.Ref[QAuthor]
	Tags   ref.Collection[QTag] `orm:"m:n"`
	Meta   map[string]any       `orm:"nullable"`
}

// QTag labels books.
type QTag struct {
	ID   int64  `orm:"pk"`
	Name string `orm:"unique,length=50"`
}

// QProfile is the owning side of a 1:1 with QAuthor.
type QProfile struct {
	ID     int64            `orm:"pk"`
	Bio    string           `orm:"length=200"`
	Author ref.Ref[QAuthor] `orm:"1:1"`
}

// QCode is a key type with a text form (as bson.ObjectID): stored as text.
type QCode [3]byte

// MarshalText implements encoding.TextMarshaler: six hex digits.
func (c QCode) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(c[:])), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *QCode) UnmarshalText(b []byte) error {
	if len(b) != 2*len(c) {
		return errors.New("a QCode has six hex digits")
	}
	_, err := hex.Decode(c[:], b)
	return err
}

// QBin is keyed by a QCode.
type QBin struct {
	Code  QCode                 `orm:"pk"`
	Name  string                `orm:"length=50"`
	Items ref.Collection[QItem] `orm:"mappedBy=Bin"`
}

// QItem may sit in a QBin and carries a QCode of its own.
type QItem struct {
	ID  int64         `orm:"pk"`
	Bin ref.Ref[QBin] `orm:"nullable"`
	Tag QCode
}

// Entities are the suite's entities, for gomikro.Config.
func Entities() []any { return []any{QAuthor{}, QBook{}, QTag{}, QProfile{}, QBin{}, QItem{}} }

// Backend is what a dialect's test hands to Run.
type Backend struct {
	// Name names the backend in messages.
	Name string
	// Open opens an ORM on a fresh, empty database or schema with the
	// tables of cfg.Entities created, closed when the test ends.
	Open func(t *testing.T, cfg gomikro.Config) *sqlem.ORM
	// Skip maps test names to the reason the backend cannot run them.
	Skip map[string]string
}

// env is one test's database, filled with the fixture.
type env struct {
	t       *testing.T
	ctx     context.Context
	orm     *sqlem.ORM
	queries *atomic.Int64
	ann     int64 // an author with books 1990..2020 and a profile
	bob     int64 // an author with one book
	cid     int64 // an author without books
	// open opens another ORM on a fresh database (Entities default to
	// the suite's).
	open func(cfg gomikro.Config) *sqlem.ORM
}

type counter struct{ n *atomic.Int64 }

func (c counter) Enabled(context.Context, slog.Level) bool { return true }
func (c counter) Handle(_ context.Context, r slog.Record) error {
	if r.Message == qlog.Message {
		c.n.Add(1)
	}
	return nil
}
func (c counter) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c counter) WithGroup(string) slog.Handler      { return c }

// Run runs every test of the suite on the backend, each on its own
// database.
func Run(t *testing.T, b Backend) {
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if reason, ok := b.Skip[tc.name]; ok {
				t.Skipf("%s: %s", b.Name, reason)
			}
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			n := &atomic.Int64{}
			orm := b.Open(t, gomikro.Config{Entities: Entities(), Logger: slog.New(counter{n})})
			e := &env{t: t, ctx: ctx, orm: orm, queries: n, open: func(cfg gomikro.Config) *sqlem.ORM {
				if cfg.Entities == nil {
					cfg.Entities = Entities()
				}
				return b.Open(t, cfg)
			}}
			e.fill()
			tc.run(e)
		})
	}
}

// fill writes the fixture: Ann (4 books, 3 tags, a profile), Bob (1
// book), Cid (none).
func (e *env) fill() {
	m := e.orm.EM().Fork()
	goTag, sqlTag, oldTag := &QTag{Name: "go"}, &QTag{Name: "sql"}, &QTag{Name: "old"}
	ann := &QAuthor{Name: "Ann", Email: "ann@x", Age: 40}
	bob := &QAuthor{Name: "Bob", Email: "bob@x", Age: 30}
	cid := &QAuthor{Name: "Cid", Email: "cid@x", Age: 20}
	books := []*QBook{
		{Title: "Go 1", Year: 1990, Price: 10, Author: ref.To(ann), Tags: ref.NewCollection(oldTag)},
		{Title: "Go 2", Year: 2000, Price: 20, Author: ref.To(ann), Tags: ref.NewCollection(goTag)},
		{Title: "SQL", Year: 2010, Price: 30, Author: ref.To(ann), Tags: ref.NewCollection(sqlTag, goTag)},
		{Title: "Go 3", Year: 2020, Price: 40, Author: ref.To(ann), Tags: ref.NewCollection(goTag)},
		{Title: "Bob's", Year: 2000, Price: 5, Author: ref.To(bob)},
	}
	for _, b := range books {
		e.must(m.Persist(b))
	}
	e.must(m.Persist(cid, &QProfile{Bio: "Ann's bio", Author: ref.To(ann)}))
	e.must(m.Flush(e.ctx))
	e.ann, e.bob, e.cid = ann.ID, bob.ID, cid.ID
}

func (e *env) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) fork() *sqlem.EntityManager { return e.orm.EM().Fork() }

type test struct {
	name string
	run  func(e *env)
}

var tests = []test{
	{"SelectWhereOrder", selectWhereOrder},
	{"TypedFilters", typedFilters},
	{"JoinAndSelectReference", joinAndSelectReference},
	{"LeftJoinAndSelectCollection", leftJoinAndSelectCollection},
	{"ManyToManyJoin", manyToManyJoin},
	{"InverseOneToOneJoin", inverseOneToOneJoin},
	{"GroupByHavingScan", groupByHavingScan},
	{"CountAndDistinct", countAndDistinct},
	{"SubQueries", subQueries},
	{"RawFragments", rawFragments},
	{"UnknownProperties", unknownProperties},
	{"UpdateDelete", updateDelete},
	{"VacuousConditions", vacuousConditions},
	{"BadUsage", badUsage},
	{"ClosedORM", closedORM},
	{"MaskedErrors", maskedErrors},
	{"InsertUpsert", insertUpsert},
	{"Iterate", iterate},
	{"IterateDetached", iterateDetached},
	{"FlushMode", qbFlushMode},
	{"Lock", lock},
	{"Immutable", immutable},
	{"GlobalRefusedAndUntyped", globalRefusedAndUntyped},
	{"TextFormKeys", textFormKeys},
	{"Embeddables", embeddables},
	{"EmbeddablesAsAWhole", embeddablesAsAWhole},
	{"GlobalFilters", globalFilters},
	{"Inheritance", inheritance},
}

func titles(bs []*QBook) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = b.Title
	}
	return out
}

func (e *env) wantTitles(bs []*QBook, err error, want ...string) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
	if got := titles(bs); !slices.Equal(got, want) {
		e.t.Fatalf("titles %q, want %q", got, want)
	}
}

func selectWhereOrder(e *env) {
	m := e.fork()
	bs, err := sqlem.QB[QBook](m, "b").
		Where(query.M{"year": query.M{"$gte": 2000}}).
		OrderBy("-b.year", "title").
		GetResult(e.ctx)
	e.wantTitles(bs, err, "Go 3", "SQL", "Bob's", "Go 2")
	// Managed: the identity map gives the same objects to em.Find.
	same, err := em.FindOne[QBook](e.ctx, m, query.Eq("title", "SQL"))
	e.must(err)
	if same != bs[1] {
		e.t.Fatal("the builder's entity is not the identity map's")
	}
	// Limit, offset, relation paths as sub-queries, OrWhere.
	bs, err = sqlem.QB[QBook](m, "b").Where(query.M{"author.name": "Ann"}).
		OrderBy("b.year").Limit(2).Offset(1).GetResult(e.ctx)
	e.wantTitles(bs, err, "Go 2", "SQL")
	bs, err = sqlem.QB[QBook](m, "b").Where(query.Eq("year", 1990)).OrWhere(query.Eq("year", 2020)).
		OrderBy("year").GetResult(e.ctx)
	e.wantTitles(bs, err, "Go 1", "Go 3")
	one, err := sqlem.QB[QBook](m, "b").Where(query.Eq("title", "nope")).GetSingleResult(e.ctx)
	if err != nil || one != nil {
		e.t.Fatalf("GetSingleResult of nothing: %v, %v", one, err)
	}
	// Populate after the query.
	bs, err = sqlem.QB[QBook](e.fork(), "b").Where(query.Eq("title", "SQL")).Populate("Tags").GetResult(e.ctx)
	e.must(err)
	if !bs[0].Tags.IsLoaded() || bs[0].Tags.Len() != 2 {
		e.t.Fatalf("Populate(Tags): loaded %v, %d tags", bs[0].Tags.IsLoaded(), bs[0].Tags.Len())
	}
}

func typedFilters(e *env) {
	m := e.fork()
	title := query.Field[QBook, string]("title")
	year := query.FieldOf(func(b *QBook) *int { return &b.Year })
	authorName := query.Field[QAuthor, string]("name")
	bs, err := sqlem.QB[QBook](m, "b").
		Where(query.All(title.Like("Go%"), year.Gt(1990))).
		OrderBy("year").GetResult(e.ctx)
	e.wantTitles(bs, err, "Go 2", "Go 3")
	// The same condition through em.Find and a relation.
	bs, err = em.Find[QBook](e.ctx, m, query.Related(func(b *QBook) *ref.Ref[QAuthor] { return &b.Author }, authorName.Eq("Bob")))
	e.wantTitles(bs, err, "Bob's")
	as, err := em.Find[QAuthor](e.ctx, m, query.Some(func(a *QAuthor) *ref.Collection[QBook] { return &a.Books }, year.Eq(2020)))
	e.must(err)
	if len(as) != 1 || as[0].Name != "Ann" {
		e.t.Fatalf("Some(books, year = 2020): %d authors", len(as))
	}
	// A typed condition on the joined alias.
	bs, err = sqlem.QB[QBook](m, "b").Join("b.author", "a").
		Where(query.M{"a": authorName.In("Bob", "Cid")}).GetResult(e.ctx)
	e.wantTitles(bs, err, "Bob's")
	// Misspelled names and conditions on the wrong entity fail, naming it.
	_, err = sqlem.QB[QBook](m, "b").Where(query.Field[QBook, string]("titel").Eq("x")).GetResult(e.ctx)
	if !errors.Is(err, query.ErrUnknownProperty) || !strings.Contains(err.Error(), `QBook has no property "titel"`) {
		e.t.Fatalf("misspelled typed field: %v", err)
	}
	_, err = em.Find[QBook](e.ctx, m, authorName.Eq("Ann"))
	if err == nil || !strings.Contains(err.Error(), "QAuthor applied to QBook") {
		e.t.Fatalf("typed condition on the wrong entity: %v", err)
	}
}

func joinAndSelectReference(e *env) {
	m := e.fork()
	before := e.queries.Load()
	bs, err := sqlem.QB[QBook](m, "b").JoinAndSelect("b.author", "a").
		Where(query.M{"a.name": "Ann"}).OrderBy("b.year").GetResult(e.ctx)
	e.wantTitles(bs, err, "Go 1", "Go 2", "SQL", "Go 3")
	if n := e.queries.Load() - before; n != 1 {
		e.t.Fatalf("JoinAndSelect ran %d queries, want 1", n)
	}
	a := bs[0].Author.Get()
	if !bs[0].Author.IsLoaded() || a == nil || a.Name != "Ann" || a.Email != "ann@x" {
		e.t.Fatalf("the joined author is not loaded: %+v", a)
	}
	for _, b := range bs {
		if b.Author.Get() != a {
			e.t.Fatal("one author row gave two objects")
		}
	}
	same, err := em.FindOne[QAuthor](e.ctx, m, query.Eq("id", e.ann))
	e.must(err)
	if same != a {
		e.t.Fatal("the joined author is not the identity map's")
	}
	// A join on an alias of an earlier join, and a join for filtering only.
	bs, err = sqlem.QB[QBook](e.fork(), "b").Join("b.author", "a").LeftJoin("a.profile", "p").
		Where(query.M{"p.bio": query.M{"$like": "Ann%"}, "year": 2000}).GetResult(e.ctx)
	e.wantTitles(bs, err, "Go 2")
	if bs[0].Author.IsLoaded() {
		e.t.Fatal("Join (not JoinAndSelect) loaded the author")
	}
	// JoinOn adds conditions to the ON clause.
	bs, err = sqlem.QB[QBook](e.fork(), "b").JoinOn("b.author", "a", query.M{"age": query.M{"$lt": 35}}).GetResult(e.ctx)
	e.wantTitles(bs, err, "Bob's")
}

func leftJoinAndSelectCollection(e *env) {
	m := e.fork()
	before := e.queries.Load()
	as, err := sqlem.QB[QAuthor](m, "a").LeftJoinAndSelect("a.books", "b").
		OrderBy("a.name", "b.year").GetResult(e.ctx)
	e.must(err)
	if n := e.queries.Load() - before; n != 1 {
		e.t.Fatalf("LeftJoinAndSelect ran %d queries, want 1", n)
	}
	if len(as) != 3 || as[0].Name != "Ann" || as[1].Name != "Bob" || as[2].Name != "Cid" {
		e.t.Fatalf("authors: %d", len(as))
	}
	for _, a := range as {
		if !a.Books.IsLoaded() {
			e.t.Fatalf("%s's books are not loaded", a.Name)
		}
	}
	if got := titles(as[0].Books.Items()); !slices.Equal(got, []string{"Go 1", "Go 2", "SQL", "Go 3"}) {
		e.t.Fatalf("Ann's books: %q", got)
	}
	if as[1].Books.Len() != 1 || as[2].Books.Len() != 0 {
		e.t.Fatalf("Bob has %d books, Cid %d", as[1].Books.Len(), as[2].Books.Len())
	}
	if as[0].Books.Items()[0].Author.Get() != as[0] {
		e.t.Fatal("a joined book does not point back to its managed author")
	}
	// The loaded collection is tracked: removing a book from it and
	// flushing works as after em.Find with Populate.
	b := as[1].Books.Items()[0]
	e.must(m.Remove(b))
	e.must(m.Flush(e.ctx))
	n, err := em.Count[QBook](e.ctx, e.fork(), nil)
	e.must(err)
	if n != 4 {
		e.t.Fatalf("%d books after removing one", n)
	}
	// An inner join drops authors without books; Count counts authors.
	q := sqlem.QB[QAuthor](e.fork(), "a").JoinAndSelect("a.books", "b").Where(query.M{"b.year": query.M{"$gte": 2000}})
	as, err = q.GetResult(e.ctx)
	e.must(err)
	if len(as) != 1 || as[0].Books.Len() != 3 {
		e.t.Fatalf("inner join with a condition: %d authors", len(as))
	}
	c, err := q.Count(e.ctx)
	e.must(err)
	if c != 1 {
		e.t.Fatalf("Count over a collection join: %d, want 1", c)
	}
	pagesOfRoots(e)
}

// pagesOfRoots: with a joined collection, Limit and Offset count root
// entities, whose collections stay whole.
func pagesOfRoots(e *env) {
	// Bob's book was removed above: Ann has 4 books (1990-2020), Bob and
	// Cid none; Dan gets two.
	m := e.fork()
	dan := &QAuthor{Name: "Dan", Email: "dan@x", Age: 60}
	e.must(m.Persist(&QBook{Title: "D1", Year: 1995, Author: ref.To(dan)}, &QBook{Title: "D2", Year: 2030, Author: ref.To(dan)}))
	e.must(m.Flush(e.ctx))
	names := func(as []*QAuthor) string {
		var out []string
		for _, a := range as {
			out = append(out, a.Name+":"+strings.Join(titles(a.Books.Items()), ","))
		}
		return strings.Join(out, " ")
	}
	cases := []struct {
		q    *sqlem.QueryBuilder[QAuthor]
		want string
	}{
		{sqlem.QB[QAuthor](e.fork(), "a").LeftJoinAndSelect("a.books", "b").OrderBy("a.name", "b.year").Limit(2),
			"Ann:Go 1,Go 2,SQL,Go 3 Bob:"},
		{sqlem.QB[QAuthor](e.fork(), "a").LeftJoinAndSelect("a.books", "b").OrderBy("a.name", "b.year").Limit(2).Offset(2),
			"Cid: Dan:D1,D2"},
		// Ordered by a collection column: a root by its smallest value
		// ascending, its largest descending.
		{sqlem.QB[QAuthor](e.fork(), "a").JoinAndSelect("a.books", "b").OrderBy("-b.year").Limit(1),
			"Dan:D2,D1"},
		{sqlem.QB[QAuthor](e.fork(), "a").JoinAndSelect("a.books", "b").OrderBy("b.year").Limit(1).Offset(1),
			"Dan:D1,D2"},
		// Conditions apply to the page and to the joined rows alike.
		{sqlem.QB[QAuthor](e.fork(), "a").JoinAndSelect("a.books", "b").Where(query.M{"b.year": query.M{"$gte": 2000}}).OrderBy("-a.name", "b.year").Limit(5),
			"Dan:D2 Ann:Go 2,SQL,Go 3"},
		// A to-many join for filtering only pages the same way.
		{sqlem.QB[QAuthor](e.fork(), "a").Join("a.books", "b").Where(query.M{"b.title": query.M{"$like": "Go%"}}).Distinct().OrderBy("a.name").Limit(1),
			"Ann:"},
	}
	for i, c := range cases {
		before := e.queries.Load()
		as, err := c.q.GetResult(e.ctx)
		e.must(err)
		if got := names(as); got != c.want {
			e.t.Errorf("page %d: %q, want %q", i, got, c.want)
		}
		if n := e.queries.Load() - before; n != 1 {
			e.t.Errorf("page %d: %d queries, want 1", i, n)
		}
	}
	one, err := sqlem.QB[QAuthor](e.fork(), "a").LeftJoinAndSelect("a.books", "b").OrderBy("a.name", "b.year").GetSingleResult(e.ctx)
	e.must(err)
	if one == nil || names([]*QAuthor{one}) != "Ann:Go 1,Go 2,SQL,Go 3" {
		e.t.Fatalf("GetSingleResult over a collection join: %+v", one)
	}
	if _, err := sqlem.QB[QAuthor](e.fork(), "a").JoinAndSelect("a.books", "b").OrderBy("count(*)").Limit(1).GetResult(e.ctx); err == nil {
		e.t.Fatal("a page ordered by an aggregate over a joined collection was accepted")
	}
}

func manyToManyJoin(e *env) {
	m := e.fork()
	bs, err := sqlem.QB[QBook](m, "b").JoinAndSelect("b.tags", "t").
		Where(query.M{"t.name": "go"}).OrderBy("b.year").GetResult(e.ctx)
	e.wantTitles(bs, err, "Go 2", "SQL", "Go 3")
	// Only the matching tags are in the joined collections.
	if bs[1].Tags.Len() != 1 || bs[1].Tags.Items()[0].Name != "go" {
		e.t.Fatalf("SQL's joined tags: %d", bs[1].Tags.Len())
	}
	if bs[0].Tags.Items()[0] != bs[1].Tags.Items()[0] {
		e.t.Fatal("one tag row gave two objects")
	}
	bs, err = sqlem.QB[QBook](e.fork(), "b").LeftJoinAndSelect("b.tags", "t").OrderBy("b.year", "b.title", "t.name").GetResult(e.ctx)
	e.wantTitles(bs, err, "Go 1", "Bob's", "Go 2", "SQL", "Go 3")
	if bs[1].Tags.Len() != 0 || !bs[1].Tags.IsLoaded() || bs[3].Tags.Len() != 2 || bs[3].Tags.Items()[0].Name != "go" {
		e.t.Fatalf("left join of tags: Bob's has %d, SQL %d", bs[1].Tags.Len(), bs[3].Tags.Len())
	}
}

func inverseOneToOneJoin(e *env) {
	m := e.fork()
	as, err := sqlem.QB[QAuthor](m, "a").LeftJoinAndSelect("a.profile", "p").OrderBy("a.name").GetResult(e.ctx)
	e.must(err)
	if len(as) != 3 {
		e.t.Fatalf("%d authors", len(as))
	}
	before := e.queries.Load()
	p, err := as[0].Profile.Load(e.ctx)
	e.must(err)
	if p == nil || p.Bio != "Ann's bio" || e.queries.Load() != before {
		e.t.Fatalf("Ann's joined profile: %+v (%d queries)", p, e.queries.Load()-before)
	}
	p, err = as[1].Profile.Load(e.ctx)
	if err != nil || p != nil || e.queries.Load() != before {
		e.t.Fatalf("Bob has no profile: %+v, %v (%d queries)", p, err, e.queries.Load()-before)
	}
}

func groupByHavingScan(e *env) {
	m := e.fork()
	type row struct {
		Name  string
		N     int64
		Total float64 `db:"total"`
	}
	rows, err := sqlem.Scan[row](e.ctx, sqlem.QB[QBook](m, "b").Join("b.author", "a").
		Select("a.name", "count(*) as n", "sum(b.price) as total").
		GroupBy("a.name").HavingRaw("COUNT(*) > ?", 0).OrderBy("-n"))
	e.must(err)
	if len(rows) != 2 || rows[0] != (row{"Ann", 4, 100}) || rows[1] != (row{"Bob", 1, 5}) {
		e.t.Fatalf("group by: %+v", rows)
	}
	// Having in the filter language, on a grouped property.
	rows, err = sqlem.Scan[row](e.ctx, sqlem.QB[QBook](m, "b").Join("b.author", "a").
		Select("a.name", "count(b.id) as n", "sum(b.price) as total").
		GroupBy("a.name").Having(query.M{"a.name": "Bob"}))
	e.must(err)
	if len(rows) != 1 || rows[0].Name != "Bob" {
		e.t.Fatalf("having: %+v", rows)
	}
	// One column into a plain type; a scalar.
	years, err := sqlem.Scan[int](e.ctx, sqlem.QB[QBook](m, "b").Select("year").Distinct().OrderBy("year"))
	e.must(err)
	if !slices.Equal(years, []int{1990, 2000, 2010, 2020}) {
		e.t.Fatalf("distinct years: %v", years)
	}
	maxYear, err := sqlem.Scalar[int64](e.ctx, sqlem.QB[QBook](m, "b").Select("max(b.year)"))
	e.must(err)
	if maxYear != 2020 {
		e.t.Fatalf("max(year) = %d", maxYear)
	}
	title, err := sqlem.Scalar[string](e.ctx, sqlem.QB[QBook](m, "b").Select("title").Where(query.Eq("year", 1990)))
	e.must(err)
	if title != "Go 1" {
		e.t.Fatalf("scalar title %q", title)
	}
	_, err = sqlem.Scalar[string](e.ctx, sqlem.QB[QBook](m, "b").Select("title").Where(query.Eq("year", 1)))
	if !errors.Is(err, gomikro.ErrNotFound) {
		e.t.Fatalf("Scalar of no row: %v", err)
	}
	// Whole rows of the root entity without Select, by column name.
	type bookRow struct {
		ID       int64
		Title    string
		Year     int
		Price    float64
		AuthorID int64
		Meta     []byte
	}
	brs, err := sqlem.Scan[bookRow](e.ctx, sqlem.QB[QBook](m, "b").Where(query.Eq("title", "SQL")))
	e.must(err)
	if len(brs) != 1 || brs[0].AuthorID != e.ann || brs[0].Year != 2010 {
		e.t.Fatalf("Scan without Select: %+v", brs)
	}
	// A column without a field is an error.
	type short struct{ Name string }
	_, err = sqlem.Scan[short](e.ctx, sqlem.QB[QBook](m, "b").Select("title", "year"))
	if err == nil || !strings.Contains(err.Error(), `no field for the column "title"`) {
		e.t.Fatalf("Scan with an unmatched column: %v", err)
	}
}

func countAndDistinct(e *env) {
	m := e.fork()
	n, err := sqlem.QB[QBook](m, "b").Where(query.M{"year": 2000}).Count(e.ctx)
	e.must(err)
	if n != 2 {
		e.t.Fatalf("count year 2000: %d", n)
	}
	n, err = sqlem.QB[QBook](m, "b").Select("year").Distinct().Count(e.ctx)
	e.must(err)
	if n != 4 {
		e.t.Fatalf("count of distinct years: %d", n)
	}
	n, err = sqlem.QB[QBook](m, "b").Select("year").GroupBy("year").Count(e.ctx)
	e.must(err)
	if n != 4 {
		e.t.Fatalf("count of year groups: %d", n)
	}
	n, err = sqlem.QB[QAuthor](m, "a").LeftJoin("a.books", "b").Count(e.ctx)
	e.must(err)
	if n != 3 {
		e.t.Fatalf("count of authors over a left join: %d", n)
	}
	as, err := sqlem.QB[QAuthor](m, "a").Join("a.books", "b").Where(query.M{"b.year": 2000}).OrderBy("a.name").GetResult(e.ctx)
	e.must(err)
	if len(as) != 2 {
		e.t.Fatalf("authors with a book of 2000: %d", len(as))
	}
}

func subQueries(e *env) {
	m := e.fork()
	young := sqlem.QB[QAuthor](m, "a2").Select("a2.id").Where(query.M{"age": query.M{"$lt": 35}})
	bs, err := sqlem.QB[QBook](m, "b").WhereIn("b.author", young).GetResult(e.ctx)
	e.wantTitles(bs, err, "Bob's")
	bs, err = sqlem.QB[QBook](m, "b").WhereNotIn("author", young).OrderBy("year").Limit(1).GetResult(e.ctx)
	e.wantTitles(bs, err, "Go 1")
	// Correlated EXISTS: authors with a book after 2015.
	recent := sqlem.QB[QBook](m, "b2").WhereColumns("b2.author", "=", "a.id").Where(query.M{"year": query.M{"$gt": 2015}})
	as, err := sqlem.QB[QAuthor](m, "a").WhereExists(recent).GetResult(e.ctx)
	e.must(err)
	if len(as) != 1 || as[0].Name != "Ann" {
		e.t.Fatalf("WhereExists: %d authors", len(as))
	}
	as, err = sqlem.QB[QAuthor](m, "a").WhereNotExists(recent).OrderBy("name").GetResult(e.ctx)
	e.must(err)
	if len(as) != 2 || as[0].Name != "Bob" {
		e.t.Fatalf("WhereNotExists: %d authors", len(as))
	}
	// A sub-query without Select compares primary keys.
	bs, err = sqlem.QB[QBook](m, "b").WhereIn("author", sqlem.QB[QAuthor](m, "a3").Where(query.Eq("name", "Bob"))).GetResult(e.ctx)
	e.wantTitles(bs, err, "Bob's")
	// Aliases are unique across a query and its sub-queries.
	_, err = sqlem.QB[QBook](m, "b").WhereIn("author", sqlem.QB[QAuthor](m, "b")).GetResult(e.ctx)
	if err == nil || !strings.Contains(err.Error(), `alias "b" is used twice`) {
		e.t.Fatalf("a reused alias: %v", err)
	}
}

func rawFragments(e *env) {
	m := e.fork()
	d := e.orm.Dialect()
	q := sqlem.QB[QBook](m, "b").WhereRaw("b.year BETWEEN ? AND ?", 1995, 2015).
		Where(query.M{"title": query.M{"$like": "%?%"}}).OrderBy("year")
	sql, args, err := q.ToSQL()
	e.must(err)
	if !strings.Contains(sql, "BETWEEN "+d.Placeholder(1)+" AND "+d.Placeholder(2)) || len(args) != 3 {
		e.t.Fatalf("raw placeholders not rewritten: %s %v", sql, args)
	}
	if strings.Contains(sql, "1995") || strings.Contains(sql, "%?%") {
		e.t.Fatalf("a value went into the SQL text: %s", sql)
	}
	bs, err := q.GetResult(e.ctx)
	e.wantTitles(bs, err)
	bs, err = sqlem.QB[QBook](m, "b").WhereRaw("b.year BETWEEN ? AND ?", 1995, 2015).OrderBy("year").GetResult(e.ctx)
	e.wantTitles(bs, err, "Go 2", "Bob's", "SQL")
	// ?? is a literal question mark; quotes hide placeholders.
	bs, err = sqlem.QB[QBook](m, "b").WhereRaw("'a?' <> ? AND b.year = ?", "b", 2020).GetResult(e.ctx)
	e.wantTitles(bs, err, "Go 3")
	_, err = sqlem.QB[QBook](m, "b").WhereRaw("b.year = ?").GetResult(e.ctx)
	if err == nil || !strings.Contains(err.Error(), "placeholders") {
		e.t.Fatalf("a placeholder without an argument: %v", err)
	}
	// A raw select item with an argument.
	rows, err := sqlem.Scan[int64](e.ctx, sqlem.QB[QBook](m, "b").SelectRaw("y", "b.year + ?", 1).Where(query.Eq("year", 2020)))
	e.must(err)
	if len(rows) != 1 || rows[0] != 2021 {
		e.t.Fatalf("raw select: %v", rows)
	}
}

func unknownProperties(e *env) {
	m := e.fork()
	cases := []struct {
		q    *sqlem.QueryBuilder[QBook]
		want string
	}{
		{sqlem.QB[QBook](m, "b").Where(query.M{"titel": "x"}), `QBook has no property "titel"`},
		{sqlem.QB[QBook](m, "b").Join("b.author", "a").Where(query.M{"a.nmae": "x"}), `QAuthor has no property "nmae"`},
		{sqlem.QB[QBook](m, "b").Select("b.titel"), `QBook has no property "titel"`},
		{sqlem.QB[QBook](m, "b").OrderBy("-yaer"), `QBook has no property "yaer"`},
		{sqlem.QB[QBook](m, "b").GroupBy("b.yaer"), `QBook has no property "yaer"`},
		{sqlem.QB[QBook](m, "b").Join("b.writer", "a"), `QBook has no property "writer"`},
		{sqlem.QB[QBook](m, "b").Set("titel", "x").All(), `QBook has no property "titel"`},
		{sqlem.QB[QBook](m, "b").Insert(map[string]any{"titel": "x"}), `QBook has no property "titel"`},
		{sqlem.QB[QBook](m, "b").Select("sum(b.prize)"), `QBook has no property "prize"`},
	}
	for _, c := range cases {
		_, _, err := c.q.ToSQL()
		if !errors.Is(err, query.ErrUnknownProperty) || !strings.Contains(err.Error(), c.want) {
			e.t.Errorf("got %v, want an unknown property error containing %s", err, c.want)
		}
	}
	for _, bad := range []string{"t1", "a b", "x;--"} {
		if _, _, err := sqlem.QB[QBook](m, bad).ToSQL(); err == nil {
			e.t.Errorf("alias %q accepted", bad)
		}
	}
	if _, _, err := sqlem.QB[QBook](m, "b").Select("b.author.name").ToSQL(); err == nil || !strings.Contains(err.Error(), "join") {
		e.t.Errorf("a path across a relation in Select: %v", err)
	}
	if _, _, err := sqlem.QB[QBook](m, "b").Select("b.tags").ToSQL(); err == nil || !strings.Contains(err.Error(), "without a column") {
		e.t.Errorf("a collection in Select: %v", err)
	}
}

func updateDelete(e *env) {
	m := e.fork()
	// An empty filter is refused, in every spelling.
	for _, q := range []*sqlem.QueryBuilder[QBook]{
		sqlem.QB[QBook](m, "b").Set("price", 1.0),
		sqlem.QB[QBook](m, "b").Set("price", 1.0).Where(query.M{}),
		sqlem.QB[QBook](m, "b").Set("price", 1.0).Where(nil),
		sqlem.QB[QBook](m, "b").Set("price", 1.0).Where(query.And()),
		sqlem.QB[QBook](m, "b").Delete().Where(query.M{}).Where(query.All[QBook]()),
		sqlem.QB[QBook](m, "b").Delete().Where(query.M{"title": "x"}).OrWhere(query.M{}),
	} {
		_, err := q.Execute(e.ctx)
		var ve *gomikro.ValidationError
		if !errors.As(err, &ve) || !strings.Contains(err.Error(), "without a condition") {
			e.t.Fatalf("an unconditional statement ran: %v", err)
		}
	}
	n, err := sqlem.QB[QBook](m, "b").Update(map[string]any{"price": 99.5, "title": "Renamed"}).
		Where(query.M{"author.name": "Bob"}).Execute(e.ctx)
	e.must(err)
	if n != 1 {
		e.t.Fatalf("update affected %d rows", n)
	}
	n, err = sqlem.QB[QBook](m, "b").SetRaw("price", "price * ?", 2).Where(query.M{"year": 1990}).Execute(e.ctx)
	e.must(err)
	if n != 1 {
		e.t.Fatalf("raw update affected %d rows", n)
	}
	// References are set by key or entity.
	cid, err := em.FindOneOrFail[QAuthor](e.ctx, m, query.Eq("id", e.cid))
	e.must(err)
	_, err = sqlem.QB[QBook](m, "b").Set("author", cid).Where(query.M{"title": "Renamed"}).Execute(e.ctx)
	e.must(err)
	_, err = sqlem.QB[QBook](m, "b").Set("year", "1999").Where(query.M{"title": "Renamed"}).Execute(e.ctx)
	if err == nil || !strings.Contains(err.Error(), "QBook.Year") {
		e.t.Fatalf("a value of the wrong type: %v", err)
	}
	f := e.fork()
	b, err := em.FindOneOrFail[QBook](e.ctx, f, query.Eq("title", "Renamed"), em.Populate("Author"))
	e.must(err)
	if b.Price != 99.5 || b.Author.Get().Name != "Cid" {
		e.t.Fatalf("after update: %+v", b)
	}
	g, err := em.FindOneOrFail[QBook](e.ctx, f, query.Eq("year", 1990))
	e.must(err)
	if g.Price != 20 {
		e.t.Fatalf("raw update: price %v", g.Price)
	}
	n, err = sqlem.QB[QBook](m, "b").Delete().Where(query.M{"year": query.M{"$gt": 2015}}).Execute(e.ctx)
	e.must(err)
	if n != 1 {
		e.t.Fatalf("delete affected %d rows", n)
	}
	if _, err := sqlem.QB[QTag](m, "t").Delete().Where(query.M{"name": "none"}).Execute(e.ctx); err != nil {
		e.t.Fatal(err)
	}
	// All() means every row.
	_, err = sqlem.QB[QProfile](m, "p").Delete().All().Execute(e.ctx)
	e.must(err)
	c, err := sqlem.QB[QProfile](m, "p").Count(e.ctx)
	e.must(err)
	if c != 0 {
		e.t.Fatalf("%d profiles after deleting all", c)
	}
	// A select cannot be executed, an update cannot be loaded.
	if _, err := sqlem.QB[QBook](m, "b").Execute(e.ctx); err == nil {
		e.t.Fatal("Execute ran a select")
	}
	if _, err := sqlem.QB[QBook](m, "b").Set("year", 1).All().GetResult(e.ctx); err == nil {
		e.t.Fatal("GetResult ran an update")
	}
}

func insertUpsert(e *env) {
	m := e.fork()
	n, err := sqlem.QB[QTag](m, "t").Insert(map[string]any{"name": "new"}, query.M{"name": "newer"}).Execute(e.ctx)
	e.must(err)
	if n != 2 {
		e.t.Fatalf("insert affected %d rows", n)
	}
	n, err = sqlem.QB[QAuthor](m, "a").Insert(&QAuthor{Name: "Dan", Email: "dan@x", Age: 50}).Execute(e.ctx)
	e.must(err)
	if n != 1 {
		e.t.Fatalf("insert of an entity affected %d rows", n)
	}
	// JSON columns, from entities and maps, inserted and updated.
	_, err = sqlem.QB[QBook](m, "b").Insert(
		&QBook{Title: "J1", Year: 1, Author: ref.FromID[QAuthor](e.bob), Meta: map[string]any{"k": "v1"}},
	).Execute(e.ctx)
	e.must(err)
	_, err = sqlem.QB[QBook](m, "b").Insert(
		map[string]any{"title": "J2", "year": 2, "price": 1.5, "author": e.bob, "meta": map[string]any{"k": "v2"}},
	).Execute(e.ctx)
	e.must(err)
	_, err = sqlem.QB[QBook](m, "b").Set("meta", map[string]any{"k": "v3", "n": 1}).Where(query.Eq("title", "J2")).Execute(e.ctx)
	e.must(err)
	js, err := sqlem.QB[QBook](e.fork(), "b").Where(query.M{"year": query.M{"$lt": 3}}).OrderBy("year").GetResult(e.ctx)
	e.must(err)
	if len(js) != 2 || js[0].Meta["k"] != "v1" || js[1].Meta["k"] != "v3" || js[1].Meta["n"] != float64(1) {
		e.t.Fatalf("JSON through the builder: %d rows, %v", len(js), js)
	}
	if _, err := sqlem.QB[QTag](m, "t").Insert(map[string]any{"name": "a"}, map[string]any{"name": "b", "id": 99}).Execute(e.ctx); err == nil ||
		!strings.Contains(err.Error(), "same properties") {
		e.t.Fatalf("rows with different columns: %v", err)
	}
	if _, ok := e.orm.Dialect().(sqlem.Upserter); !ok {
		e.t.Fatalf("the dialect %T has no upsert (sqlem.Upserter)", e.orm.Dialect())
	}
	up := sqlem.QB[QAuthor](m, "a").Insert(
		map[string]any{"name": "Ann Again", "email": "ann@x", "age": 41},
		map[string]any{"name": "Eve", "email": "eve@x", "age": 25},
	)
	_, err = up.OnConflict("email").Merge("name").Execute(e.ctx)
	e.must(err)
	f := e.fork()
	ann, err := em.FindOneOrFail[QAuthor](e.ctx, f, query.Eq("email", "ann@x"))
	e.must(err)
	if ann.Name != "Ann Again" || ann.Age != 40 || ann.ID != e.ann {
		e.t.Fatalf("after upsert: %+v", ann)
	}
	_, err = em.FindOneOrFail[QAuthor](e.ctx, f, query.Eq("email", "eve@x"))
	e.must(err)
	// Merge of every inserted column but the key; Ignore.
	_, err = sqlem.QB[QAuthor](m, "a").Insert(map[string]any{"name": "Bobby", "email": "bob@x", "age": 31}).
		OnConflict("email").Merge().Execute(e.ctx)
	e.must(err)
	n, err = sqlem.QB[QAuthor](m, "a").Insert(map[string]any{"name": "Nope", "email": "bob@x", "age": 1}).
		OnConflict("email").Ignore().Execute(e.ctx)
	e.must(err)
	// Affected counts of an upsert are the database's: 0 on PostgreSQL and
	// SQLite, 1 (the row found) on MySQL, which reports matched rows.
	if n > 1 {
		e.t.Fatalf("an ignored conflict affected %d rows", n)
	}
	bob, err := em.FindOneOrFail[QAuthor](e.ctx, e.fork(), query.Eq("email", "bob@x"))
	e.must(err)
	if bob.Name != "Bobby" || bob.Age != 31 {
		e.t.Fatalf("after merge and ignore: %+v", bob)
	}
	if _, _, err := sqlem.QB[QAuthor](m, "a").Insert(map[string]any{"name": "x", "email": "y"}).OnConflict("email").Merge("age").ToSQL(); err == nil {
		e.t.Fatal("Merge of a column that is not inserted")
	}
}

func iterate(e *env) {
	m := e.fork()
	var got []string
	for b, err := range sqlem.QB[QBook](m, "b").JoinAndSelect("b.author", "a").OrderBy("b.year", "b.title").Iterate(e.ctx) {
		e.must(err)
		if !b.Author.IsLoaded() {
			e.t.Fatal("an iterated book's author is not loaded")
		}
		got = append(got, b.Title)
	}
	if !slices.Equal(got, []string{"Go 1", "Bob's", "Go 2", "SQL", "Go 3"}) {
		e.t.Fatalf("iterated %q", got)
	}
	n := 0
	for b, err := range sqlem.QB[QBook](m, "b").OrderBy("year").Iterate(e.ctx) {
		e.must(err)
		same, err := em.FindOne[QBook](e.ctx, m, query.Eq("id", b.ID))
		e.must(err)
		if same != b {
			e.t.Fatal("an iterated book is not managed")
		}
		if n++; n == 2 {
			break
		}
	}
	// The connection is back in the pool after the break.
	c, err := sqlem.QB[QBook](m, "b").Count(e.ctx)
	e.must(err)
	if c != 5 || n != 2 {
		e.t.Fatalf("count %d after iterating %d", c, n)
	}
	for _, err := range sqlem.QB[QAuthor](m, "a").JoinAndSelect("a.books", "b").Iterate(e.ctx) {
		if err == nil || !strings.Contains(err.Error(), "GetResult") {
			e.t.Fatalf("Iterate over a joined collection: %v", err)
		}
	}
}

func lock(e *env) {
	d := e.orm.Dialect()
	sql, _, err := sqlem.QB[QBook](e.fork(), "b").ForUpdate().ToSQL()
	e.must(err)
	if l := d.Lock(sqlem.LockForUpdate); !strings.HasSuffix(sql, l) {
		e.t.Fatalf("lock clause %q missing: %s", l, sql)
	}
	err = e.fork().Transactional(e.ctx, func(ctx context.Context, tx *sqlem.EntityManager) error {
		bs, err := sqlem.QB[QBook](tx, "b").Where(query.Eq("year", 2000)).SetLock(sqlem.LockForUpdate).OrderBy("id").GetResult(ctx)
		if err != nil {
			return err
		}
		if len(bs) != 2 {
			e.t.Errorf("%d locked books", len(bs))
		}
		bs[0].Price = 1
		_, err = sqlem.QB[QBook](tx, "b").Set("price", 2.0).Where(query.Eq("id", bs[1].ID)).Execute(ctx)
		return err
	})
	e.must(err)
	n, err := sqlem.QB[QBook](e.fork(), "b").Where(query.M{"price": query.M{"$lte": 2}}).Count(e.ctx)
	e.must(err)
	if n != 2 {
		e.t.Fatalf("%d books written in the transaction", n)
	}
}

func immutable(e *env) {
	m := e.fork()
	base := sqlem.QB[QBook](m, "b").Where(query.Eq("year", 2000))
	q1 := base.Where(query.Eq("title", "Go 2"))
	q2 := base.Where(query.Eq("title", "Bob's"))
	bs, err := q1.GetResult(e.ctx)
	e.wantTitles(bs, err, "Go 2")
	bs, err = q2.GetResult(e.ctx)
	e.wantTitles(bs, err, "Bob's")
	bs, err = base.OrderBy("title").GetResult(e.ctx)
	e.wantTitles(bs, err, "Bob's", "Go 2")
	s1, _, _ := q1.ToSQL()
	s0, _, _ := base.ToSQL()
	if s0 == s1 || strings.Count(s1, "title") < 1 {
		e.t.Fatalf("building on a query changed it:\n%s\n%s", s0, s1)
	}
}

func globalRefusedAndUntyped(e *env) {
	_, err := sqlem.QB[QBook](e.orm.EM(), "b").GetResult(e.ctx)
	var ve *gomikro.ValidationError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "global EntityManager") {
		e.t.Fatalf("GetResult on the global EntityManager: %v", err)
	}
	// With a fork in the context, the global EntityManager works on it.
	f := e.fork()
	ctx := em.WithContext(e.ctx, f)
	bs, err := sqlem.QB[QBook](e.orm.EM(), "b").Where(query.Eq("year", 2020)).GetResult(ctx)
	e.wantTitles(bs, err, "Go 3")
	if !f.Contains(bs[0]) {
		e.t.Fatal("the context's fork does not manage the result")
	}
	// The untyped builder.
	m := e.fork()
	for _, ent := range []any{"QBook", QBook{}, &QBook{}} {
		res, err := m.CreateQueryBuilder(ent, "b").JoinAndSelect("b.author", "a").Where(query.M{"a.name": "Bob"}).GetEntities(e.ctx)
		e.must(err)
		if len(res) != 1 {
			e.t.Fatalf("GetEntities: %d", len(res))
		}
		if b, ok := res[0].(*QBook); !ok || b.Title != "Bob's" || !b.Author.IsLoaded() {
			e.t.Fatalf("GetEntities: %#v", res[0])
		}
	}
	n, err := m.CreateQueryBuilder("QAuthor", "a").Count(e.ctx)
	e.must(err)
	if n != 3 {
		e.t.Fatalf("untyped count %d", n)
	}
	if _, err := m.CreateQueryBuilder("Nope", "x").GetEntities(e.ctx); err == nil || !strings.Contains(err.Error(), `"Nope"`) {
		e.t.Fatalf("an unknown entity name: %v", err)
	}
	if _, err := m.CreateQueryBuilder(struct{ X int }{}, "x").GetEntities(e.ctx); err == nil || !strings.Contains(err.Error(), "not a registered entity") {
		e.t.Fatalf("an unregistered struct: %v", err)
	}
	if _, err := m.CreateQueryBuilder("QBook", "b").GetResult(e.ctx); err == nil {
		e.t.Fatal("GetResult on an untyped builder")
	}
}

// textFormKeys: joins, conditions, updates and inserts through a key type
// with a text form.
func textFormKeys(e *env) {
	m := e.fork()
	red, blue := QCode{0xaa, 1, 1}, QCode{0xbb, 2, 2}
	rb, bb := &QBin{Code: red, Name: "red"}, &QBin{Code: blue, Name: "blue"}
	e.must(m.Persist(&QItem{Bin: ref.To(rb), Tag: blue}, &QItem{Bin: ref.To(bb), Tag: red}, &QItem{Tag: red}))
	e.must(m.Persist(rb))
	e.must(m.Flush(e.ctx))

	// A left join whose joined key is a text form, NULL included.
	items, err := sqlem.QB[QItem](e.fork(), "i").LeftJoinAndSelect("i.bin", "b").OrderBy("i.id").GetResult(e.ctx)
	e.must(err)
	if len(items) != 3 || items[0].Bin.Get() == nil || items[0].Bin.Get().Name != "red" || items[1].Bin.Get().Code != blue || items[2].Bin.Get() != nil {
		e.t.Fatalf("items with their bins: %+v", items)
	}
	// A collection joined from the side whose key is a text form, with
	// conditions by value and by text form.
	bins, err := sqlem.QB[QBin](e.fork(), "b").LeftJoinAndSelect("b.items", "i").
		Where(query.M{"i.tag": red, "b.code": query.M{"$in": []any{"bb0202", red}}}).GetResult(e.ctx)
	e.must(err)
	if len(bins) != 1 || bins[0].Code != blue || bins[0].Items.Len() != 1 || bins[0].Items.Items()[0].Tag != red {
		e.t.Fatalf("bins joined with their red-tagged items: %+v", bins)
	}
	// Update and insert by condition with text-form values.
	n, err := sqlem.QB[QItem](m, "i").Set("tag", QCode{1, 2, 3}).Where(query.M{"bin": "aa0101"}).Execute(e.ctx)
	e.must(err)
	if n != 1 {
		e.t.Fatalf("update by a text-form reference: %d rows", n)
	}
	_, err = sqlem.QB[QItem](m, "i").Insert(map[string]any{"bin": blue, "tag": "0c0c0c"}).Execute(e.ctx)
	e.must(err)
	c, err := sqlem.QB[QItem](e.fork(), "i").Where(query.M{"bin": blue, "tag": QCode{0xc, 0xc, 0xc}}).Count(e.ctx)
	e.must(err)
	if c != 1 {
		e.t.Fatalf("the inserted item: %d", c)
	}
	got, err := em.FindOneOrFail[QItem](e.ctx, e.fork(), query.M{"bin": red})
	e.must(err)
	if got.Tag != (QCode{1, 2, 3}) {
		e.t.Fatalf("the updated tag: %x", got.Tag)
	}
}
