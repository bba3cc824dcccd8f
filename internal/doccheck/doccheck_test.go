package doccheck

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// block is one code block of the documentation.
type block struct {
	file string // path relative to the repository root
	line int    // line of the block's first line in file
	text string
	// strict: the block is tagged go, so it must be Go.
	strict bool
	abs    string // absolute path of file, for //line directives
}

func (b block) where() string { return fmt.Sprintf("%s:%d", b.file, b.line) }

// knownImports maps the package names examples use to their paths.
var knownImports = map[string]string{
	"gomikro":     "github.com/gomikro/gomikro",
	"em":          "github.com/gomikro/gomikro/em",
	"query":       "github.com/gomikro/gomikro/query",
	"repo":        "github.com/gomikro/gomikro/repo",
	"ref":         "github.com/gomikro/gomikro/ref",
	"meta":        "github.com/gomikro/gomikro/meta",
	"schema":      "github.com/gomikro/gomikro/schema",
	"cli":         "github.com/gomikro/gomikro/cli",
	"sqlem":       "github.com/gomikro/gomikro/sqlem",
	"sqlite":      "github.com/gomikro/gomikro/sqlem/sqlite",
	"postgres":    "github.com/gomikro/gomikro/sqlem/postgres",
	"mysql":       "github.com/gomikro/gomikro/sqlem/mysql",
	"mongoem":     "github.com/gomikro/gomikro/mongoem",
	"seed":        "github.com/gomikro/gomikro/seed",
	"integration": "github.com/gomikro/gomikro/integration",
	"bson":        "go.mongodb.org/mongo-driver/v2/bson",
	"context":     "context",
	"errors":      "errors",
	"fmt":         "fmt",
	"http":        "net/http",
	"httptest":    "net/http/httptest",
	"json":        "encoding/json",
	"log":         "log",
	"slog":        "log/slog",
	"os":          "os",
	"sql":         "database/sql",
	"driver":      "database/sql/driver",
	"strconv":     "strconv",
	"strings":     "strings",
	"testing":     "testing",
	"time":        "time",
	"iter":        "iter",
}

// preludeDecls are the prelude's declarations by name; a block that
// declares a name of its own replaces the prelude's.
var preludeDecls = []struct{ name, src string }{
	{"Author", "type Author struct {\n\tID    int64  `orm:\"pk\"`\n\tName  string\n\tEmail string `orm:\"unique\"`\n\tBooks ref.Collection[Book] `orm:\"mappedBy=Author\"`\n}\n"},
	{"Book", "type Book struct {\n\tID        int64 `orm:\"pk\"`\n\tTitle     string\n\tYear      int\n\tPrice     float64\n\tAuthor    ref.Ref[Author]\n\tTags      ref.Collection[Tag] `orm:\"m:n\"`\n\tMeta      map[string]any\n\tCreatedAt time.Time `orm:\"default=now\"`\n\tVersion   int       `orm:\"version\"`\n}\n"},
	{"Tag", "type Tag struct {\n\tID   int64 `orm:\"pk\"`\n\tName string\n}\n"},
	{"entities", "// entities stands for an application's package of entities.\nvar entities = struct{ All []any }{All: []any{Author{}, Book{}, Tag{}}}\n"},
	{"migrations", "// migrations stands for an application's package of embedded migrations.\nvar migrations struct{ FS embed.FS }\n"},
}

func repoRoot(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// readmeBlocks returns the ```go blocks of a Markdown file.
func readmeBlocks(t *testing.T, root, name string) []block {
	data, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	var out []block
	var cur *block
	var buf strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trim := strings.TrimSpace(line)
		switch {
		case cur == nil && strings.HasPrefix(trim, "```"):
			lang := strings.TrimSpace(strings.TrimPrefix(trim, "```"))
			cur = &block{file: name, line: n + 1, strict: lang == "go"}
			buf.Reset()
		case cur != nil && trim == "```":
			if cur.strict {
				cur.text = buf.String()
				out = append(out, *cur)
			}
			cur = nil
		case cur != nil:
			buf.WriteString(line)
			buf.WriteByte('\n')
		}
	}
	return out
}

