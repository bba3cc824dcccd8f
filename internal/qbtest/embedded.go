package qbtest

import (
	"slices"
	"strings"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
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
	ID     int64 `orm:"pk"`
	Name   string
	Place  QPlace  `orm:"embedded"`
	Backup *QPlace `orm:"embedded"` // nullable
}

// QGig is at a QVenue: the venue is read through a join.
type QGig struct {
	ID    int64 `orm:"pk"`
	Title string
	Venue ref.Ref[QVenue]
}

// embeddables: the builder's paths reach embedded properties, on the root
// ("place.city") and through an alias ("v.place.geo.lat"), in selects,
// filters, groups and orders; the SQL names the prefixed columns.
func embeddables(e *env) {
	o := e.open(gomikro.Config{Entities: []any{QVenue{}, QGig{}}})
	m := o.EM().Fork()
	hall := &QVenue{Name: "Hall", Place: QPlace{City: "Oslo", Geo: QGeo{59.9, 10.7}}, Backup: &QPlace{City: "Drammen"}}
	for _, v := range []*QVenue{
		hall,
		{Name: "Dome", Place: QPlace{City: "Bergen", Geo: QGeo{60.4, 5.3}}},
		{Name: "Barn", Place: QPlace{City: "Oslo", Geo: QGeo{59.8, 10.8}}},
	} {
		e.must(m.Persist(v))
	}
	e.must(m.Persist(&QGig{Title: "Jazz", Venue: ref.To(hall)}))
	e.must(m.Flush(e.ctx))

	// A nullable embeddable, read by the builder on the root and through
	// a joined entity.
	fresh := o.EM().Fork()
	all, err := sqlem.QB[QVenue](fresh, "v").OrderBy("name").GetResult(e.ctx)
	e.must(err)
	if len(all) != 3 || all[0].Backup != nil || all[2].Name != "Hall" || all[2].Backup == nil || all[2].Backup.City != "Drammen" {
		e.t.Fatalf("venues with their backups: %+v", all)
	}
	gigs, err := sqlem.QB[QGig](o.EM().Fork(), "g").JoinAndSelect("g.venue", "v").Where(query.Eq("v.backup.city", "Drammen")).GetResult(e.ctx)
	e.must(err)
	if len(gigs) != 1 || gigs[0].Venue.Get().Backup == nil || gigs[0].Venue.Get().Backup.City != "Drammen" || gigs[0].Venue.Get().Place.City != "Oslo" {
		e.t.Fatalf("gigs joined with their venue: %+v", gigs)
	}

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
