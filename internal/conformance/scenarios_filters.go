package conformance

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
)

var filters = []Scenario{
	scenario(SoftDeleteRemoveWritesTimestamp),
	scenario(SoftDeletePopulate),
	scenario(FiltersWithParameters),
	scenario(FiltersDefaultAndPerEntity),
}

// Folder holds documents of one tenant; it is soft-deleted.
type Folder struct {
	ID        int64                  `orm:"pk"`
	Tenant    string                 `orm:"length=20"`
	Name      string                 `orm:"length=100"`
	Docs      ref.Collection[Doc]    `orm:"mappedBy=Folder"`
	Labels    ref.Collection[Marker] `orm:"m:n"`
	DeletedAt *time.Time             `orm:"softDelete"`
}

// Doc is a tenant's document in a folder; it is soft-deleted.
type Doc struct {
	ID        int64           `orm:"pk"`
	Tenant    string          `orm:"length=20"`
	Title     string          `orm:"length=100"`
	Folder    ref.Ref[Folder] `orm:"nullable"`
	DeletedAt *time.Time      `orm:"softDelete"`
}

// Marker tags folders (m:n); it has no tenant, and is soft-deleted.
type Marker struct {
	ID        int64      `orm:"pk"`
	Name      string     `orm:"length=50,unique"`
	DeletedAt *time.Time `orm:"softDelete"`
}

// filterEntities is the model of the filter scenarios.
func filterEntities() []any { return []any{Folder{}, Doc{}, Marker{}} }

// tenantFilter applies to every entity with a Tenant field.
var tenantFilter = gomikro.Filter{
	Name:   "tenant",
	Params: []string{"tenant"},
	Cond: func(e *meta.Entity, p gomikro.FilterParams) (query.Filter, error) {
		if _, ok := e.Field("Tenant"); !ok {
			return nil, nil
		}
		return query.Eq("tenant", p["tenant"]), nil
	},
}

// docTitles returns the sorted titles of ds.
func docTitles(ds []*Doc) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Title
	}
	slices.Sort(out)
	return out
}

func wantTitles(t *testing.T, what string, got []*Doc, err error, want ...string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if g := docTitles(got); !slices.Equal(g, sorted(want...)) {
		t.Fatalf("%s: got %q, want %q", what, g, sorted(want...))
	}
}

// folderFixture writes two folders of tenants a and b with documents and
// labels.
func folderFixture(t *testing.T, h *Harness, g *em.EntityManager) (fa, fb *Folder) {
	t.Helper()
	m := g.Fork()
	red, blue := &Marker{Name: "red"}, &Marker{Name: "blue"}
	fa = &Folder{Tenant: "a", Name: "A", Labels: ref.NewCollection(red, blue)}
	fb = &Folder{Tenant: "b", Name: "B", Labels: ref.NewCollection(red)}
	must(t, m.Persist(fa, fb,
		&Doc{Tenant: "a", Title: "a1", Folder: ref.To(fa)},
		&Doc{Tenant: "a", Title: "a2", Folder: ref.To(fa)},
		&Doc{Tenant: "a", Title: "a3", Folder: ref.To(fa)},
		&Doc{Tenant: "b", Title: "b1", Folder: ref.To(fb)},
	))
	must(t, m.Flush(h.Ctx))
	return fa, fb
}

