package conformance

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/testdb"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/repo"
)

var badInput = []Scenario{
	scenario(BadInputIsAnError),
	scenario(RemoveReferenceWithVersion),
	scenario(ZeroCompositeKeyIsRefused),
	scenario(ClosedORMIsAnError),
	scenario(MaskedLogHidesValues),
}

// Stranger is never registered.
type Stranger struct {
	ID int64 `orm:"pk"`
}

// badCase is one bad input: run must return an error (and never panic);
// check, when set, says what the error must be.
type badCase struct {
	name  string
	run   func() error
	check func(error) bool
}

// isValidation matches a *gomikro.ValidationError.
func isValidation(err error) bool {
	var ve *gomikro.ValidationError
	return errors.As(err, &ve)
}

// mentions returns a check that the error text holds every word.
func mentions(words ...string) func(error) bool {
	return func(err error) bool {
		for _, w := range words {
			if !strings.Contains(err.Error(), w) {
				return false
			}
		}
		return true
	}
}

// walk runs each case as a subtest. A panic is not recovered: it fails
// the run, naming the case.
func walk(t *testing.T, cases []badCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.run()
			if err == nil {
				t.Fatalf("%s: no error", c.name)
			}
			if c.check != nil && !c.check(err) {
				t.Fatalf("%s: unexpected error: %v", c.name, err)
			}
			t.Logf("%s: %v", c.name, err)
		})
	}
}

