package mongoem

import (
	"context"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// UpdateOptions say what UpdateSchema may drop.
type UpdateOptions struct {
	// DropIndexes drops indexes of the entities' collections that the
	// metadata does not declare.
	DropIndexes bool
	// DropCollections drops collections of the database that no entity
	// maps.
	DropCollections bool
	// Validators gives each entity's collection the $jsonSchema
	// validator built from the metadata (see Schema.Validators and
	// WithValidators), replacing one that differs. A server that does
	// not support validators (FerretDB) makes UpdateSchema fail with an
	// error matching errors.ErrUnsupported.
	Validators bool
	// DropValidators removes the validators of the entities'
	// collections (unless Validators is set). Without Validators or
	// DropValidators, validators are left as they are.
	DropValidators bool
}

// UpdateReport is what UpdateSchema found and did.
type UpdateReport struct {
	// Created lists the collections and indexes created
	// ("collection" or "collection.index").
	Created []string
	// Validated lists the collections whose validator was set or
	// replaced (UpdateOptions.Validators).
	Validated []string
	// Dropped lists what was dropped, as asked ("collection.$jsonSchema"
	// for a removed validator).
	Dropped []string
	// Extra lists what no entity declares and was kept (not asked to
	// drop it).
	Extra []string
}

// UpdateSchema brings the database in line with the entities: it
// creates missing collections and indexes, and drops extra indexes and
// collections only when opts ask for it (otherwise it lists them).
func (s *Schema) UpdateSchema(ctx context.Context, opts UpdateOptions) (*UpdateReport, error) {
	r := &UpdateReport{}
	before, err := s.d.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("gomikro: schema: list collections: %w", err)
	}
	indexesBefore := map[string][]string{}
	mine := []string{countersCollection}
	for _, e := range s.d.reg.Entities() {
		if e.Virtual {
			continue // no collection of its own (see VirtualPipeline)
		}
		mine = append(mine, s.d.info[e].coll)
	}
	for _, c := range mine {
		if slices.Contains(before, c) {
			names, err := s.indexNames(ctx, c)
			if err != nil {
				return nil, err
			}
			indexesBefore[c] = names
		}
	}
	validated, err := s.create(ctx, opts.Validators)
	r.Validated = validated
	if err != nil {
		return r, err
	}
	if !opts.Validators && opts.DropValidators {
		_, dropped, err := s.syncValidators(ctx, false, true)
		for _, c := range dropped {
			r.Dropped = append(r.Dropped, c+".$jsonSchema")
		}
		if err != nil {
			return r, err
		}
	}
	for _, c := range mine {
		if !slices.Contains(before, c) {
			r.Created = append(r.Created, c)
		}
	}
	declared := map[string][]string{}
	for _, ix := range s.Indexes() {
		declared[ix.Collection] = append(declared[ix.Collection], ix.Name)
		if !slices.Contains(indexesBefore[ix.Collection], ix.Name) {
			r.Created = append(r.Created, ix.Collection+"."+ix.Name)
		}
	}
	for _, c := range mine {
		names, err := s.indexNames(ctx, c)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			if n == "_id_" || slices.Contains(declared[c], n) {
				continue
			}
			if !opts.DropIndexes {
				r.Extra = append(r.Extra, c+"."+n)
				continue
			}
			if err := s.d.db.Collection(c).Indexes().DropOne(ctx, n); err != nil {
				return r, fmt.Errorf("gomikro: schema: drop index %s on %s: %w", n, c, err)
			}
			r.Dropped = append(r.Dropped, c+"."+n)
		}
	}
	for _, c := range before {
		if slices.Contains(mine, c) || len(c) > 7 && c[:7] == "system." {
			continue
		}
		if !opts.DropCollections {
			r.Extra = append(r.Extra, c)
			continue
		}
		if err := s.d.db.Collection(c).Drop(ctx); err != nil {
			return r, fmt.Errorf("gomikro: schema: drop %s: %w", c, err)
		}
		r.Dropped = append(r.Dropped, c)
	}
	return r, nil
}

func (s *Schema) indexNames(ctx context.Context, coll string) ([]string, error) {
	cur, err := s.d.db.Collection(coll).Indexes().List(ctx)
	if err != nil {
		return nil, fmt.Errorf("gomikro: schema: list indexes of %s: %w", coll, err)
	}
	var specs []struct {
		Name string `bson:"name"`
	}
	if err := cur.All(ctx, &specs); err != nil {
		return nil, fmt.Errorf("gomikro: schema: list indexes of %s: %w", coll, err)
	}
	names := make([]string, len(specs))
	for i, sp := range specs {
		names[i] = sp.Name
	}
	return names, nil
}
