package qbtest

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/testdb"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/sqlem"
)

// badQB is one misuse of the query builder or of raw SQL: run must return
// an error (never panic: nothing is recovered), which holds want when set;
// with want mayPass, a server may also accept it.
type badQB struct {
	name string
	run  func() error
	want string
}

const mayPass = "\x00may pass"

func (e *env) walk(cases []badQB) {
	e.t.Helper()
	for _, c := range cases {
		err := c.run()
		switch {
		case c.want == mayPass:
			e.t.Logf("%s: %v", c.name, err)
		case err == nil:
			e.t.Errorf("%s: no error", c.name)
		case c.want != "" && !strings.Contains(err.Error(), c.want):
			e.t.Errorf("%s: %v; want an error containing %q", c.name, err, c.want)
		default:
			e.t.Logf("%s: %v", c.name, err)
		}
	}
}

// notSQL is a type that is not an entity.
type notSQL struct{ X int }

// badUsage walks misuses of the query builder and of Execute, and checks
// that each is an error and that the ORM works afterwards.
func badUsage(e *env) {
	m := e.fork()
	ctx := e.ctx
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	sqlOf := func(q interface{ ToSQL() (string, []any, error) }) func() error {
		return func() error { _, _, err := q.ToSQL(); return err }
	}
	result := func(q *sqlem.QueryBuilder[QBook]) func() error {
		return func() error { _, err := q.GetResult(ctx); return err }
	}
	exec := func(q interface {
		Execute(context.Context) (int64, error)
	}) func() error {
		return func() error { _, err := q.Execute(ctx); return err }
	}
	qb := func() *sqlem.QueryBuilder[QBook] { return sqlem.QB[QBook](m, "b") }
	e.walk([]badQB{
		// Entities and aliases.
		{"NotAnEntity", sqlOf(sqlem.QB[notSQL](m, "n")), "notSQL"},
		{"UntypedUnknownName", sqlOf(m.CreateQueryBuilder("Nope", "n")), "Nope"},
		{"UntypedNil", sqlOf(m.CreateQueryBuilder(nil, "n")), ""},
		{"UntypedInt", sqlOf(m.CreateQueryBuilder(42, "n")), ""},
		{"EmptyAlias", sqlOf(sqlem.QB[QBook](m, "")), ""},
		{"AliasWithQuote", sqlOf(sqlem.QB[QBook](m, `b"; DROP TABLE q_book; --`)), ""},
		{"UnknownAliasInWhere", sqlOf(qb().Where(query.M{"x.title": "Go"})), "x"},
		{"UnknownAliasInSelect", sqlOf(qb().Select("x.title")), "x"},
		{"UnknownAliasInOrderBy", sqlOf(qb().OrderBy("x.title")), "x"},
		{"UnknownAliasInGroupBy", sqlOf(qb().Select("b.year").GroupBy("x.year")), "x"},
		{"DuplicateJoinAlias", sqlOf(qb().Join("b.author", "a").Join("b.tags", "a")), "a"},
		{"JoinAliasIsRoot", sqlOf(qb().Join("b.author", "b")), ""},
		{"JoinUnknownRelation", sqlOf(qb().Join("b.nope", "n")), "nope"},
		{"JoinScalar", sqlOf(qb().Join("b.title", "t")), "title"},
		{"JoinUnknownParent", sqlOf(qb().Join("x.author", "a")), "x"},
		{"JoinOnUnknownField", sqlOf(qb().JoinOn("b.author", "a", query.M{"nope": 1})), "nope"},

		// Properties and operators.
		{"WhereUnknownField", sqlOf(qb().Where(query.M{"nope": 1})), "nope"},
		{"WhereBadOperator", sqlOf(qb().Where(query.M{"title": query.M{"$bogus": 1}})), "$bogus"},
		{"WhereWrongType", sqlOf(qb().Where(query.Eq("year", "x"))), "Year"},
		{"WhereUnsupportedFilter", sqlOf(qb().Where(notFilter{})), ""},
		{"OrderByUnknown", sqlOf(qb().OrderBy("nope")), "nope"},
		{"OrderByEmpty", sqlOf(qb().OrderBy("")), ""},
		{"OrderByInjection", sqlOf(qb().OrderBy("title; DROP TABLE q_book")), ""},
		{"SelectUnknown", sqlOf(qb().Select("nope")), "nope"},
		{"SelectInjection", sqlOf(qb().Select("b.title FROM q_book; --")), ""},
		{"GroupByUnknown", sqlOf(qb().Select("b.year").GroupBy("nope")), "nope"},
		{"HavingUnknown", sqlOf(qb().Select("b.year").GroupBy("b.year").Having(query.M{"nope": 1})), "nope"},
		{"PopulateUnknown", result(qb().Populate("nope")), "nope"},
		{"PopulateScalar", result(qb().Populate("title")), "title"},
		{"WhereColumnsBadOp", sqlOf(qb().WhereColumns("b.year", "LIKE", "b.price")), "LIKE"},
		{"WhereColumnsUnknown", sqlOf(qb().WhereColumns("b.year", "=", "b.nope")), "nope"},
		{"WhereInNil", sqlOf(qb().WhereIn("b.author", nil)), ""},
		{"WhereExistsNil", sqlOf(qb().WhereExists(nil)), ""},
		{"WhereInUnknown", sqlOf(qb().WhereIn("b.nope", sqlem.QB[QAuthor](m, "a").Select("a.id"))), "nope"},
		{"NegativeLimit", sqlOf(qb().Limit(-1)), ""},
		{"NegativeOffset", sqlOf(qb().Offset(-1)), ""},
		{"BadLockMode", sqlOf(qb().SetLock(sqlem.LockMode(200))), ""},

		// Raw fragments.
		{"WhereRawTooFewArgs", sqlOf(qb().WhereRaw("b.year = ? AND b.price = ?", 1)), "placeholders"},
		{"WhereRawTooManyArgs", sqlOf(qb().WhereRaw("b.year = ?", 1, 2)), "placeholders"},
		{"SelectRawTooFewArgs", sqlOf(qb().SelectRaw("x", "? + ?", 1)), "placeholders"},
		{"HavingRawTooFewArgs", sqlOf(qb().Select("b.year").GroupBy("b.year").HavingRaw("count(*) > ?")), "placeholders"},
		{"SetRawTooFewArgs", sqlOf(qb().SetRaw("price", "price * ?").All()), "placeholders"},
		{"WhereRawBadSQL", result(qb().WhereRaw("this is not SQL")), ""},

		// Updates and deletes.
		{"DeleteWithoutWhere", exec(qb().Delete()), "without a condition"},
		{"UpdateWithoutWhere", exec(qb().Set("price", 1.0)), "without a condition"},
		{"UpdateNothing", exec(qb().Update(map[string]any{}).All()), "nothing to set"},
		{"UpdateNil", exec(qb().Update(nil).All()), ""},
		{"UpdateUnknownField", exec(qb().Set("nope", 1).All()), "nope"},
		{"UpdateCollection", exec(qb().Set("tags", 1).All()), "tags"},
		{"UpdateWrongType", exec(qb().Set("year", "x").All()), "Year"},
		{"UpdateTooLong", exec(qb().Set("title", strings.Repeat("x", 201)).Where(query.Eq("year", 1990))), "QBook.Title"},
		{"UpdateRefWrongKey", exec(qb().Set("author", "x").All()), "Author"},
		{"UpdateRefWrongEntity", exec(qb().Set("author", &QTag{ID: 1}).All()), "Author"},
		{"UpdateJSONChan", exec(qb().Set("meta", map[string]any{"c": make(chan int)}).All()), "Meta"},
		{"SetRawUnknownField", exec(qb().SetRaw("nope", "1").All()), "nope"},
		{"DeleteWithSet", exec(qb().Set("price", 1.0).Delete().All()), ""},
		{"DeleteWithJoin", exec(qb().Delete().Join("b.author", "a").Where(query.M{"a.name": "Ann"})), "join"},
		{"DeleteWithLimit", exec(qb().Delete().Limit(1).All()), ""},
		{"ExecuteSelect", exec(qb()), ""},
		{"GetResultOfDelete", result(qb().Delete().All()), ""},

		// Inserts.
		{"InsertNothing", exec(qb().Insert()), ""},
		{"InsertNil", exec(qb().Insert(nil)), ""},
		{"InsertWrongEntity", exec(qb().Insert(&QTag{Name: "x"})), ""},
		{"InsertInt", exec(qb().Insert(42)), ""},
		{"InsertUnknownField", exec(qb().Insert(map[string]any{"nope": 1})), "nope"},
		{"InsertWrongType", exec(qb().Insert(map[string]any{"title": 5, "author": e.ann})), "Title"},
		{"InsertTooLong", exec(qb().Insert(map[string]any{"title": strings.Repeat("x", 201), "year": 1, "author": e.ann})), "QBook.Title"},
		{"InsertEntityTooLong", exec(qb().Insert(&QBook{Title: strings.Repeat("x", 201), Author: ref.FromID[QAuthor](e.ann)})), "QBook.Title"},
		{"InsertRefWrongKey", exec(qb().Insert(&QBook{Title: "x", Author: ref.FromID[QAuthor]("x")})), "Author"},
		{"InsertJSONChan", exec(qb().Insert(&QBook{Title: "x", Author: ref.FromID[QAuthor](e.ann), Meta: map[string]any{"c": make(chan int)}})), "Meta"},
		{"OnConflictUnknown", exec(sqlem.QB[QTag](m, "t").Insert(map[string]any{"name": "go"}).OnConflict("nope").Ignore()), "nope"},
		{"MergeUnknown", exec(sqlem.QB[QTag](m, "t").Insert(map[string]any{"name": "go"}).OnConflict("name").Merge("nope")), "nope"},
		{"DuplicateInsert", exec(sqlem.QB[QTag](m, "t").Insert(map[string]any{"name": "go"})), ""},

		// Raw statements.
		{"ExecuteBadSQL", func() error { _, err := m.Execute(ctx, "THIS IS NOT SQL"); return err }, ""},
		{"ExecuteEmpty", func() error { _, err := m.Execute(ctx, ""); return err }, ""},
		{"ExecuteBlank", func() error { _, err := m.Execute(ctx, " \n\t"); return err }, ""},
		{"ExecuteSemicolon", func() error { _, err := m.Execute(ctx, ";"); return err }, mayPass},
		{"ExecuteComment", func() error { _, err := m.Execute(ctx, "-- nothing"); return err }, mayPass},
		{"ExecuteUnknownTable", func() error { _, err := m.Execute(ctx, "DELETE FROM no_such_table"); return err }, ""},
		{"ExecuteTooFewArgs", func() error { _, err := m.Execute(ctx, "UPDATE q_book SET year = ? WHERE id = ?", 1); return err }, ""},
		{"ExecuteUnsupportedArg", func() error {
			_, err := m.Execute(ctx, "UPDATE q_book SET year = ? WHERE id = 0", make(chan int))
			return err
		}, ""},
		{"ExecuteUniqueViolation", func() error {
			_, err := m.Execute(ctx, "UPDATE q_tag SET name = ? WHERE name = ?", "go", "sql")
			return err
		}, ""},

		// Cancelled context.
		{"GetResultCancelled", func() error { _, err := qb().GetResult(cancelled); return err }, ""},
		{"CountCancelled", func() error { _, err := qb().Count(cancelled); return err }, ""},
		{"ExecuteCancelled", func() error { _, err := qb().Delete().All().Execute(cancelled); return err }, ""},
		{"RawCancelled", func() error { _, err := m.Execute(cancelled, "DELETE FROM q_book"); return err }, ""},
		{"ScanCancelled", func() error {
			_, err := sqlem.Scan[struct{ Year int }](cancelled, qb().Select("b.year"))
			return err
		}, ""},
		{"IterateCancelled", func() error {
			for _, err := range qb().Iterate(cancelled) {
				if err != nil {
					return err
				}
			}
			return nil
		}, ""},

		// Scans into the wrong shapes.
		{"ScanIntoInt", func() error { _, err := sqlem.Scan[int](ctx, qb().Select("b.year", "b.title")); return err }, ""},
		{"ScanUnknownColumn", func() error {
			_, err := sqlem.Scan[struct{ Nope int }](ctx, qb().Select("b.year"))
			return err
		}, ""},
		{"ScanWrongType", func() error {
			_, err := sqlem.Scan[struct{ Title int }](ctx, qb().Select("b.title"))
			return err
		}, ""},
		{"ScalarOfTwoColumns", func() error { _, err := sqlem.Scalar[int](ctx, qb().Select("b.year", "b.price")); return err }, ""},
		{"ScalarWrongType", func() error { _, err := sqlem.Scalar[int](ctx, qb().Select("b.title")); return err }, ""},

		// The global EntityManager.
		{"GlobalGetResult", func() error { _, err := sqlem.QB[QBook](e.orm.EM(), "b").GetResult(ctx); return err }, "global"},
	})

	// Nothing above changed the data.
	f := e.fork()
	if n, err := sqlem.QB[QBook](f, "b").Count(ctx); err != nil || n != 5 {
		e.t.Fatalf("%d books (%v) after the bad statements, want 5", n, err)
	}
	tags, err := em.Find[QTag](ctx, f, nil, em.OrderBy("name"))
	e.must(err)
	if len(tags) != 3 || tags[0].Name != "go" || tags[2].Name != "sql" {
		e.t.Fatalf("tags after the bad statements: %d", len(tags))
	}
}

