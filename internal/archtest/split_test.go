package archtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The split between backends is a fact of the type system (DESIGN.md, "The
// type system carries the split"): the SQL EntityManager has the query
// builder, the Mongo one Aggregate, the core one neither, and a SQL
// backend's Open hands back a *sqlem.EntityManager without a cast. These
// tests type-check small programs with go/types against the compiled
// export data of the module's packages (go list -export) and assert which
// compile and which do not, and why.

// snippet is a small program and what the type checker must say about it.
type snippet struct {
	name string
	// imports are import paths relative to the module (or standard ones).
	imports []string
	// body is the body of func use(ctx context.Context).
	body string
	// wantErr is empty when the program must compile; otherwise a regular
	// expression its first type error must match.
	wantErr string
}

// model is the entity the snippets use.
const model = `
type Book struct {
	ID    int64 ` + "`orm:\"pk\"`" + `
	Title string
	Year  int
}
`

var splitSnippets = []snippet{
	{
		name:    "CreateQueryBuilder on *sqlem.EntityManager compiles",
		imports: []string{"sqlem"},
		body:    `var m *sqlem.EntityManager; _ = m.CreateQueryBuilder(Book{}, "b").Where(nil).ToSQL`,
	},
	{
		name:    "QB[T] on *sqlem.EntityManager compiles",
		imports: []string{"sqlem"},
		body:    `var m *sqlem.EntityManager; var _ []*Book; _, _ = sqlem.QB[Book](m, "b").GetResult(ctx)`,
	},
	{
		name:    "CreateQueryBuilder on the core *em.EntityManager does not compile",
		imports: []string{"em"},
		body:    `var m *em.EntityManager; _ = m.CreateQueryBuilder`,
		wantErr: `m\.CreateQueryBuilder undefined \(type \*.*em\.EntityManager has no field or method CreateQueryBuilder\)`,
	},
	{
		name:    "QB[T] on the core *em.EntityManager does not compile",
		imports: []string{"em", "sqlem"},
		body:    `var m *em.EntityManager; _ = sqlem.QB[Book](m, "b")`,
		wantErr: `cannot use m \(variable of type \*.*em\.EntityManager\) as \*.*sqlem\.EntityManager value`,
	},
	{
		name:    "Aggregate on *sqlem.EntityManager does not compile",
		imports: []string{"sqlem"},
		body:    `var m *sqlem.EntityManager; _ = m.Aggregate`,
		wantErr: `m\.Aggregate undefined \(type \*.*sqlem\.EntityManager has no field or method Aggregate\)`,
	},
	{
		name:    "Aggregate on the core *em.EntityManager does not compile",
		imports: []string{"em"},
		body:    `var m *em.EntityManager; _ = m.Aggregate`,
		wantErr: `m\.Aggregate undefined`,
	},
	{
		name:    "orm.EM() from postgres.Open is a *sqlem.EntityManager without a cast",
		imports: []string{"sqlem/postgres", "sqlem", "github.com/gomikro/gomikro"},
		body: `orm, err := postgres.Open(ctx, gomikro.Config{})
	if err != nil { return }
	var m *sqlem.EntityManager = orm.EM()
	_ = m.CreateQueryBuilder(Book{}, "b")`,
	},
	{
		name:    "a SQL EntityManager still is a core one for the generic functions",
		imports: []string{"sqlem", "em"},
		body:    `var m *sqlem.EntityManager; _, _ = em.Find[Book](ctx, m, nil)`,
	},
	{
		name:    "a typed filter compares with a value of its field's type",
		imports: []string{"query"},
		body:    `_ = query.Field[Book, string]("title").Eq("Go"); _ = query.FieldOf(func(b *Book) *int { return &b.Year }).Gte(2000)`,
	},
	{
		name:    "a typed filter does not compare with a value of another type",
		imports: []string{"query"},
		body:    `_ = query.Field[Book, string]("title").Eq(3)`,
		wantErr: `cannot use 3 \(untyped int constant\) as string value in argument to`,
	},
	{
		name:    "a typed selector filter does not compare with a value of another type",
		imports: []string{"query"},
		body:    `_ = query.FieldOf(func(b *Book) *int { return &b.Year }).Gt("2000")`,
		wantErr: `cannot use "2000" \(untyped string constant\) as int value in argument to`,
	},
	{
		name:    "typed conditions of two entities do not combine",
		imports: []string{"query"},
		body: `type Other struct{ ID int64 }
	_ = query.All(query.Field[Book, string]("title").Eq("x"), query.Field[Other, int64]("id").Eq(1))`,
		wantErr: `type query\.Typed\[Other\] of .* does not match inferred type query\.Typed\[Book\]`,
	},
}

// mongoSnippets apply once package mongoem has its EntityManager.
var mongoSnippets = []snippet{
	{
		name:    "CreateQueryBuilder on *mongoem.EntityManager does not compile",
		imports: []string{"mongoem"},
		body:    `var m *mongoem.EntityManager; _ = m.CreateQueryBuilder`,
		wantErr: `m\.CreateQueryBuilder undefined \(type \*.*mongoem\.EntityManager has no field or method CreateQueryBuilder\)`,
	},
	{
		name:    "QB[T] on *mongoem.EntityManager does not compile",
		imports: []string{"mongoem", "sqlem"},
		body:    `var m *mongoem.EntityManager; _ = sqlem.QB[Book](m, "b")`,
		wantErr: `cannot use m \(variable of type \*.*mongoem\.EntityManager\) as \*.*sqlem\.EntityManager value`,
	},
	{
		name:    "Aggregate on *mongoem.EntityManager compiles",
		imports: []string{"mongoem"},
		body:    `var m *mongoem.EntityManager; _ = m.Aggregate`,
	},
}

func TestBackendSplitByTypes(t *testing.T) {
	dir, module := moduleRoot(t)
	snippets := splitSnippets
	pkgs := []string{"./em", "./sqlem", "./sqlem/postgres", "./query"}
	if mongoLanded(dir) {
		snippets = append(snippets, mongoSnippets...)
		pkgs = append(pkgs, "./mongoem")
	} else {
		t.Log("mongoem has no EntityManager yet: its cases are left out")
	}
	exports := exportData(t, dir, pkgs)
	for _, s := range snippets {
		t.Run(s.name, func(t *testing.T) {
			err := typeCheck(s, module, exports)
			switch {
			case s.wantErr == "" && err != nil:
				t.Fatalf("does not compile: %v", err)
			case s.wantErr != "" && err == nil:
				t.Fatalf("compiles; want an error matching %s", s.wantErr)
			case s.wantErr != "" && !regexp.MustCompile(s.wantErr).MatchString(err.Error()):
				t.Fatalf("fails for another reason: %v\nwant an error matching %s", err, s.wantErr)
			}
		})
	}
}

// The EM of a SQL backend's ORM is exactly *sqlem.EntityManager, not an
// interface or another type it converts to.
func TestOpenReturnsSQLEntityManager(t *testing.T) {
	dir, module := moduleRoot(t)
	exports := exportData(t, dir, []string{"./sqlem/postgres", "./sqlem"})
	s := snippet{imports: []string{"sqlem/postgres", "github.com/gomikro/gomikro"}, body: `orm, _ := postgres.Open(ctx, gomikro.Config{})
	_ = orm.EM()`}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}}
	if err := typeCheckInfo(s, module, exports, info); err != nil {
		t.Fatal(err)
	}
	found := false
	for x, tv := range info.Types {
		call, ok := x.(*ast.CallExpr)
		if !ok {
			continue
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "EM" {
			found = true
			if got, want := tv.Type.String(), "*"+module+"/sqlem.EntityManager"; got != want {
				t.Fatalf("orm.EM() is a %s, want %s", got, want)
			}
		}
	}
	if !found {
		t.Fatal("orm.EM() not found in the snippet")
	}
}

