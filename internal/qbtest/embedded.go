package qbtest

import (
	"slices"
	"strings"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/sqlem"
)

// QGeo is an embeddable nested in QPlace.
type QGeo struct{ Lat, Lng float64 }

// QPlace is an embeddable.
type QPlace struct {
	City string
	Geo  QGeo `orm:"embedded"`
}

// QVenue holds embeddables: columns place_city, place_geo_lat, ...
type QVenue struct {
	ID    int64 `orm:"pk"`
	Name  string
	Place QPlace `orm:"embedded"`
}

// embeddables: the builder's paths reach embedded properties, on the root
// ("place.city") and through an alias ("v.place.geo.lat"), in selects,
// filters, groups and orders; the SQL names the prefixed columns.
func embeddables(e *env) {
	o := e.open(gomikro.Config{Entities: []any{QVenue{}}})
	m := o.EM().Fork()
	for _, v := range []*QVenue{
		{Name: "Hall", Place: QPlace{City: "Oslo", Geo: QGeo{59.9, 10.7}}},
		{Name: "Dome", Place: QPlace{City: "Bergen", Geo: QGeo{60.4, 5.3}}},
		{Name: "Barn", Place: QPlace{City: "Oslo", Geo: QGeo{59.8, 10.8}}},
	} {
		e.must(m.Persist(v))
	}
	e.must(m.Flush(e.ctx))

	qb := sqlem.QB[QVenue](m, "v").Where(query.Eq("place.city", "Oslo")).OrderBy("-v.place.geo.lat")
	sql, _, err := qb.ToSQL()
	e.must(err)
	if !strings.Contains(sql, "place_city") || !strings.Contains(sql, "place_geo_lat") {
		e.t.Fatalf("SQL without the prefixed columns: %s", sql)
	}
	vs, err := qb.GetResult(e.ctx)
	e.must(err)
	var names []string
	for _, v := range vs {
		names = append(names, v.Name+"@"+v.Place.City)
	}
	if !slices.Equal(names, []string{"Hall@Oslo", "Barn@Oslo"}) {
		e.t.Fatalf("venues in Oslo by -lat: %v", names)
	}
	type row struct {
		City string
		N    int64
	}
	rows, err := sqlem.Scan[row](e.ctx, sqlem.QB[QVenue](m, "v").
		Select("place.city as city", "count(*) as n").GroupBy("v.place.city").OrderBy("place.city"))
	e.must(err)
	if len(rows) != 2 || rows[0] != (row{"Bergen", 1}) || rows[1] != (row{"Oslo", 2}) {
		e.t.Fatalf("grouped by place.city: %+v", rows)
	}
	n, err := sqlem.QB[QVenue](o.EM().Fork(), "v").Update(map[string]any{"place.geo.lng": 11.0}).Where(query.Eq("place.city", "Oslo")).Execute(e.ctx)
	e.must(err)
	if n != 2 {
		e.t.Fatalf("updated %d venues, want 2", n)
	}
	cnt, err := sqlem.QB[QVenue](o.EM().Fork(), "v").Where(query.Eq("place.geo.lng", 11.0)).Count(e.ctx)
	e.must(err)
	if cnt != 2 {
		e.t.Fatalf("after the update, %d venues at lng 11, want 2", cnt)
	}
	if _, _, err := sqlem.QB[QVenue](m, "v").OrderBy("place.town").ToSQL(); err == nil {
		e.t.Fatal("OrderBy of an unknown embedded property: no error")
	}
}