// commentBlocks returns the code blocks of the doc comments (package docs
// and declarations' docs) of the non-test Go files under root, skipping
// directories of other modules except those in modules.
func commentBlocks(t *testing.T, root string) []block {
	var out []block
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata") {
				return filepath.SkipDir
			}
			if path != root && name == "benchmarks" {
				return filepath.SkipDir // its own module, peers' ORMs
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		var groups []*ast.CommentGroup
		if f.Doc != nil {
			groups = append(groups, f.Doc)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			var doc *ast.CommentGroup
			switch x := n.(type) {
			case *ast.FuncDecl:
				doc = x.Doc
			case *ast.GenDecl:
				doc = x.Doc
			case *ast.TypeSpec:
				doc = x.Doc
			case *ast.ValueSpec:
				doc = x.Doc
			case *ast.Field:
				doc = x.Doc
			}
			if doc != nil {
				groups = append(groups, doc)
			}
			return true
		})
		for _, g := range groups {
			out = append(out, codeInComment(fset, rel, g)...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// codeInComment returns the code blocks of a // comment group as gofmt
// writes them: runs of lines starting with "//\t", blank comment lines
// inside a run kept.
func codeInComment(fset *token.FileSet, file string, g *ast.CommentGroup) []block {
	var out []block
	var cur *block
	var buf strings.Builder
	pendingBlank := 0
	flush := func() {
		if cur != nil {
			cur.text = buf.String()
			out = append(out, *cur)
		}
		cur, pendingBlank = nil, 0
		buf.Reset()
	}
	for _, c := range g.List {
		if !strings.HasPrefix(c.Text, "//") {
			flush()
			continue
		}
		s := strings.TrimPrefix(c.Text, "//")
		switch {
		case strings.HasPrefix(s, "\t"):
			if cur == nil {
				cur = &block{file: file, line: fset.Position(c.Slash).Line}
			}
			for ; pendingBlank > 0; pendingBlank-- {
				buf.WriteByte('\n')
			}
			buf.WriteString(strings.TrimPrefix(s, "\t"))
			buf.WriteByte('\n')
		case strings.TrimSpace(s) == "" && cur != nil:
			pendingBlank++
		default:
			flush()
		}
	}
	flush()
	return out
}

// kind says how a block is compiled.
type kind int

const (
	notGo kind = iota
	fileKind
	fragmentKind
)

// elide blanks the lines that are only "...".
func elide(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) == "..." {
			lines[i] = ""
		}
	}
	return strings.Join(lines, "\n")
}

// classify parses the block as a file, then as statements.
func classify(text string) (kind, *ast.File, error) {
	fset := token.NewFileSet()
	src := text
	if !strings.HasPrefix(strings.TrimSpace(text), "package ") {
		src = "package p\n" + text
	}
	if f, err := parser.ParseFile(fset, "", src, 0); err == nil && (len(f.Decls) > 0) {
		return fileKind, f, nil
	}
	// A fresh file set: fragmentBody takes offsets as Pos-1.
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\nfunc _() {\n"+text+"\n}\n", 0)
	if err != nil {
		return notGo, nil, err
	}
	return fragmentKind, f, nil
}

