package meta_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/ref"
)

type lazyDoc struct {
	ID    int64 `orm:"pk"`
	Title string
	Body  string `orm:"lazy"`
	Blob  []byte `orm:"lazy"`
	Words int64  `orm:"formula=COALESCE(LENGTH({alias}.body), 0) + 1"`
}

type plainDoc struct {
	ID    int64 `orm:"pk"`
	Title string
}

type docStats struct {
	Docs int64
}

func (docStats) Expression() string { return " SELECT COUNT(*) AS docs FROM lazy_doc " }

func TestLazyFormulaVirtualMetadata(t *testing.T) {
	reg, err := meta.NewRegistry(nil, lazyDoc{}, plainDoc{}, docStats{})
	if err != nil {
		t.Fatal(err)
	}
	e, _ := reg.Of(reflect.TypeFor[lazyDoc]())
	names := func(fs []*meta.Field) string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Name)
		}
		return strings.Join(out, ",")
	}
	if got := names(e.Columns); got != "ID,Title,Body,Blob" {
		t.Errorf("Columns = %s", got)
	}
	if got := names(e.Reads); got != "ID,Title,Words" {
		t.Errorf("Reads = %s", got)
	}
	if got := names(e.ReadsAll); got != "ID,Title,Body,Blob,Words" {
		t.Errorf("ReadsAll = %s", got)
	}
	if got := names(e.Lazy) + "|" + names(e.Formulas); got != "Body,Blob|Words" {
		t.Errorf("Lazy|Formulas = %s", got)
	}
	w, _ := e.Field("words")
	if w.Formula != "COALESCE(LENGTH({alias}.body), 0) + 1" || w.FormulaSQL(`"t0"`) != `(COALESCE(LENGTH("t0".body), 0) + 1)` {
		t.Errorf("formula = %q, rendered %q", w.Formula, w.FormulaSQL(`"t0"`))
	}
	// Neither lazy nor formula: the read lists are Columns itself.
	p, _ := reg.Of(reflect.TypeFor[plainDoc]())
	if &p.Reads[0] != &p.Columns[0] || &p.ReadsAll[0] != &p.Columns[0] {
		t.Errorf("a plain entity's read lists are copies")
	}
	v, _ := reg.Of(reflect.TypeFor[docStats]())
	if !v.Virtual || v.Expression != "SELECT COUNT(*) AS docs FROM lazy_doc" || len(v.PK) != 0 {
		t.Errorf("virtual: %v %q %d", v.Virtual, v.Expression, len(v.PK))
	}
}

type badLazyPK struct {
	ID int64 `orm:"pk,lazy"`
}

type badLazyRef struct {
	ID  int64            `orm:"pk"`
	Doc ref.Ref[lazyDoc] `orm:"lazy"`
}

type badFormulaEmpty struct {
	ID int64 `orm:"pk"`
	X  int64 `orm:"formula="`
}

type badFormulaUnique struct {
	ID int64 `orm:"pk"`
	X  int64 `orm:"unique,formula={alias}.id"`
}

type badLazyFormula struct {
	ID int64 `orm:"pk"`
	X  int64 `orm:"lazy,formula={alias}.id"`
}

type badVirtualRel struct {
	ID  int64            `orm:"pk"`
	Doc ref.Ref[lazyDoc] `orm:"nullable"`
}

func (badVirtualRel) Expression() string { return "SELECT 1 AS id, NULL AS doc_id" }

type badRefToVirtual struct {
	ID    int64             `orm:"pk"`
	Stats ref.Ref[docStats] `orm:"nullable"`
}

type badVirtualEmpty struct {
	N int64
}

func (badVirtualEmpty) Expression() string { return "  " }

type badNoPKNotVirtual struct {
	N int64
}

func TestLazyFormulaVirtualErrors(t *testing.T) {
	for _, c := range []struct {
		name     string
		entities []any
		want     string
	}{
		{"LazyPK", []any{badLazyPK{}}, "badLazyPK.ID: a primary key, version or softDelete field cannot be lazy"},
		{"LazyRef", []any{lazyDoc{}, badLazyRef{}}, "badLazyRef.Doc: lazy applies to scalar fields"},
		{"FormulaEmpty", []any{badFormulaEmpty{}}, "badFormulaEmpty.X: tag \"formula\": formula= needs an SQL expression"},
		{"FormulaUnique", []any{badFormulaUnique{}}, "badFormulaUnique.X: a formula is a read-only scalar"},
		{"LazyFormula", []any{badLazyFormula{}}, "badLazyFormula.X: a formula cannot be lazy"},
		{"VirtualRelation", []any{lazyDoc{}, badVirtualRel{}}, "badVirtualRel.Doc: a virtual entity holds no relations"},
		{"RefToVirtual", []any{docStats{}, badRefToVirtual{}}, "badRefToVirtual.Stats: relation to docStats, a virtual entity"},
		{"VirtualEmpty", []any{badVirtualEmpty{}}, "badVirtualEmpty: Expression() returns no SQL"},
		{"NoPK", []any{badNoPKNotVirtual{}}, "no primary key"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := meta.NewRegistry(nil, c.entities...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}
