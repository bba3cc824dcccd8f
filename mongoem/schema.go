package mongoem

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/gomikro/gomikro/meta"
)

// Schema creates and drops the collections and indexes of the registered
// entities.
type Schema struct {
	d *driver
}

// Schema returns the schema manager of the registered entities.
func (o *ORM) Schema() *Schema { return &Schema{d: o.drv} }

// Index is an index the schema creates on a collection.
type Index struct {
	// Collection is the collection's name.
	Collection string
	// Name is the index name.
	Name string
	// Keys are the document paths, in order (ascending).
	Keys []string
	// Unique marks a unique index.
	Unique bool
	// Sparse leaves out documents without the keys (nullable unique
	// fields, which may be missing in many documents).
	Sparse bool
}

// Indexes returns the indexes the metadata declares: unique and indexed
// fields (compound when several share a unique=/index= name), owning
// references (for populating 1:m) and m:n arrays (for the inverse side).
func (s *Schema) Indexes() []Index {
	var out []Index
	for _, e := range s.d.reg.Entities() {
		if e.Virtual {
			continue // no collection of its own (see VirtualPipeline)
		}
		in := s.d.info[e]
		type group struct {
			ix     *Index
			fields []*meta.Field
		}
		var groups []*group
		byName := map[string]*group{}
		add := func(name string, unique bool, f *meta.Field) {
			if name != "" {
				if g, ok := byName[name]; ok {
					g.ix.Keys = append(g.ix.Keys, in.path[f])
					g.fields = append(g.fields, f)
					return
				}
			}
			kind := "idx"
			if unique {
				kind = "uniq"
			}
			ixName := name
			if ixName == "" {
				ixName = kind + "_" + in.coll + "_" + in.path[f]
			}
			g := &group{ix: &Index{Collection: in.coll, Name: ixName, Keys: []string{in.path[f]}, Unique: unique}, fields: []*meta.Field{f}}
			groups = append(groups, g)
			if name != "" {
				byName[name] = g
			}
		}
		for _, f := range e.Columns {
			if f.PK && len(e.PK) == 1 {
				continue
			}
			switch {
			case f.Unique:
				add(f.UniqueName, true, f)
			case f.Indexed:
				add(f.IndexName, false, f)
			case f.Storage == meta.StoreRef && !f.PK:
				add("", false, f)
			}
		}
		for _, f := range in.arrays {
			add("", false, f)
		}
		for _, g := range groups {
			if g.ix.Unique && slices.ContainsFunc(g.fields, func(f *meta.Field) bool { return f.Nullable }) {
				g.ix.Sparse = true
			}
			out = append(out, *g.ix)
		}
	}
	return out
}

// CreateOption is an option of CreateSchema.
type CreateOption func(*createConfig)

type createConfig struct{ validators bool }

// WithValidators makes CreateSchema give each entity's collection the
// $jsonSchema validator built from the metadata (see Schema.Validators),
// applied strictly: a document that fails it is refused, and the flush
// writing it fails with an error matching gomikro.ErrCheckViolation. New
// collections are created with it; existing ones get it (collMod) when
// theirs differs. A server that does not support validators (FerretDB)
// makes CreateSchema fail with an error matching errors.ErrUnsupported.
func WithValidators() CreateOption { return func(c *createConfig) { c.validators = true } }

// CreateSchema creates the collections of the registered entities (and
// the counters collection of generated integer keys) with their indexes.
// Collections and indexes that exist already are kept. Validators are
// created only when asked (WithValidators).
func (s *Schema) CreateSchema(ctx context.Context, opts ...CreateOption) error {
	var cc createConfig
	for _, o := range opts {
		o(&cc)
	}
	_, err := s.create(ctx, cc.validators)
	return err
}

// create is CreateSchema; it returns the collections whose validator it
// set or changed.
func (s *Schema) create(ctx context.Context, validators bool) ([]string, error) {
	var validated []string
	var want map[string]bson.D
	if validators {
		want = s.Validators()
	}
	existing, err := s.d.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("gomikro: schema: list collections: %w", err)
	}
	names := []string{countersCollection}
	for _, e := range s.d.reg.Entities() {
		if e.Virtual {
			continue // no collection of its own (see VirtualPipeline)
		}
		names = append(names, s.d.info[e].coll)
	}
	for _, name := range names {
		if slices.Contains(existing, name) {
			continue
		}
		start := time.Now()
		var copts []options.Lister[options.CreateCollectionOptions]
		v, withValidator := want[name]
		if withValidator {
			copts = append(copts, options.CreateCollection().SetValidator(v).
				SetValidationLevel(validationLevel).SetValidationAction(validationAction))
		}
		err := s.d.db.CreateCollection(ctx, name, copts...)
		s.d.log.log(ctx, "create", name, v, start, -1, err)
		if err != nil {
			var ce mongo.CommandError
			if errors.As(err, &ce) && ce.Code == 48 { // NamespaceExists: created meanwhile
				continue
			}
			if withValidator {
				return validated, refused("create collection with validator", name, err)
			}
			return validated, fmt.Errorf("gomikro: schema: create collection %s: %w", name, err)
		}
		if withValidator {
			validated = append(validated, name)
		}
	}
	for _, ix := range s.Indexes() {
		keys := make(bson.D, len(ix.Keys))
		for i, k := range ix.Keys {
			keys[i] = bson.E{Key: k, Value: 1}
		}
		opts := options.Index().SetName(ix.Name)
		if ix.Unique {
			opts.SetUnique(true)
		}
		if ix.Sparse {
			opts.SetSparse(true)
		}
		start := time.Now()
		_, err := s.d.db.Collection(ix.Collection).Indexes().CreateOne(ctx, mongo.IndexModel{Keys: keys, Options: opts})
		s.d.log.log(ctx, "createIndexes", ix.Collection, keys, start, -1, err)
		if err != nil {
			return validated, fmt.Errorf("gomikro: schema: create index %s on %s: %w", ix.Name, ix.Collection, err)
		}
	}
	if validators {
		changed, _, err := s.syncValidators(ctx, true, false)
		validated = append(validated, changed...)
		if err != nil {
			return validated, err
		}
	}
	return validated, nil
}

// DropSchema drops the collections of the registered entities and the
// counters collection.
func (s *Schema) DropSchema(ctx context.Context) error {
	names := []string{countersCollection}
	for _, e := range s.d.reg.Entities() {
		if e.Virtual {
			continue // no collection of its own (see VirtualPipeline)
		}
		names = append(names, s.d.info[e].coll)
	}
	for _, name := range names {
		start := time.Now()
		err := s.d.db.Collection(name).Drop(ctx)
		s.d.log.log(ctx, "drop", name, nil, start, -1, err)
		if err != nil {
			return fmt.Errorf("gomikro: schema: drop %s: %w", name, err)
		}
	}
	return nil
}
