package sqlite_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/conformance"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

// TestFilterConfigErrors: bad Config.Filters are errors from Open.
func TestFilterConfigErrors(t *testing.T) {
	cond := func(*meta.Entity, gomikro.FilterParams) (query.Filter, error) { return nil, nil }
	cases := []struct {
		name    string
		filters []gomikro.Filter
		want    string
	}{
		{"no name", []gomikro.Filter{{Cond: cond}}, "Config.Filters[0] has no Name"},
		{"no cond", []gomikro.Filter{{Name: "x"}}, `filter "x" has no Cond`},
		{"duplicate", []gomikro.Filter{{Name: "x", Cond: cond}, {Name: "x", Cond: cond}}, `the name "x" is taken`},
		{"built-in name", []gomikro.Filter{{Name: gomikro.SoftDeleteFilter, Cond: cond}}, `"softDelete" is taken`},
		{"unregistered entity", []gomikro.Filter{{Name: "x", Cond: cond, Entities: []any{struct{ A int }{}}}}, "is not a registered entity"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			orm, err := sqlite.Open(context.Background(), gomikro.Config{
				DSN:      filepath.Join(t.TempDir(), "f.db"),
				Entities: []any{conformance.Folder{}, conformance.Doc{}, conformance.Marker{}},
				Filters:  c.filters,
			})
			if err == nil {
				_ = orm.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Open: %v, want %q", err, c.want)
			}
		})
	}
}