// usedPackages returns the known package names the file refers to and
// does not declare.
func usedPackages(f *ast.File) []string {
	seen := map[string]bool{}
	for _, id := range f.Unresolved {
		if _, ok := knownImports[id.Name]; ok {
			seen[id.Name] = true
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// declaredNames returns the package-level names a file block declares.
func declaredNames(f *ast.File) map[string]bool {
	out := map[string]bool{}
	for _, d := range f.Decls {
		switch x := d.(type) {
		case *ast.FuncDecl:
			if x.Recv == nil {
				out[x.Name.Name] = true
			}
		case *ast.GenDecl:
			for _, s := range x.Specs {
				switch sp := s.(type) {
				case *ast.TypeSpec:
					out[sp.Name.Name] = true
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						out[n.Name] = true
					}
				}
			}
		}
	}
	return out
}

// fragmentBody rewrites a fragment's statements so that what is left
// unused at its top level compiles: a bare value gets "_ = ", and every
// top-level variable is used after the last line.
func fragmentBody(text string, f *ast.File) string {
	fn := f.Decls[0].(*ast.FuncDecl)
	// Offsets in f are in "package p\nfunc _() {\n" + text.
	base := len("package p\nfunc _() {\n")
	var inserts []int
	var names []string
	for _, st := range fn.Body.List {
		switch s := st.(type) {
		case *ast.ExprStmt:
			switch s.X.(type) {
			case *ast.CallExpr, *ast.UnaryExpr:
			default:
				inserts = append(inserts, int(s.Pos())-1-base)
			}
		case *ast.AssignStmt:
			if s.Tok == token.DEFINE {
				for _, l := range s.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
						names = append(names, id.Name)
					}
				}
			}
		case *ast.DeclStmt:
			if g, ok := s.Decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
				for _, sp := range g.Specs {
					for _, n := range sp.(*ast.ValueSpec).Names {
						if n.Name != "_" {
							names = append(names, n.Name)
						}
					}
				}
			}
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(inserts)))
	for _, at := range inserts {
		text = text[:at] + "_ = " + text[at:]
	}
	var b strings.Builder
	b.WriteString(text)
	seen := map[string]bool{}
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			fmt.Fprintf(&b, "\t_ = %s\n", n)
		}
	}
	return b.String()
}

