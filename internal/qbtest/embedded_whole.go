package qbtest

import (
	"slices"
	"strings"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/sqlem"
)

// embeddablesAsAWhole: the builder's filters compare an embeddable as a
// whole, on the root and through an alias: nil (every prefixed column IS
// NULL) and a struct value (each column equal, values bound), in selects,
// counts, updates and deletes; other operators are refused.
func embeddablesAsAWhole(e *env) {
	o := e.open(gomikro.Config{Entities: []any{QVenue{}, QGig{}}})
	m := o.EM().Fork()
	hall := &QVenue{Name: "Hall", Place: QPlace{City: "Oslo", Geo: QGeo{59.9, 10.7}}, Backup: &QPlace{City: "Drammen"}}
	dome := &QVenue{Name: "Dome", Place: QPlace{City: "Bergen", Geo: QGeo{60.4, 5.3}}}
	barn := &QVenue{Name: "Barn", Place: QPlace{City: "Oslo", Geo: QGeo{59.8, 10.8}}}
	e.must(m.Persist(hall, dome, barn))
	e.must(m.Persist(&QGig{Title: "Jazz", Venue: ref.To(hall)}, &QGig{Title: "Folk", Venue: ref.To(dome)}))
	e.must(m.Flush(e.ctx))

	venues := func(f query.Filter) []string {
		e.t.Helper()
		vs, err := sqlem.QB[QVenue](o.EM().Fork(), "v").Where(f).OrderBy("name").GetResult(e.ctx)
		e.must(err)
		var out []string
		for _, v := range vs {
			out = append(out, v.Name)
		}
		return out
	}
	for _, c := range []struct {
		name string
		f    query.Filter
		want []string
	}{
		{"nil", query.Eq("backup", nil), []string{"Barn", "Dome"}},
		{"not nil, by alias", query.M{"v.backup": query.M{"$ne": nil}}, []string{"Hall"}},
		{"a value", query.Eq("place", QPlace{City: "Oslo", Geo: QGeo{59.9, 10.7}}), []string{"Hall"}},
		{"not a nested value", query.Ne("v.place.geo", QGeo{59.9, 10.7}), []string{"Barn", "Dome"}},
		{"a nullable one's value", query.Eq("backup", &QPlace{City: "Drammen"}), []string{"Hall"}},
	} {
		if got := venues(c.f); !slices.Equal(got, c.want) {
			e.t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}

	qb := sqlem.QB[QVenue](m, "v").Where(query.Eq("place", QPlace{City: "Oslo'--", Geo: QGeo{1, 2}}))
	sql, args, err := qb.ToSQL()
	e.must(err)
	if strings.Contains(sql, "Oslo") || !strings.Contains(sql, "place_city") || !strings.Contains(sql, "place_geo_lng") || len(args) != 3 {
		e.t.Fatalf("a struct value's fields are bound to the prefixed columns: %s %v", sql, args)
	}

	gigs, err := sqlem.QB[QGig](o.EM().Fork(), "g").Join("g.venue", "v").
		Where(query.Eq("v.backup", QPlace{City: "Drammen"})).GetResult(e.ctx)
	e.must(err)
	if len(gigs) != 1 || gigs[0].Title != "Jazz" {
		e.t.Fatalf("gigs at a venue whose backup is Drammen: %+v", gigs)
	}
	n, err := sqlem.QB[QGig](o.EM().Fork(), "g").Join("g.venue", "v").Where(query.Eq("v.backup", nil)).Count(e.ctx)
	e.must(err)
	if n != 1 {
		e.t.Fatalf("gigs at a venue without a backup: %d, want 1", n)
	}

	n, err = sqlem.QB[QVenue](o.EM().Fork(), "v").Update(map[string]any{"name": "Shed"}).Where(query.Eq("backup", nil)).Where(query.Eq("place.city", "Oslo")).Execute(e.ctx)
	e.must(err)
	if n != 1 {
		e.t.Fatalf("updated %d venues without a backup in Oslo, want 1", n)
	}
	if got := venues(query.Eq("name", "Shed")); !slices.Equal(got, []string{"Shed"}) {
		e.t.Fatalf("after the update: %v", got)
	}

	for _, c := range []struct {
		f    query.Filter
		want string
	}{
		{query.Gt("place", QPlace{}), "QVenue.Place is an embeddable: $gt does not apply to it as a whole"},
		{query.In("v.backup", QPlace{}), "QVenue.Backup is an embeddable: $in does not apply"},
		{query.Eq("place", nil), "QVenue.Place is an embeddable: $eq nil: it is not nullable"},
	} {
		_, _, err := sqlem.QB[QVenue](m, "v").Where(c.f).ToSQL()
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), ".city, ") {
			e.t.Errorf("%v: got %v, want an error containing %q and the properties", c.f, err, c.want)
		}
	}
}
