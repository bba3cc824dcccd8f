package archtest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// coreDirs are the module-relative directories whose non-test Go files must
// never branch on a dialect's name (CONVENTIONS.md, item 3: dialects are
// data). Their subdirectories are checked too, except those named in
// dialectDirs.
var coreDirs = []string{"meta", "ref", "query", "tracking", "em", "repo", "sqlem", "schema", "cli"}

// dialectDirs are directory names that hold a dialect's own code, where its
// name may appear freely.
var dialectDirs = map[string]bool{
	"postgres": true, "postgresql": true, "pgx": true,
	"mysql": true, "mariadb": true,
	"sqlite": true, "sqlite3": true,
	"mongo": true, "mongodb": true,
}

// dialectNames are the string values that name a backend.
var dialectNames = map[string]bool{
	"postgres": true, "postgresql": true, "pg": true, "pgx": true,
	"mysql": true, "mariadb": true,
	"sqlite": true, "sqlite3": true,
	"mongo": true, "mongodb": true,
}

func TestNoDialectNameComparisons(t *testing.T) {
	root, _ := moduleRoot(t)
	fset := token.NewFileSet()
	for _, dir := range coreDirs {
		base := filepath.Join(root, dir)
		if _, err := os.Stat(base); os.IsNotExist(err) {
			continue
		}
		err := filepath.WalkDir(base, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if d.IsDir() {
				if path != base && (dialectDirs[name] || name == "testdata" ||
					strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				// Syntax errors are the compiler's to report.
				t.Logf("skipping %s: %v", path, err)
				return nil
			}
			for _, finding := range dialectComparisons(fset, f) {
				rel, _ := filepath.Rel(root, finding.pos.Filename)
				t.Errorf("%s:%d: %s compares with the dialect name %q; core code must use the Dialect interface or a capability flag (CONVENTIONS.md 3)",
					rel, finding.pos.Line, finding.what, finding.name)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

type finding struct {
	pos  token.Position
	what string
	name string
}

// dialectComparisons finds ==, != and switch cases against a dialect's name,
// and strings.EqualFold / HasPrefix / HasSuffix / Contains calls with one.
func dialectComparisons(fset *token.FileSet, f *ast.File) []finding {
	var out []finding
	add := func(n ast.Node, what string, lit string) {
		out = append(out, finding{pos: fset.Position(n.Pos()), what: what, name: lit})
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BinaryExpr:
			if n.Op != token.EQL && n.Op != token.NEQ {
				return true
			}
			for _, side := range []ast.Expr{n.X, n.Y} {
				if name, ok := dialectLiteral(side); ok {
					add(n, "a "+n.Op.String()+" comparison", name)
				}
			}
		case *ast.CaseClause:
			for _, e := range n.List {
				if name, ok := dialectLiteral(e); ok {
					add(e, "a switch case", name)
				}
			}
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); !ok || (x.Name != "strings" && x.Name != "bytes") {
				return true
			}
			switch sel.Sel.Name {
			case "EqualFold", "HasPrefix", "HasSuffix", "Contains":
				for _, a := range n.Args {
					if name, ok := dialectLiteral(a); ok {
						add(n, fmt.Sprintf("a call of %s.%s", sel.X, sel.Sel.Name), name)
					}
				}
			}
		}
		return true
	})
	return out
}

func dialectLiteral(e ast.Expr) (string, bool) {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			break
		}
		e = p.X
	}
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	if err != nil {
		return "", false
	}
	return s, dialectNames[strings.ToLower(s)]
}

func TestDialectComparisonsDetector(t *testing.T) {
	const src = `package x

import "strings"

// A comment that says d.Name() == "postgres" is fine.
const label = "postgres"

var names = map[string]int{"mysql": 1}

func f(d interface{ Name() string }) int {
	if d.Name() == "postgres" { // 1
		return 1
	}
	if "MySQL" != d.Name() { // 2
		return 2
	}
	switch d.Name() {
	case "sqlite", "other": // 3
		return 3
	case ` + "`mongodb`" + `: // 4
		return 4
	}
	if strings.EqualFold(d.Name(), "mariadb") { // 5
		return 5
	}
	if d.Name() == "table" {
		return 6
	}
	return names[label]
}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := dialectComparisons(fset, f)
	want := []string{"postgres", "MySQL", "sqlite", "mongodb", "mariadb"}
	if len(got) != len(want) {
		t.Fatalf("found %d comparisons, want %d: %+v", len(got), len(want), got)
	}
	for i, g := range got {
		if g.name != want[i] {
			t.Errorf("finding %d names %q, want %q", i, g.name, want[i])
		}
	}
}
