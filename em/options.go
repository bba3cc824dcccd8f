package em

import (
	"fmt"

	"github.com/gomikro/gomikro"
	"strings"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
)

// FindOption configures a find.
type FindOption func(*findOptions)

type findOptions struct {
	populate []string
	orderBy  []string
	limit    int
	offset   int
	refresh  bool
	lock     any
	// flushMode overrides the EntityManager's (0: its own).
	flushMode gomikro.FlushMode
	filters   *queryFilters // nil: the EntityManager's filters as they are
	// cache: cache the result (Cache); primary: read the primary
	// (FromPrimary).
	cache   *cacheOpt
	primary bool
}

// Populate loads the named relations of the results, nested with dots
// ("Author", "Tags", "Author.Books"), one batched query per relation and
// level — never one per row. A path may also end in a lazy field
// (`orm:"lazy"`: "Bio", "Author.Bio"), which is then read for the
// entities that do not hold a value for it yet (see the README's "Lazy
// fields, formulas and virtual entities").
func Populate(paths ...string) FindOption {
	return func(o *findOptions) { o.populate = append(o.populate, paths...) }
}

// OrderBy sorts the results by properties; a leading "-" sorts descending
// ("-year", "title").
func OrderBy(props ...string) FindOption {
	return func(o *findOptions) { o.orderBy = append(o.orderBy, props...) }
}

// Limit caps the number of results.
func Limit(n int) FindOption { return func(o *findOptions) { o.limit = n } }

// Offset skips the first n results.
func Offset(n int) FindOption { return func(o *findOptions) { o.offset = n } }

// Refresh overwrites entities already in the identity map with the rows
// just read (and takes new snapshots), dropping their unflushed changes.
// With it, FindOne by primary key queries even when the entity is
// managed.
func Refresh() FindOption { return func(o *findOptions) { o.refresh = true } }

// WithLock sets a backend-specific lock mode; backends offer typed
// options that call it (see sqlem).
func WithLock(mode any) FindOption { return func(o *findOptions) { o.lock = mode } }

func (o *findOptions) order(e *meta.Entity) ([]Order, error) {
	out := make([]Order, 0, len(o.orderBy))
	for _, s := range o.orderBy {
		desc := strings.HasPrefix(s, "-")
		name := strings.TrimPrefix(s, "-")
		f, ok := e.Field(name)
		if !ok {
			return nil, fmt.Errorf("gomikro: OrderBy: %s has no property %q: %w", e.Name, name, query.ErrUnknownProperty)
		}
		if f.Column == "" {
			return nil, fmt.Errorf("gomikro: OrderBy(%q): %s.%s has no column to sort by (a collection or an inverse side)", name, e.Name, f.Name)
		}
		out = append(out, Order{Field: f, Desc: desc})
	}
	return out, nil
}