// SoftDeleteRemoveWritesTimestamp: Remove of an entity with a softDelete
// field sets it in the flush (an UPDATE, the row stays); finds and counts
// skip such rows unless WithDeleted; a new entity removed before any
// flush is just forgotten.
func SoftDeleteRemoveWritesTimestamp(t *testing.T, h *Harness) {
	g := h.openCounted(gomikro.Config{Entities: filterEntities()})
	folderFixture(t, h, g)
	m := g.Fork()
	d, err := em.FindOneOrFail[Doc](h.Ctx, m, query.Eq("title", "a2"))
	must(t, err)
	must(t, m.Remove(d))
	if d.DeletedAt != nil {
		t.Fatal("Remove set DeletedAt before the flush")
	}
	before := time.Now().Add(-time.Minute)
	must(t, m.Flush(h.Ctx))
	if d.DeletedAt == nil || d.DeletedAt.Before(before) {
		t.Fatalf("DeletedAt after the flush: %v", d.DeletedAt)
	}
	if !m.Contains(d) {
		t.Fatal("the soft-deleted entity left the identity map")
	}
	// A second flush writes nothing.
	n := h.Count()
	must(t, m.Flush(h.Ctx))
	if h.Count() != n {
		t.Fatalf("a flush after the soft delete sent %d statements", h.Count()-n)
	}

	// The unit of work that soft-deleted it still holds it, but a find by
	// key goes through the filter, not the identity map.
	if same, err := em.FindOne[Doc](h.Ctx, m, query.Eq("id", d.ID)); err != nil || same != nil {
		t.Fatalf("FindOne by key of the soft-deleted entity in its own unit of work: %+v, %v; want nil", same, err)
	}

	r := g.Fork()
	all, err := em.FindAll[Doc](h.Ctx, r)
	wantTitles(t, "FindAll", all, err, "a1", "a3", "b1")
	all, err = em.FindAll[Doc](h.Ctx, r, em.WithDeleted())
	wantTitles(t, "FindAll WithDeleted", all, err, "a1", "a2", "a3", "b1")
	gone, err := em.FindOne[Doc](h.Ctx, g.Fork(), query.Eq("id", d.ID))
	must(t, err)
	if gone != nil {
		t.Fatalf("FindOne of the soft-deleted row: %+v", gone)
	}
	back, err := em.FindOne[Doc](h.Ctx, g.Fork(), query.Eq("id", d.ID), em.WithDeleted())
	must(t, err)
	if back == nil || back.DeletedAt == nil || !back.DeletedAt.Equal(*d.DeletedAt) {
		t.Fatalf("FindOne WithDeleted: %+v (want DeletedAt %v)", back, d.DeletedAt)
	}
	// The deleted rows are those with the field set, filterable as usual.
	deleted, err := em.Find[Doc](h.Ctx, r, query.M{"deletedAt": query.M{"$ne": nil}}, em.WithDeleted())
	wantTitles(t, "Find deletedAt != nil", deleted, err, "a2")
	for _, c := range []struct {
		opts []em.FindOption
		want int64
	}{{nil, 3}, {[]em.FindOption{em.WithDeleted()}, 4}, {[]em.FindOption{em.WithoutFilters()}, 4}} {
		n, err := em.Count[Doc](h.Ctx, r, nil, c.opts...)
		must(t, err)
		if n != c.want {
			t.Fatalf("Count with %d options: %d, want %d", len(c.opts), n, c.want)
		}
	}
	page, total, err := em.FindAndCount[Doc](h.Ctx, r, query.Eq("tenant", "a"), em.Limit(1), em.OrderBy("title"))
	must(t, err)
	if total != 2 || len(page) != 1 || page[0].Title != "a1" {
		t.Fatalf("FindAndCount: %d, %v", total, docTitles(page))
	}

	// Removing a new entity before it was flushed forgets it.
	w := g.Fork()
	fresh := &Doc{Tenant: "a", Title: "never"}
	must(t, w.Persist(fresh))
	must(t, w.Remove(fresh))
	must(t, w.Flush(h.Ctx))
	if fresh.DeletedAt != nil || fresh.ID != 0 {
		t.Fatalf("a new entity removed before the flush: %+v", fresh)
	}
	// Remove then Persist again cancels the soft delete.
	d3, err := em.FindOneOrFail[Doc](h.Ctx, w, query.Eq("title", "a3"))
	must(t, err)
	must(t, w.Remove(d3))
	must(t, w.Persist(d3))
	must(t, w.Flush(h.Ctx))
	if d3.DeletedAt != nil {
		t.Fatal("Persist after Remove still soft-deleted")
	}
	if n, err := em.Count[Doc](h.Ctx, g.Fork(), nil); err != nil || n != 3 {
		t.Fatalf("Count after a cancelled removal: %d, %v", n, err)
	}
	// A flush that fails puts the soft delete back: DeletedAt unset, the
	// entity still removed, so the next flush writes it.
	v := g.Fork()
	d1, err := em.FindOneOrFail[Doc](h.Ctx, v, query.Eq("title", "a1"))
	must(t, err)
	dup := &Marker{Name: "red"}
	must(t, v.Remove(d1))
	must(t, v.Persist(dup))
	if err := v.Flush(h.Ctx); !errors.Is(err, gomikro.ErrUniqueViolation) {
		t.Fatalf("flush with a duplicate label: %v", err)
	}
	if d1.DeletedAt != nil {
		t.Fatalf("DeletedAt after a failed flush: %v", d1.DeletedAt)
	}
	must(t, v.Remove(dup))
	must(t, v.Flush(h.Ctx))
	if d1.DeletedAt == nil {
		t.Fatal("the soft delete was lost by the failed flush")
	}
	if n, err := em.Count[Doc](h.Ctx, g.Fork(), nil); err != nil || n != 2 {
		t.Fatalf("Count after the retried soft delete: %d, %v", n, err)
	}
	// A reference that is not loaded cannot be soft-deleted: its flush
	// would have nothing to compare with.
	x := w.Fork()
	refd, err := em.GetReference[Doc](x, d3.ID)
	must(t, err)
	if err := x.Remove(refd); err == nil || !strings.Contains(err.Error(), "soft-delete") {
		t.Fatalf("Remove of an unloaded reference: %v", err)
	}
}

