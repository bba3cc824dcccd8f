package mongoem_test

import (
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/mongoem"
	"github.com/gomikro/gomikro/query"
)

type eGeo struct{ Lat, Lng float64 }

type ePlace struct {
	City string `orm:"index"`
	Zip  *string
	Geo  eGeo `orm:"embedded,prefix=pos_"`
}

type eVenue struct {
	ID     int64 `orm:"pk"`
	Name   string
	Place  ePlace   `orm:"embedded"`
	Former []ePlace `orm:"embedded"`
}

// Embeddables are sub-documents (the SQL prefix plays no part), arrays of
// them arrays of sub-documents; an index on an embedded field is on its
// dotted path; an update sets the dotted path of the changed field only.
func TestEmbeddedDocuments(t *testing.T) {
	ctx := ctxT(t)
	o := openFresh(t, gomikro.Config{Entities: []any{eVenue{}}})
	m := o.EM().Fork()
	zip := "0150"
	v := &eVenue{Name: "Hall", Place: ePlace{City: "Oslo", Zip: &zip, Geo: eGeo{Lat: 59.9, Lng: 10.7}},
		Former: []ePlace{{City: "Bergen"}}}
	must(t, m.Persist(v))
	must(t, m.Flush(ctx))

	coll := o.Database().Collection("e_venue")
	var raw bson.Raw
	must(t, coll.FindOne(ctx, bson.D{{Key: "_id", Value: v.ID}}).Decode(&raw))
	place, ok := raw.Lookup("place").DocumentOK()
	if !ok {
		t.Fatalf("place is not a sub-document: %s", raw)
	}
	if city := place.Lookup("city").StringValue(); city != "Oslo" {
		t.Errorf("place.city = %q in %s", city, raw)
	}
	if lat := raw.Lookup("place", "geo", "lat").Double(); lat != 59.9 {
		t.Errorf("place.geo.lat = %v in %s", lat, raw)
	}
	if _, err := raw.LookupErr("place_city"); err == nil {
		t.Errorf("a prefixed column name in the document: %s", raw)
	}
	arr, ok := raw.Lookup("former").ArrayOK()
	if !ok {
		t.Fatalf("former is not an array: %s", raw)
	}
	if vals, _ := arr.Values(); len(vals) != 1 || vals[0].Type != bson.TypeEmbeddedDocument {
		t.Errorf("former: %s", arr)
	}

	cur, err := coll.Indexes().List(ctx)
	must(t, err)
	var specs []bson.M
	must(t, cur.All(ctx, &specs))
	found := false
	for _, s := range specs {
		switch k := s["key"].(type) {
		case bson.M:
			found = found || k["place.city"] != nil
		case bson.D:
			found = found || len(k) == 1 && k[0].Key == "place.city"
		}
	}
	if !found {
		t.Errorf("no index on place.city: %v", specs)
	}

	// Another writer changes place.zip; our update of place.city keeps it.
	must(t, coll.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: v.ID}}, bson.D{{Key: "$set", Value: bson.D{{Key: "place.zip", Value: "9999"}}}}).Err())
	v.Place.City = "Bergen"
	v.Place.Zip = nil
	must(t, m.Flush(ctx))
	got, err := em.FindOneOrFail[eVenue](ctx, o.EM().Fork(), query.Eq("place.city", "Bergen"))
	must(t, err)
	if got.Place.Zip != nil || got.Place.Geo.Lng != 10.7 {
		t.Errorf("after the update: %+v", got.Place)
	}
	v.Place.Zip = &zip
	must(t, m.Flush(ctx))
	must(t, coll.FindOne(ctx, bson.D{{Key: "_id", Value: v.ID}}).Decode(&raw))
	if z := raw.Lookup("place", "zip").StringValue(); z != "0150" || raw.Lookup("place", "city").StringValue() != "Bergen" {
		t.Errorf("after setting place.zip: %s", raw)
	}
}

type eIndexed struct {
	ID   int64  `orm:"pk"`
	Mail string `orm:"unique,where=deleted = 0"`
}

// The SQL where= and expr= index options are refused at Open.
func TestIndexOptionsRefused(t *testing.T) {
	_, err := mongoem.Open(ctxT(t), gomikro.Config{DSN: "mongodb://127.0.0.1:1/x", Entities: []any{eIndexed{}}})
	if err == nil || !strings.Contains(err.Error(), "eIndexed.Mail: where=: an SQL condition or expression has no meaning on MongoDB") {
		t.Fatalf("Open: %v", err)
	}
}