// BadInputIsAnError walks inputs a user can write by mistake through the
// public API and checks that each is an error, never a panic, and that
// the unit of work stays usable afterwards.
func BadInputIsAnError(t *testing.T, h *Harness) {
	m := h.EM()
	ctx := h.Ctx
	a := &Author{Name: "Ann", Email: "ann@example.com"}
	b := &Book{Title: "Go", Author: ref.To(a)}
	must(t, m.Persist(b))
	must(t, m.Flush(ctx))
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	var nilAuthor *Author
	var nilAny any
	find := func(where query.Filter, opts ...em.FindOption) func() error {
		return func() error {
			_, err := em.Find[Author](ctx, m, where, opts...)
			return err
		}
	}
	findBook := func(where query.Filter, opts ...em.FindOption) func() error {
		return func() error {
			_, err := em.Find[Book](ctx, m, where, opts...)
			return err
		}
	}
	// flushNew persists what mk makes in a fresh fork and flushes it; mk
	// gets the fork's reference to the author a.
	flushNew := func(mk func(a *Author) []any) func() error {
		return func() error {
			f := h.EM()
			ra, err := em.GetReference[Author](f, a.ID)
			if err != nil {
				return err
			}
			if err := f.Persist(mk(ra)...); err != nil {
				return err
			}
			return f.Flush(ctx)
		}
	}
	one := func(obj any) func(*Author) []any { return func(*Author) []any { return []any{obj} } }
	// elsewhere is a's row loaded by another fork.
	elsewhere, err := em.FindOneOrFail[Author](ctx, h.EM(), query.Eq("id", a.ID))
	must(t, err)
	cases := []badCase{
		// Persist and Remove of things that are not entities.
		{"PersistNil", func() error { return m.Persist(nil) }, isValidation},
		{"PersistNilPointer", func() error { return m.Persist(nilAuthor) }, isValidation},
		{"PersistNilInterface", func() error { return m.Persist(nilAny) }, isValidation},
		{"PersistNonPointer", func() error { return m.Persist(Author{Name: "V"}) }, isValidation},
		{"PersistPointerToPointer", func() error { p := &Author{}; return m.Persist(&p) }, isValidation},
		{"PersistInt", func() error { return m.Persist(42) }, isValidation},
		{"PersistString", func() error { return m.Persist("author") }, isValidation},
		{"PersistUnregistered", func() error { return m.Persist(&Stranger{}) }, mentions("Stranger")},
		{"PersistAnonymousStruct", func() error { return m.Persist(&struct{ ID int64 }{}) }, isValidation},
		{"PersistMap", func() error { return m.Persist(&map[string]any{"name": "x"}) }, isValidation},
		{"PersistRef", func() error { r := ref.To(a); return m.Persist(&r) }, isValidation},
		{"RemoveNil", func() error { return m.Remove(nil) }, isValidation},
		{"RemoveNilPointer", func() error { return m.Remove(nilAuthor) }, isValidation},
		{"RemoveNonPointer", func() error { return m.Remove(*a) }, isValidation},
		{"RemoveUnregistered", func() error { return m.Remove(&Stranger{ID: 1}) }, mentions("Stranger")},
		{"RemoveUnmanaged", func() error { return m.Remove(&Author{ID: a.ID, Name: "Ann"}) }, isValidation},
		{"RemoveManagedByAnotherFork", func() error { return h.EM().Remove(a) }, isValidation},
		{"RefreshNil", func() error { return m.Refresh(ctx, nilAuthor) }, isValidation},
		{"RefreshMissingRow", func() error { return m.Refresh(ctx, &Author{ID: 987654}) },
			func(err error) bool { return errors.Is(err, gomikro.ErrNotFound) }},
		{"RefreshNew", func() error { f := h.EM(); n := &Author{Name: "N"}; _ = f.Persist(n); return f.Refresh(ctx, n) }, nil},
		{"AssignNil", func() error { return m.Assign(nil, map[string]any{"name": "x"}) }, isValidation},
		{"AssignUnknownField", func() error { return m.Assign(a, map[string]any{"nope": 1}) }, mentions("nope")},
		{"AssignWrongType", func() error { return m.Assign(a, map[string]any{"name": 42}) }, mentions("Name")},
		{"AssignRefWrongType", func() error { return m.Assign(b, map[string]any{"author": "x"}) }, mentions("Author")},
		{"CreateWrongData", func() error { _, err := em.Create[Author](m, 42); return err }, isValidation},
		{"CreateUnknownField", func() error { _, err := em.Create[Author](m, map[string]any{"nope": 1}); return err }, mentions("nope")},

		// GetReference.
		{"GetReferenceNilKey", func() error { _, err := em.GetReference[Author](m, nil); return err }, isValidation},
		{"GetReferenceWrongKeyType", func() error { _, err := em.GetReference[Author](m, "abc"); return err }, mentions("Author")},
		{"GetReferenceFloatKey", func() error { _, err := em.GetReference[Author](m, 1.5); return err }, mentions("Author")},
		{"GetReferenceOverflow", func() error { _, err := em.GetReference[Author](m, uint64(1<<63)); return err }, mentions("Author")},
		{"GetReferenceStructKey", func() error { _, err := em.GetReference[Author](m, struct{}{}); return err }, mentions("Author")},
		{"GetReferenceSliceKey", func() error { _, err := em.GetReference[Author](m, []int64{1}); return err }, mentions("Author")},
		{"GetReferenceNilPointerKey", func() error { _, err := em.GetReference[Author](m, (*int64)(nil)); return err }, mentions("Author")},
		{"GetReferenceComposite", func() error { _, err := em.GetReference[Edition](m, "x"); return err }, isValidation},
		{"GetReferenceUnregistered", func() error { _, err := em.GetReference[Stranger](m, int64(1)); return err }, mentions("Stranger")},
		{"GetReferenceNonStruct", func() error { _, err := em.GetReference[int](m, int64(1)); return err }, nil},
		{"RepoGetReferenceWrongKeyType", func() error { _, err := repo.Of[Author](m).GetReference(true); return err }, mentions("Author")},

		// Find: unknown properties, operators and values of the wrong type.
		{"FindUnregistered", func() error { _, err := em.Find[Stranger](ctx, m, nil); return err }, mentions("Stranger")},
		{"FindUnknownField", find(query.Eq("nope", 1)), mentions("nope")},
		{"FindUnknownNestedField", find(query.Eq("books.nope", 1)), mentions("nope")},
		{"FindUnknownRelation", find(query.Eq("nope.name", 1)), mentions("nope")},
		{"FindPathThroughScalar", find(query.Eq("name.first", "x")), nil},
		{"FindEmptyPath", find(query.Eq("", 1)), nil},
		{"FindBadOperator", find(query.M{"name": query.M{"$bogus": 1}}), mentions("$bogus")},
		{"FindBadTopOperator", find(query.M{"$bogus": 1}), mentions("$bogus")},
		{"FindOperatorWithoutField", find(query.M{"$gt": 1}), nil},
		{"FindAndNotAList", find(query.M{"$and": 1}), nil},
		{"FindOrOfNonFilters", find(query.M{"$or": []any{1, "x"}}), nil},
		{"FindNotNotAFilter", find(query.M{"$not": 3}), nil},
		{"FindWrongValueType", find(query.Eq("age", "abc")), mentions("Author.Age")},
		{"FindWrongValueTypeBool", find(query.Eq("active", "yes")), nil},
		{"FindWrongValueTypeTime", find(query.Gt("created_at", 12.5)), nil},
		{"FindStructValue", find(query.Eq("name", struct{ X int }{1})), nil},
		{"FindChanValue", find(query.Eq("name", make(chan int))), nil},
		{"FindFuncValue", find(query.Eq("name", func() {})), nil},
		{"FindInNotAList", find(query.M{"id": query.M{"$in": 5}}), nil},
		{"FindInWrongElement", find(query.In("id", "x", "y")), nil},
		{"FindNinWrongElement", find(query.Nin("id", []string{"x"})), nil},
		{"FindLikeOnNumber", find(query.M{"age": query.M{"$like": 5}}), nil},
		{"FindExistsNotBool", find(query.M{"age": query.M{"$exists": "yes"}}), nil},
		{"FindRefWrongKeyType", findBook(query.Eq("author", "abc")), nil},
		{"FindRefWrongEntity", findBook(query.Eq("author", &Tag{ID: 1})), nil},
		{"FindTypedWrongEntity", find(query.Field[Book, string]("title").Eq("Go")), nil},
		{"FindTypedUnknownField", find(query.Field[Author, string]("nope").Eq("x")), mentions("nope")},
		{"FindTypedWrongType", find(query.Field[Author, int]("name").Eq(1)), nil},
		{"FindOrderByUnknown", find(nil, em.OrderBy("nope")), mentions("nope")},
		{"FindOrderByRelation", find(nil, em.OrderBy("books")), mentions("books")},
		{"FindOrderByEmpty", find(nil, em.OrderBy("")), nil},
		{"FindOrderByDash", find(nil, em.OrderBy("-")), nil},
		{"FindPopulateUnknown", find(nil, em.Populate("nope")), mentions("nope")},
		{"FindPopulateScalar", find(nil, em.Populate("name")), mentions("name")},
		{"FindPopulateNestedUnknown", find(nil, em.Populate("books.nope")), mentions("nope")},
		{"FindPopulateEmpty", find(nil, em.Populate("")), nil},
		{"FindPopulateDots", find(nil, em.Populate("books..author")), nil},
		{"FindNegativeLimit", find(nil, em.Limit(-1)), nil},
		{"FindNegativeOffset", find(nil, em.Offset(-5)), nil},
		{"FindLockOfAnotherBackend", find(nil, em.WithLock("FOR UPDATE; DROP TABLE author")), nil},
		{"FindOneUnknownField", func() error { _, err := em.FindOne[Author](ctx, m, query.Eq("nope", 1)); return err }, mentions("nope")},
		{"FindOneOrFailNone", func() error {
			_, err := em.FindOneOrFail[Author](ctx, m, query.Eq("name", "nobody"))
			return err
		}, func(err error) bool { return errors.Is(err, gomikro.ErrNotFound) }},
		{"CountUnknownField", func() error { _, err := em.Count[Author](ctx, m, query.Eq("nope", 1)); return err }, mentions("nope")},
		{"FindAndCountBadOperator", func() error {
			_, _, err := em.FindAndCount[Author](ctx, m, query.M{"name": query.M{"$bogus": 1}})
			return err
		}, mentions("$bogus")},

		// Cancelled context.
		{"FindCancelled", func() error { _, err := em.Find[Author](cancelled, m, nil); return err }, isCanceled},
		{"CountCancelled", func() error { _, err := em.Count[Author](cancelled, m, nil); return err }, isCanceled},
		{"FlushCancelled", func() error {
			f := h.EM()
			must(t, f.Persist(&Author{Name: "Late", Email: "late@example.com"}))
			return f.Flush(cancelled)
		}, isCanceled},
		{"RefreshCancelled", func() error { return m.Refresh(cancelled, a) }, isCanceled},
		{"TransactionalCancelled", func() error {
			return m.Transactional(cancelled, func(ctx context.Context, tx *em.EntityManager) error { return nil })
		}, nil},
		{"RefLoadCancelled", func() error {
			f := h.EM()
			got, err := em.FindOneOrFail[Book](ctx, f, query.Eq("id", b.ID))
			if err != nil {
				return nil // reported as "no error"
			}
			_, err = got.Author.Load(cancelled)
			return err
		}, isCanceled},

		// Transactions used wrongly.
		{"CommitWithoutBegin", func() error { return h.EM().Commit(ctx) }, nil},
		{"RollbackWithoutBegin", func() error { return h.EM().Rollback(ctx) }, nil},
		{"TransactionalNilFunc", func() error { return h.EM().Transactional(ctx, nil) }, nil},

		// Global EntityManager without a fork.
		{"GlobalPersist", func() error { return h.Global.Persist(&Author{Name: "G"}) }, isValidation},
		{"GlobalFind", func() error { _, err := em.Find[Author](ctx, h.Global, nil); return err }, isValidation},

		// Flushes of values the database refuses.
		{"TooLongString", flushNew(one(&Author{Name: strings.Repeat("x", 101), Email: "long@example.com"})),
			func(err error) bool {
				return errors.Is(err, gomikro.ErrCheckViolation) && strings.Contains(err.Error(), "Author.Name")
			}},
		{"TooLongMultibyteString", flushNew(one(&Author{Name: strings.Repeat("é", 101), Email: "long2@example.com"})),
			func(err error) bool {
				return errors.Is(err, gomikro.ErrCheckViolation) && strings.Contains(err.Error(), "Author.Name")
			}},
		{"DuplicateUnique", flushNew(one(&Author{Name: "Dup", Email: a.Email})),
			func(err error) bool { return errors.Is(err, gomikro.ErrUniqueViolation) }},
		{"RequiredRefEmpty", flushNew(one(&Book{Title: "Nobody's"})), mentions("Book.Author")},
		{"JSONNotEncodable", flushNew(func(a *Author) []any {
			return []any{&Book{Title: "Chan", Author: ref.To(a), Meta: map[string]any{"c": make(chan int)}}}
		}),
			mentions("Book.Meta")},
		{"JSONFuncValue", flushNew(func(a *Author) []any {
			return []any{&Book{Title: "Func", Author: ref.To(a), Meta: map[string]any{"f": func() {}}}}
		}),
			mentions("Book.Meta")},
		{"RefFromWrongKeyType", flushNew(one(&Book{Title: "Wrong key", Author: ref.FromID[Author]("not a number")})),
			mentions("Book.Author")},
		{"RefFromFractionID", flushNew(one(&Book{Title: "Fraction", Author: ref.FromID[Author](1.5)})), mentions("Book.Author")},
		{"RefFromNegativeIntoUnsigned", flushNew(one(&Book{Title: "Overflow", Author: ref.FromID[Author](uint64(1 << 63))})), mentions("Book.Author")},
		{"RefFromEntityID", flushNew(one(&Book{Title: "Entity", Author: ref.FromID[Author](elsewhere)})), mentions("Book.Author")},
		{"RefToEntityOfAnotherFork", flushNew(one(&Book{Title: "Detached", Author: ref.To(elsewhere)})), nil},
		{"RefFromZeroID", flushNew(one(&Book{Title: "Zero", Author: ref.FromID[Author](int64(0))})), mentions("Book.Author")},
		{"RefFromZeroIDOtherType", flushNew(one(&Book{Title: "Zero", Author: ref.FromID[Author](0)})), mentions("Book.Author")},
		{"NullableRefFromZeroID", flushNew(func(a *Author) []any {
			return []any{&Book{Title: "Zero publisher", Author: ref.To(a), Publisher: ref.FromID[Publisher](int64(0))}}
		}), mentions("Book.Publisher")},
		{"CompositeKeyRefPartZero", flushNew(func(a *Author) []any {
			return []any{&Review{Book: ref.FromID[Book](int64(0)), Reviewer: ref.To(a), Stars: 1}}
		}), mentions("Review.Book")},
		{"RefFromNilID", flushNew(one(&Book{Title: "Nil key", Author: ref.FromID[Author](nil)})), mentions("Book.Author")},

		// Collections and references of objects no EntityManager manages.
		{"CollectionLoadDetached", func() error { var c ref.Collection[Book]; _, err := c.Load(ctx); return err },
			func(err error) bool { return errors.Is(err, ref.ErrDetached) }},
		{"RefLoadDetached", func() error { r := ref.FromID[Author](int64(1)); _, err := r.Load(ctx); return err },
			func(err error) bool { return errors.Is(err, ref.ErrDetached) }},
		{"RefToRemovedEntity", func() error {
			f := h.EM()
			ra, err := em.FindOneOrFail[Author](ctx, f, query.Eq("id", a.ID))
			if err != nil {
				return nil
			}
			must(t, f.Persist(&Book{Title: "Orphan to be", Author: ref.To(ra)}))
			must(t, f.Remove(ra))
			return f.Flush(ctx)
		}, mentions("Book.Author")},
	}
	walk(t, cases)

	// Collections and references replaced wholesale, or holding nil: no
	// error needed, but no panic, and the flush does what they say.
	f := h.EM()
	fb, err := em.FindOneOrFail[Book](ctx, f, query.Eq("id", b.ID), em.Populate("Tags"))
	must(t, err)
	fb.Tags = ref.NewCollection[Tag]()
	fb.Tags.Add(nil)
	fb.Reviews = ref.Collection[Review]{}
	must(t, f.Flush(ctx))
	fb.Tags = ref.NewCollection(&Tag{Name: "fresh"}, nil)
	must(t, f.Flush(ctx))
	if got, err := em.FindOneOrFail[Book](ctx, h.EM(), query.Eq("id", b.ID), em.Populate("Tags")); err != nil || got.Tags.Len() != 1 {
		t.Fatalf("tags after replacing the collection: %v", err)
	}
	fb.Author = ref.Ref[Author]{}
	if err := f.Flush(ctx); !errors.Is(err, gomikro.ErrNotNullViolation) {
		t.Fatalf("emptying a required reference: %v", err)
	}
	fb.Author = ref.To(a)
	if err := f.Flush(ctx); err == nil {
		t.Log("a reference to an object of another fork was flushed")
	}

	// The fork that saw all of this still works.
	b.Title = "Go 2"
	must(t, m.Flush(ctx))
	got, err := em.FindOneOrFail[Book](ctx, h.EM(), query.Eq("id", b.ID))
	must(t, err)
	if got.Title != "Go 2" {
		t.Fatalf("title %q after the bad inputs, want Go 2", got.Title)
	}
	if n, err := em.Count[Author](ctx, h.EM(), nil); err != nil || n != 1 {
		t.Fatalf("%d authors (%v) after the bad inputs, want 1", n, err)
	}
}