// SoftDeletePopulate: populate and lazy loads skip soft-deleted rows
// (1:m, m:n and m:1), unless the query says WithDeleted.
func SoftDeletePopulate(t *testing.T, h *Harness) {
	g := h.openCounted(gomikro.Config{Entities: filterEntities()})
	fa, fb := folderFixture(t, h, g)
	m := g.Fork()
	d, err := em.FindOneOrFail[Doc](h.Ctx, m, query.Eq("title", "a1"))
	must(t, err)
	blue, err := em.FindOneOrFail[Marker](h.Ctx, m, query.Eq("name", "blue"))
	must(t, err)
	fbm, err := em.FindOneOrFail[Folder](h.Ctx, m, query.Eq("id", fb.ID))
	must(t, err)
	must(t, m.Remove(d, blue, fbm))
	must(t, m.Flush(h.Ctx))

	r := g.Fork()
	folders, err := em.FindAll[Folder](h.Ctx, r, em.Populate("Docs", "Labels"))
	must(t, err)
	if len(folders) != 1 || folders[0].ID != fa.ID {
		t.Fatalf("folders: %d", len(folders))
	}
	f := folders[0]
	docs := f.Docs.Items()
	wantTitles(t, "Populate(Docs)", docs, nil, "a2", "a3")
	labels := f.Labels.Items()
	if len(labels) != 1 || labels[0].Name != "red" {
		t.Fatalf("Populate(Labels): %d labels", len(labels))
	}

	// WithDeleted reaches the populated relations too.
	all := g.Fork()
	folders, err = em.FindAll[Folder](h.Ctx, all, em.Populate("Docs", "Labels"), em.WithDeleted(), em.OrderBy("name"))
	must(t, err)
	if len(folders) != 2 {
		t.Fatalf("folders WithDeleted: %d", len(folders))
	}
	docs = folders[0].Docs.Items()
	wantTitles(t, "Populate(Docs) WithDeleted", docs, nil, "a1", "a2", "a3")
	if labels := folders[0].Labels.Items(); len(labels) != 2 {
		t.Fatalf("Populate(Labels) WithDeleted: %d labels", len(labels))
	}

	// A lazy load of a collection is filtered as the EntityManager is.
	l := g.Fork()
	fl, err := em.FindOneOrFail[Folder](h.Ctx, l, query.Eq("id", fa.ID))
	must(t, err)
	_, err = fl.Docs.Load(h.Ctx)
	must(t, err)
	docs = fl.Docs.Items()
	wantTitles(t, "Collection.Load", docs, nil, "a2", "a3")
	must(t, l.DisableFilter(gomikro.SoftDeleteFilter))
	fl2, err := em.FindOneOrFail[Folder](h.Ctx, l.Fork(), query.Eq("id", fa.ID))
	must(t, err)
	_, err = fl2.Docs.Load(h.Ctx)
	must(t, err)
	docs = fl2.Docs.Items()
	wantTitles(t, "Collection.Load, filter disabled on the EntityManager", docs, nil, "a1", "a2", "a3")

	// m:1 to a soft-deleted folder: Populate leaves the reference
	// unloaded.
	b := g.Fork()
	b1, err := em.FindOneOrFail[Doc](h.Ctx, b, query.Eq("title", "b1"), em.Populate("Folder"))
	must(t, err)
	if b1.Folder.IsLoaded() {
		t.Fatal("Populate(Folder) loaded a soft-deleted folder")
	}
	b1, err = em.FindOneOrFail[Doc](h.Ctx, g.Fork(), query.Eq("title", "b1"), em.Populate("Folder"), em.WithDeleted())
	must(t, err)
	if !b1.Folder.IsLoaded() {
		t.Fatal("Populate(Folder) WithDeleted did not load the folder")
	}
}