// closedORM checks that the query builder and Execute of a closed ORM
// return errors.
func closedORM(e *env) {
	m := e.fork()
	ctx := e.ctx
	e.must(e.orm.Close())
	e.walk([]badQB{
		{"GetResult", func() error { _, err := sqlem.QB[QBook](m, "b").GetResult(ctx); return err }, ""},
		{"Count", func() error { _, err := sqlem.QB[QBook](m, "b").Count(ctx); return err }, ""},
		{"Execute", func() error { _, err := sqlem.QB[QBook](m, "b").Delete().All().Execute(ctx); return err }, ""},
		{"Raw", func() error { _, err := m.Execute(ctx, "DELETE FROM q_book"); return err }, ""},
		{"Transactional", func() error {
			return m.Transactional(ctx, func(ctx context.Context, tx *sqlem.EntityManager) error { return nil })
		}, ""},
		{"Connected", func() error {
			if e.orm.IsConnected(ctx) {
				return nil
			}
			return errors.New("not connected")
		}, ""},
		{"CheckConnection", func() error {
			if st := e.orm.CheckConnection(ctx); !st.OK {
				return errors.New(st.Reason)
			}
			return nil
		}, ""},
		{"CreateSchema", func() error { return e.orm.Schema().CreateSchema(ctx) }, ""},
	})
}