func isCanceled(err error) bool { return errors.Is(err, context.Canceled) }

// RemoveReferenceWithVersion checks that a versioned entity obtained by
// GetReference (no version known) can be removed: the row goes without a
// version check. With a version set on the reference, the version is
// checked.
func RemoveReferenceWithVersion(t *testing.T, h *Harness) {
	m := h.EM()
	a := &Author{Name: "Ann", Email: "ann@example.com"}
	b1 := &Book{Title: "One", Author: ref.To(a)}
	b2 := &Book{Title: "Two", Author: ref.To(a)}
	b3 := &Book{Title: "Three", Author: ref.To(a)}
	must(t, m.Persist(b1, b2, b3))
	must(t, m.Flush(h.Ctx))
	b2.Title = "Two, again" // version 2
	must(t, m.Flush(h.Ctx))

	f := h.EM()
	r1, err := em.GetReference[Book](f, b1.ID)
	must(t, err)
	must(t, f.Remove(r1))
	must(t, f.Flush(h.Ctx))
	if n, _ := em.Count[Book](h.Ctx, h.EM(), query.Eq("id", b1.ID)); n != 0 {
		t.Fatal("the removed reference's row is still there")
	}

	// A version set on the reference is the one expected.
	f = h.EM()
	r2, err := em.GetReference[Book](f, b2.ID)
	must(t, err)
	r2.Version = 1 // stale: the row is at 2
	must(t, f.Remove(r2))
	err = f.Flush(h.Ctx)
	if !errors.Is(err, gomikro.ErrOptimisticLock) {
		t.Fatalf("removing a reference with a stale version: %v, want ErrOptimisticLock", err)
	}
	r2.Version = 2
	must(t, f.Flush(h.Ctx))
	if n, _ := em.Count[Book](h.Ctx, h.EM(), query.Eq("id", b2.ID)); n != 0 {
		t.Fatal("the removed reference's row is still there")
	}

	// A reference and a loaded entity of the same type in one flush.
	f = h.EM()
	loaded, err := em.FindOneOrFail[Book](h.Ctx, f, query.Eq("id", b3.ID))
	must(t, err)
	gone, err := em.GetReference[Book](f, int64(987654)) // no such row
	must(t, err)
	must(t, f.Remove(loaded, gone))
	must(t, f.Flush(h.Ctx))
	if n, _ := em.Count[Book](h.Ctx, h.EM(), nil); n != 0 {
		t.Fatalf("%d books left", n)
	}
}