// FiltersWithParameters: a filter with a parameter, enabled on an
// EntityManager (inherited by its forks) or for one query, with the
// query's parameters winning; a missing parameter is an error naming the
// filter; an unknown filter name is an error.
func FiltersWithParameters(t *testing.T, h *Harness) {
	g := h.openCounted(gomikro.Config{Entities: filterEntities(), Filters: []gomikro.Filter{tenantFilter}})
	folderFixture(t, h, g)

	m := g.Fork()
	all, err := em.FindAll[Doc](h.Ctx, m)
	wantTitles(t, "not enabled", all, err, "a1", "a2", "a3", "b1")
	must(t, m.EnableFilter("tenant", gomikro.FilterParams{"tenant": "a"}))
	all, err = em.FindAll[Doc](h.Ctx, m)
	wantTitles(t, "enabled for a", all, err, "a1", "a2", "a3")
	all, err = em.FindAll[Doc](h.Ctx, m, em.Filter("tenant", gomikro.FilterParams{"tenant": "b"}))
	wantTitles(t, "query parameters for b", all, err, "b1")
	all, err = em.FindAll[Doc](h.Ctx, m, em.WithoutFilters("tenant"))
	wantTitles(t, "WithoutFilters(tenant)", all, err, "a1", "a2", "a3", "b1")
	if n, err := em.Count[Folder](h.Ctx, m, nil); err != nil || n != 1 {
		t.Fatalf("Count of folders for a: %d, %v", n, err)
	}
	// A fork inherits the filter and its parameters; changing the fork
	// leaves the parent as it was.
	f := m.Fork()
	all, err = em.FindAll[Doc](h.Ctx, f)
	wantTitles(t, "fork", all, err, "a1", "a2", "a3")
	must(t, f.SetFilterParams("tenant", gomikro.FilterParams{"tenant": "b"}))
	all, err = em.FindAll[Doc](h.Ctx, f)
	wantTitles(t, "fork with b", all, err, "b1")
	all, err = em.FindAll[Doc](h.Ctx, m.Fork())
	wantTitles(t, "parent's new fork", all, err, "a1", "a2", "a3")
	must(t, f.DisableFilter("tenant"))
	all, err = em.FindAll[Doc](h.Ctx, f)
	wantTitles(t, "fork, disabled", all, err, "a1", "a2", "a3", "b1")
	// Populate goes through the filter: tenant b's documents in folder A
	// are not loaded.
	w := g.Fork()
	fa, err := em.FindOneOrFail[Folder](h.Ctx, w, query.Eq("name", "A"))
	must(t, err)
	must(t, w.Persist(&Doc{Tenant: "b", Title: "b-in-A", Folder: ref.To(fa)}))
	must(t, w.Flush(h.Ctx))
	p := g.Fork()
	folders, err := em.FindAll[Folder](h.Ctx, p, em.Populate("Docs"), em.Filter("tenant", gomikro.FilterParams{"tenant": "a"}))
	must(t, err)
	if len(folders) != 1 {
		t.Fatalf("folders of a: %d", len(folders))
	}
	docs := folders[0].Docs.Items()
	wantTitles(t, "Populate(Docs) for a", docs, nil, "a1", "a2", "a3")

	// A missing parameter: an error naming the filter, nothing sent.
	x := g.Fork()
	must(t, x.EnableFilter("tenant", nil))
	n := h.Count()
	_, err = em.FindAll[Doc](h.Ctx, x)
	if !errors.Is(err, gomikro.ErrFilterParam) || !strings.Contains(err.Error(), `"tenant"`) || !strings.Contains(err.Error(), "Doc") {
		t.Fatalf("missing parameter: %v", err)
	}
	if _, err := em.Count[Doc](h.Ctx, x, nil); !errors.Is(err, gomikro.ErrFilterParam) {
		t.Fatalf("Count, missing parameter: %v", err)
	}
	if h.Count() != n {
		t.Fatalf("%d statements sent with a parameter missing", h.Count()-n)
	}
	// Labels have no tenant: the filter does not apply to them.
	if labels, err := em.FindAll[Marker](h.Ctx, x); err != nil || len(labels) != 2 {
		t.Fatalf("labels: %d, %v", len(labels), err)
	}
	// Unknown names are refused.
	if err := x.EnableFilter("nope", nil); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Fatalf("EnableFilter(nope): %v", err)
	}
	if _, err := em.FindAll[Doc](h.Ctx, g.Fork(), em.WithoutFilters("nope")); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Fatalf("WithoutFilters(nope): %v", err)
	}
}