// notFilter is a query.Filter of a type the parser does not know.
type notFilter struct{ query.Filter }

// maskedErrors checks that with MaskParams the values of failed
// statements stay out of the log, also where the server copies them
// into its message (a duplicate key, a value of the wrong type).
func maskedErrors(e *env) {
	var buf testdb.Buffer
	orm := e.open(gomikro.Config{
		Logger:     slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})),
		MaskParams: true,
	})
	m := orm.EM().Fork()
	ctx := e.ctx
	const secret = "S3CRET-b81d"
	tag := sqlem.QB[QTag](m, "t").Insert(map[string]any{"name": secret})
	_, err := tag.Execute(ctx)
	e.must(err)
	if _, err := tag.Execute(ctx); !errors.Is(err, gomikro.ErrUniqueViolation) {
		e.t.Fatalf("duplicate tag: %v", err)
	}
	// Values the column cannot take, through raw statements.
	d := orm.Dialect()
	upd := "UPDATE " + d.QuoteIdent("q_author") + " SET " + d.QuoteIdent("age") + " = " + d.Placeholder(1)
	_, _ = m.Execute(ctx, upd, secret) // SQLite takes it (type affinity); the others refuse it quoting the value
	ins := "INSERT INTO " + d.QuoteIdent("q_tag") + " (" + d.QuoteIdent("name") + ") VALUES (" + d.Placeholder(1) + ")"
	if _, err := m.Execute(ctx, ins, secret); !errors.Is(err, gomikro.ErrUniqueViolation) {
		e.t.Fatalf("duplicate tag by a raw insert: %v", err)
	}
	out := buf.String()
	if !strings.Contains(out, `"level":"WARN"`) {
		e.t.Fatalf("no failure logged:\n%s", out)
	}
	for _, leak := range []string{secret, "S3CRET", "b81d"} {
		if strings.Contains(out, leak) {
			e.t.Fatalf("the masked log holds %q:\n%s", leak, out)
		}
	}
}