// ZeroCompositeKeyIsRefused checks that a new entity whose composite
// primary key is unset (every part zero, or a reference part empty) is
// refused at flush with an error naming the entity and its key fields,
// and that nothing of that flush is written.
func ZeroCompositeKeyIsRefused(t *testing.T, h *Harness) {
	m := h.EM()
	a := &Author{Name: "Ann", Email: "ann@example.com"}
	b := &Book{Title: "Go", Author: ref.To(a)}
	must(t, m.Persist(b))
	must(t, m.Flush(h.Ctx))

	cases := []badCase{
		{"ZeroPlainKey", func() error {
			f := h.EM()
			must(t, f.Persist(&Author{Name: "Bo", Email: "bo@example.com"}, &Edition{Copies: 3}))
			return f.Flush(h.Ctx)
		}, mentions("Edition", "ISBN", "Printing")},
		{"ZeroRefKeyParts", func() error {
			f := h.EM()
			must(t, f.Persist(&Review{Stars: 5}))
			return f.Flush(h.Ctx)
		}, mentions("Review", "Book")},
		{"OneRefKeyPartEmpty", func() error {
			f := h.EM()
			bk, err := em.GetReference[Book](f, b.ID)
			must(t, err)
			must(t, f.Persist(&Review{Book: ref.To(bk), Stars: 5}))
			return f.Flush(h.Ctx)
		}, mentions("Review", "Reviewer")},
	}
	walk(t, cases)
	for _, c := range cases {
		var ve *gomikro.ValidationError
		var ce *gomikro.ConstraintError
		if err := c.run(); !errors.As(err, &ve) && !errors.As(err, &ce) {
			t.Fatalf("%s: %T %v, want a ValidationError or ConstraintError", c.name, err, err)
		}
	}
	if n, _ := em.Count[Author](h.Ctx, h.EM(), nil); n != 1 {
		t.Fatalf("%d authors: a refused flush wrote", n)
	}
	if n, _ := em.Count[Edition](h.Ctx, h.EM(), nil); n != 0 {
		t.Fatalf("%d editions written with a zero key", n)
	}

	// A key with one zero part is a key.
	f := h.EM()
	must(t, f.Persist(&Edition{ISBN: "978-0", Copies: 1}, &Edition{Printing: 1, Copies: 1}))
	must(t, f.Flush(h.Ctx))
	if n, _ := em.Count[Edition](h.Ctx, h.EM(), nil); n != 2 {
		t.Fatalf("%d editions, want 2", n)
	}
	// References to new entities get their keys in the flush.
	f = h.EM()
	na := &Author{Name: "Cy", Email: "cy@example.com"}
	nb := &Book{Title: "New", Author: ref.To(na)}
	must(t, f.Persist(&Review{Book: ref.To(nb), Reviewer: ref.To(na), Stars: 4}))
	must(t, f.Flush(h.Ctx))
	if n, _ := em.Count[Review](h.Ctx, h.EM(), nil); n != 1 {
		t.Fatalf("%d reviews, want 1", n)
	}
}