// mongoLanded reports whether package mongoem declares its EntityManager.
func mongoLanded(dir string) bool {
	files, _ := filepath.Glob(filepath.Join(dir, "mongoem", "*.go"))
	decl := regexp.MustCompile(`(?m)^type EntityManager\b`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err == nil && decl.Match(b) {
			return true
		}
	}
	return false
}

// exportData builds pkgs and returns the export data file of each
// package they depend on, by import path.
func exportData(t *testing.T, dir string, pkgs []string) map[string]string {
	t.Helper()
	out := goCmd(t, dir, append([]string{"list", "-export", "-deps", "-json=ImportPath,Export,Error"}, pkgs...)...)
	exports := map[string]string{}
	dec := json.NewDecoder(strings.NewReader(out))
	for {
		var p struct {
			ImportPath, Export string
			Error              *struct{ Err string }
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if p.Error != nil {
			t.Fatalf("%s does not build: %s", p.ImportPath, p.Error.Err)
		}
		exports[p.ImportPath] = p.Export
	}
	return exports
}

func typeCheck(s snippet, module string, exports map[string]string) error {
	return typeCheckInfo(s, module, exports, nil)
}

// typeCheckInfo type-checks the snippet and returns its first error.
func typeCheckInfo(s snippet, module string, exports map[string]string, info *types.Info) error {
	var src bytes.Buffer
	src.WriteString("package snippet\n\nimport (\n\t\"context\"\n")
	for _, imp := range s.imports {
		if !strings.Contains(imp, ".") {
			imp = module + "/" + imp
		}
		fmt.Fprintf(&src, "\t%q\n", imp)
	}
	src.WriteString(")\n" + model + "\nfunc use(ctx context.Context) {\n\t" + s.body + "\n}\n")
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "snippet.go", src.Bytes(), 0)
	if err != nil {
		return fmt.Errorf("the snippet does not parse (a bug in the test): %w\n%s", err, src.String())
	}
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := exports[path]
		if !ok || file == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(file)
	})
	var first error
	conf := types.Config{Importer: imp, Error: func(err error) {
		if first == nil {
			first = err
		}
	}}
	_, _ = conf.Check("snippet", fset, []*ast.File{f}, info)
	return first
}