// generate writes block b as package dir/name and returns false when the
// block is not Go.
func generate(t *testing.T, dir, name string, b block) (bool, error) {
	text := elide(b.text)
	k, f, perr := classify(text)
	if k == notGo {
		if b.strict {
			return false, fmt.Errorf("%s: a ```go block that does not parse as Go: %v", b.where(), perr)
		}
		return false, nil
	}
	if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
		t.Fatal(err)
	}
	var src strings.Builder
	fmt.Fprintf(&src, "// Code generated by the doccheck test from %s. DO NOT EDIT.\n\n", b.where())
	declared := map[string]bool{}
	var imports []string
	switch k {
	case fileKind:
		declared = declaredNames(f)
		have := map[string]bool{}
		for _, im := range f.Imports {
			have[strings.Trim(im.Path.Value, `"`)] = true
		}
		fmt.Fprintf(&src, "package %s\n\n", name)
		for _, p := range usedPackages(f) {
			if !have[knownImports[p]] {
				imports = append(imports, p)
			}
		}
		if len(imports) > 0 {
			src.WriteString("import (\n")
			for _, p := range imports {
				fmt.Fprintf(&src, "\t%s %q\n", p, knownImports[p])
			}
			src.WriteString(")\n\n")
		}
		body := text
		if strings.HasPrefix(strings.TrimSpace(body), "package ") {
			// Keep the line count: blank out the package clause.
			i := strings.Index(body, "package ")
			j := strings.IndexByte(body[i:], '\n')
			if j < 0 {
				j = len(body) - i
			}
			body = body[:i] + body[i+j:]
		}
		fmt.Fprintf(&src, "//line %s:%d\n%s", b.abs, b.line, body)
	case fragmentKind:
		fmt.Fprintf(&src, "package %s\n\n", name)
		pk := usedPackages(f)
		pkgs := map[string]bool{"context": true, "sqlem": true, "http": true}
		for _, p := range pk {
			pkgs[p] = true
		}
		src.WriteString("import (\n")
		for _, p := range sortedKeys(pkgs) {
			fmt.Fprintf(&src, "\t%s %q\n", p, knownImports[p])
		}
		src.WriteString(")\n\n")
		src.WriteString("func block() error {\n" +
			"\tvar (\n\t\tctx  = context.Background()\n\t\torm  *sqlem.ORM\n\t\tm    *sqlem.EntityManager\n\t\terr  error\n" +
			"\t\tmux  = http.NewServeMux()\n\t\taddr = \":8080\"\n\t\tdsn  = \"\"\n\t)\n" +
			"\t_, _, _, _, _, _, _ = ctx, orm, m, err, mux, addr, dsn\n\t{\n")
		fmt.Fprintf(&src, "//line %s:%d\n%s", b.abs, b.line, fragmentBody(text, f))
		src.WriteString("\t}\n\treturn nil\n}\n")
	}
	if err := os.WriteFile(filepath.Join(dir, name, "block.go"), []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	// The prelude, without what the block declares itself.
	var pre strings.Builder
	fmt.Fprintf(&pre, "// Code generated by the doccheck test. DO NOT EDIT.\n\npackage %s\n\nimport (\n\t\"embed\"\n\t\"time\"\n\n\t\"github.com/gomikro/gomikro/ref\"\n)\n\n", name)
	pre.WriteString("var _ embed.FS\nvar _ time.Time\nvar _ ref.Ref[struct{}]\n\n")
	for _, d := range preludeDecls {
		if !declared[d.name] {
			pre.WriteString(d.src)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, name, "prelude.go"), []byte(pre.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return true, nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// moduleOf returns the module directory a block compiles in: the
// integration module for blocks that use it (it has its own go.mod),
// the main module otherwise.
func moduleOf(root string, b block) string {
	if strings.HasPrefix(filepath.ToSlash(b.file), "integration/") || strings.Contains(b.text, "integration.") {
		return filepath.Join(root, "integration")
	}
	return root
}

// TestDocumentationCompiles builds every Go block of README.md and of the
// doc comments, each as a package of its own, in one go build per module.
func TestDocumentationCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the documentation's code with the go command")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build the documentation's code: %v", err)
	}
	root := repoRoot(t)
	blocks := readmeBlocks(t, root, "README.md")
	if len(blocks) == 0 {
		t.Fatal("README.md has no ```go block: the extraction is broken")
	}
	nReadme := len(blocks)
	blocks = append(blocks, commentBlocks(t, root)...)

	// One generated directory per module, removed at the end.
	dirs := map[string]string{}
	pkgs := map[string][]string{}
	var errs []string
	built := 0
	for i, b := range blocks {
		b.abs = filepath.Join(root, b.file)
		mod := moduleOf(root, b)
		dir, ok := dirs[mod]
		if !ok {
			dir, err = os.MkdirTemp(mod, ".doccheck-")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = os.RemoveAll(dir) })
			dirs[mod] = dir
		}
		name := fmt.Sprintf("b%03d", i)
		ok, err := generate(t, dir, name, b)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if ok {
			built++
			pkgs[mod] = append(pkgs[mod], "./"+filepath.Join(filepath.Base(dir), name))
		}
	}
	for _, mod := range sortedKeys(map[string]bool{root: len(pkgs[root]) > 0, filepath.Join(root, "integration"): len(pkgs[filepath.Join(root, "integration")]) > 0}) {
		if len(pkgs[mod]) == 0 {
			continue
		}
		args := append([]string{"build"}, pkgs[mod]...)
		cmd := exec.Command(gobin, args...)
		cmd.Dir = mod
		out, err := cmd.CombinedOutput()
		if err != nil {
			errs = append(errs, relativize(string(out), root, dirs[mod]))
		}
	}
	t.Logf("%d README blocks, %d doc-comment blocks, %d built as Go", nReadme, len(blocks)-nReadme, built)
	if len(errs) > 0 {
		t.Fatalf("documentation code that does not compile (positions are README.md or source lines; "+
			"see internal/doccheck/doc.go for the convention):\n%s", strings.Join(errs, "\n"))
	}
}

// relativize makes the go command's positions of //line-mapped files
// relative to the repository root.
func relativize(out, root, dir string) string {
	out = strings.ReplaceAll(out, dir+string(filepath.Separator), "(generated)/")
	return strings.ReplaceAll(out, root+string(filepath.Separator), "")
}