// ClosedORMIsAnError checks that an ORM used after Close returns errors.
func ClosedORMIsAnError(t *testing.T, h *Harness) {
	g := h.Open(gomikro.Config{})
	m := g.Fork()
	a := &Author{Name: "Ann", Email: "ann@example.com"}
	must(t, m.Persist(a))
	must(t, m.Flush(h.Ctx))
	must(t, g.Driver().Close())
	walk(t, []badCase{
		{"Find", func() error { _, err := em.Find[Author](h.Ctx, g.Fork(), nil); return err }, nil},
		{"Count", func() error { _, err := em.Count[Author](h.Ctx, g.Fork(), nil); return err }, nil},
		{"Flush", func() error {
			f := g.Fork()
			must(t, f.Persist(&Author{Name: "Bo", Email: "bo@example.com"}))
			return f.Flush(h.Ctx)
		}, nil},
		{"FlushUpdate", func() error { a.Name = "Ann 2"; return m.Flush(h.Ctx) }, nil},
		{"Refresh", func() error { return m.Refresh(h.Ctx, a) }, nil},
		{"Transactional", func() error {
			return g.Fork().Transactional(h.Ctx, func(ctx context.Context, tx *em.EntityManager) error { return nil })
		}, nil},
		{"Ping", func() error { return g.Driver().Ping(h.Ctx) }, nil},
	})
}