// FiltersDefaultAndPerEntity: a Default filter restricted to one entity
// applies without being enabled, to that entity only, and is switched
// off per query or per EntityManager; filters AND with the query's own
// $or.
func FiltersDefaultAndPerEntity(t *testing.T, h *Harness) {
	visible := gomikro.Filter{
		Name:     "visible",
		Default:  true,
		Entities: []any{Doc{}},
		Cond: func(e *meta.Entity, p gomikro.FilterParams) (query.Filter, error) {
			return query.Ne("title", "a3"), nil
		},
	}
	g := h.openCounted(gomikro.Config{Entities: filterEntities(), Filters: []gomikro.Filter{visible, tenantFilter}})
	folderFixture(t, h, g)
	m := g.Fork()
	all, err := em.FindAll[Doc](h.Ctx, m)
	wantTitles(t, "default filter", all, err, "a1", "a2", "b1")
	or, err := em.Find[Doc](h.Ctx, m, query.Or(query.Eq("title", "a3"), query.Eq("title", "b1")))
	wantTitles(t, "default filter AND $or", or, err, "b1")
	all, err = em.FindAll[Doc](h.Ctx, m, em.WithoutFilters("visible"))
	wantTitles(t, "WithoutFilters(visible)", all, err, "a1", "a2", "a3", "b1")
	all, err = em.FindAll[Doc](h.Ctx, m, em.Filter("tenant", gomikro.FilterParams{"tenant": "a"}))
	wantTitles(t, "visible and tenant a", all, err, "a1", "a2")
	if folders, err := em.FindAll[Folder](h.Ctx, m); err != nil || len(folders) != 2 {
		t.Fatalf("the Doc filter applied to Folder: %d, %v", len(folders), err)
	}
	must(t, m.DisableFilter("visible"))
	all, err = em.FindAll[Doc](h.Ctx, m)
	wantTitles(t, "disabled on the EntityManager", all, err, "a1", "a2", "a3", "b1")
	// A query may enable what the EntityManager disabled.
	all, err = em.FindAll[Doc](h.Ctx, m, em.Filter("visible", nil))
	wantTitles(t, "enabled for the query", all, err, "a1", "a2", "b1")
}