// MaskedLogHidesValues checks that with Config.MaskParams no value of a
// failed statement reaches the log, not even through the driver's error
// message (a unique violation quotes the duplicate value on MariaDB,
// SQLite and MongoDB), while the failure itself is logged.
func MaskedLogHidesValues(t *testing.T, h *Harness) {
	var buf testdb.Buffer
	g := h.Open(gomikro.Config{
		Logger:     slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})),
		MaskParams: true,
	})
	const secret = "S3CRET-7f9c2a"
	m := g.Fork()
	must(t, m.Persist(&Author{Name: "Ann", Email: secret + "@example.com"}))
	must(t, m.Flush(h.Ctx))
	for i, mk := range []func() any{
		func() any { return &Author{Name: "Bob", Email: secret + "@example.com"} }, // unique email
		func() any { return &Tag{Name: secret} },                                   // unique name, then again
	} {
		f := g.Fork()
		must(t, f.Persist(mk()))
		if i == 1 {
			must(t, f.Flush(h.Ctx))
			f = g.Fork()
			must(t, f.Persist(mk()))
		}
		if err := f.Flush(h.Ctx); !errors.Is(err, gomikro.ErrUniqueViolation) {
			t.Fatalf("duplicate: %v, want ErrUniqueViolation", err)
		}
	}
	// A long value, which servers cut short in their messages.
	long := secret + strings.Repeat("x", 150)
	f := g.Fork()
	must(t, f.Persist(&Publisher{Name: long[:100]}))
	must(t, f.Flush(h.Ctx))
	f = g.Fork()
	must(t, f.Persist(&Publisher{Name: long[:100]}))
	if err := f.Flush(h.Ctx); !errors.Is(err, gomikro.ErrUniqueViolation) {
		t.Fatalf("duplicate publisher: %v, want ErrUniqueViolation", err)
	}
	// Lookups by the value.
	if _, err := em.Find[Author](h.Ctx, g.Fork(), query.Eq("email", secret+"@example.com")); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "level=WARN") || !strings.Contains(out, "error=") {
		t.Fatalf("the failures were not logged:\n%s", out)
	}
	for _, leak := range []string{secret, "S3CRET", "7f9c2a"} {
		if strings.Contains(out, leak) {
			t.Fatalf("the masked log holds %q:\n%s", leak, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "level=WARN") {
			t.Log(line)
		}
	}
}
