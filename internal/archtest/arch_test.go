package archtest

import (
	"bufio"
	"bytes"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// layers says which of the module's packages each package may depend on,
// directly or through other packages. Keys and values are package patterns
// relative to the module root, in the go command's syntax:
//
//	"."          the module's root package
//	"sqlem"      exactly that package
//	"meta/..."   that package and every package below it
//	"..."        every package of the module
//
// A package is governed by the key that matches it exactly, or else by the
// longest matching wildcard key. A package no key matches is an error: add a
// rule when you add a top-level package. Packages that do not exist are
// simply never looked up.
//
// Every rule also allows the patterns in [anywhere], except for the packages
// in [isolated].
var layers = map[string][]string{
	// Lowest layer: metadata, references, the filter language.
	"meta/...":  {},
	"ref/...":   {"meta/..."},
	"query/...": {"meta/..."},

	// The root package (Config and friends) sits just above them.
	".": {"meta/...", "ref/...", "query/..."},

	"tracking/...": {".", "meta/...", "ref/...", "query/..."},
	"em/...":       {".", "meta/...", "ref/...", "query/...", "tracking/..."},
	// Test helpers over an EntityManager.
	"em/emtest": {".", "meta/...", "ref/...", "query/...", "tracking/...", "em"},
	"repo/...":  {".", "meta/...", "ref/...", "query/...", "tracking/...", "em/..."},
	// Factories and seeders work over the driver-agnostic core only.
	"seed/...": {".", "meta/...", "ref/...", "query/...", "tracking/...", "em/...", "repo/..."},

	// schema reads metadata and declares what it needs of a dialect itself.
	"schema/...": {"meta/..."},

	// Backends. The SQL core, then its dialect packages, which may use the
	// core but not one another.
	"sqlem":       {".", "meta/...", "ref/...", "query/...", "tracking/...", "em/...", "repo/...", "schema/..."},
	"sqlem/...":   {".", "meta/...", "ref/...", "query/...", "tracking/...", "em/...", "repo/...", "schema/...", "sqlem"},
	"mongoem/...": {".", "meta/...", "ref/...", "query/...", "tracking/...", "em/...", "repo/..."},

	// The CLI works over any backend the application opens: it uses the
	// SQL core and the MongoDB backend, never a SQL dialect package, so
	// that an application links only the dialect it chose.
	"cli/...": {".", "meta/...", "ref/...", "query/...", "tracking/...", "em/...", "repo/...", "schema/...", "sqlem", "mongoem/...", "seed/..."},

	// Users' entry points may use anything.
	"integration/...": {"..."},
	"examples/...":    {"..."},

	// Internal helpers may be imported from anywhere; what they import in
	// turn is checked through their importers, because the check follows
	// dependencies transitively.
	"internal/...":      {"..."},
	"internal/archtest": {},
}

// anywhere lists packages every rule allows.
var anywhere = []string{"internal/...", ".../internal/..."}

// isolated lists rule keys that do not get [anywhere].
var isolated = map[string]bool{"internal/archtest": true}

// driverFree lists the packages that must not depend on a database driver
// or test-server module: only backends and users' entry points talk to a
// server (DESIGN.md: "dialect packages hold only what differs").
var driverFree = []string{".", "meta/...", "ref/...", "query/...", "tracking/...", "em/...", "repo/...", "seed/...", "schema/...", "sqlem"}

// driverModules are the import-path prefixes of database drivers and
// test-server modules.
var driverModules = []string{
	"github.com/jackc/pgx",
	"github.com/go-sql-driver/mysql",
	"modernc.org/sqlite",
	"github.com/mattn/go-sqlite3",
	"go.mongodb.org/mongo-driver",
	"github.com/FerretDB/FerretDB",
	"github.com/testcontainers/",
}

// pkg is one package of the module as the go command lists it, with import
// paths made relative to the module root.
type pkg struct {
	path    string
	imports []string // direct imports inside the module
	deps    []string // all dependencies inside the module
	foreign []string // all dependencies outside the module, standard library included
	direct  []string // direct imports outside the module
}

func TestDependencyDirection(t *testing.T) {
	pkgs := listPackages(t)
	byPath := make(map[string]*pkg, len(pkgs))
	for _, p := range pkgs {
		byPath[p.path] = p
	}

	for _, p := range pkgs {
		key, allowed, ok := ruleFor(p.path)
		if !ok {
			t.Errorf("package %s has no rule in internal/archtest layers; add one that matches DESIGN.md", p.path)
			continue
		}
		for _, d := range p.deps {
			if d == p.path || allows(key, allowed, d) {
				continue
			}
			if slices.Contains(p.imports, d) {
				t.Errorf("%s imports %s: not allowed by the rule %q => %q", p.path, d, key, allowed)
			} else {
				t.Errorf("%s depends on %s through %s: not allowed by the rule %q => %q",
					p.path, d, strings.Join(importChain(byPath, p.path, d), " -> "), key, allowed)
			}
		}
	}
}

func TestCoreImportsNoDriver(t *testing.T) {
	for _, p := range listPackages(t) {
		if !slices.ContainsFunc(driverFree, func(pat string) bool { return matchPattern(pat, p.path) }) {
			continue
		}
		for _, m := range driverModules {
			// One message per driver module: the direct import if there is one.
			in := func(d string) bool { return strings.HasPrefix(d, m) }
			if i := slices.IndexFunc(p.direct, in); i >= 0 {
				t.Errorf("%s imports %s: core packages reach a server only through a backend's Dialect or Driver", p.path, p.direct[i])
			} else if i := slices.IndexFunc(p.foreign, in); i >= 0 {
				t.Errorf("%s depends on %s: core packages reach a server only through a backend's Dialect or Driver", p.path, p.foreign[i])
			}
		}
	}
}

// ruleFor returns the key and allowed patterns that govern the package at
// the module-relative path rel.
func ruleFor(rel string) (key string, allowed []string, ok bool) {
	if a, found := layers[rel]; found {
		return rel, a, true
	}
	for k, a := range layers {
		if !strings.Contains(k, "...") || !matchPattern(k, rel) {
			continue
		}
		if !ok || len(k) > len(key) || (len(k) == len(key) && k < key) {
			key, allowed, ok = k, a, true
		}
	}
	return key, allowed, ok
}

func allows(key string, allowed []string, rel string) bool {
	for _, pat := range allowed {
		if matchPattern(pat, rel) {
			return true
		}
	}
	if isolated[key] {
		return false
	}
	for _, pat := range anywhere {
		if matchPattern(pat, rel) {
			return true
		}
	}
	return false
}

// matchPattern reports whether the module-relative package path rel matches
// pattern, with the go command's meaning of "...": any string, and a trailing
// "/..." also matches the empty suffix ("meta/..." matches "meta").
func matchPattern(pattern, rel string) bool {
	if pattern == "..." || pattern == "./..." {
		return true
	}
	re := regexp.QuoteMeta(pattern)
	re = strings.ReplaceAll(re, `\.\.\.`, `.*`)
	if strings.HasSuffix(re, `/.*`) {
		re = strings.TrimSuffix(re, `/.*`) + `(/.*)?`
	}
	return regexp.MustCompile(`^` + re + `$`).MatchString(rel)
}

// importChain returns a shortest chain of direct imports from "from" to "to".
func importChain(byPath map[string]*pkg, from, to string) []string {
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if cur == to {
			var chain []string
			for n := to; n != ""; n = prev[n] {
				chain = append(chain, n)
			}
			slices.Reverse(chain)
			return chain
		}
		if p := byPath[cur]; p != nil {
			for _, next := range p.imports {
				if _, seen := prev[next]; !seen {
					prev[next] = cur
					queue = append(queue, next)
				}
			}
		}
	}
	return []string{from, "?", to}
}

// moduleRoot returns the directory of the main module's go.mod and the
// module's path.
func moduleRoot(t *testing.T) (dir, module string) {
	t.Helper()
	out := goCmd(t, "", "env", "GOMOD")
	gomod := strings.TrimSpace(out)
	if gomod == "" || gomod == "/dev/null" || filepath.Base(gomod) != "go.mod" {
		t.Fatalf("go env GOMOD = %q: not inside the module", gomod)
	}
	dir = filepath.Dir(gomod)
	module = strings.TrimSpace(goCmd(t, dir, "list", "-m"))
	return dir, module
}

// listPackages lists the module's packages (not their tests) with their
// imports and dependencies inside the module. Packages with errors are
// listed as far as the go command can read them: compiling them is the
// build's job, not this test's.
func listPackages(t *testing.T) []*pkg {
	t.Helper()
	dir, module := moduleRoot(t)
	out := goCmd(t, dir, "list", "-e", "-f",
		`{{.ImportPath}}{{"\t"}}{{join .Imports " "}}{{"\t"}}{{join .Deps " "}}`, "./...")

	rel := func(ip string) (string, bool) {
		switch {
		case ip == module:
			return ".", true
		case strings.HasPrefix(ip, module+"/"):
			return strings.TrimPrefix(ip, module+"/"), true
		}
		return "", false
	}
	foreign := func(list string) []string {
		var r []string
		for _, ip := range strings.Fields(list) {
			if _, ok := rel(ip); !ok {
				r = append(r, ip)
			}
		}
		return r
	}
	ours := func(list string) []string {
		var r []string
		for _, ip := range strings.Fields(list) {
			if p, ok := rel(ip); ok {
				r = append(r, p)
			}
		}
		sort.Strings(r)
		return r
	}

	var pkgs []*pkg
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) != 3 {
			t.Fatalf("unexpected go list line %q", sc.Text())
		}
		p, ok := rel(fields[0])
		if !ok {
			continue
		}
		pkgs = append(pkgs, &pkg{path: p, imports: ours(fields[1]), deps: ours(fields[2]),
			foreign: foreign(fields[2]), direct: foreign(fields[1])})
	}
	if len(pkgs) == 0 {
		t.Fatal("go list found no packages of the module")
	}
	return pkgs
}

func goCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

func TestMatchPattern(t *testing.T) {
	tests := []struct {
		pattern, rel string
		want         bool
	}{
		{"meta/...", "meta", true},
		{"meta/...", "meta/sub", true},
		{"meta/...", "metadata", false},
		{"sqlem", "sqlem", true},
		{"sqlem", "sqlem/postgres", false},
		{"...", "anything/at/all", true},
		{".", ".", true},
		{".", "meta", false},
		{".../internal/...", "sqlem/internal/x", true},
		{".../internal/...", "sqlem/internalx", false},
	}
	for _, tt := range tests {
		if got := matchPattern(tt.pattern, tt.rel); got != tt.want {
			t.Errorf("matchPattern(%q, %q) = %v, want %v", tt.pattern, tt.rel, got, tt.want)
		}
	}
}

func TestRuleFor(t *testing.T) {
	tests := []struct{ rel, key string }{
		{"meta", "meta/..."},
		{"sqlem", "sqlem"},
		{"sqlem/postgres", "sqlem/..."},
		{"internal/rel", "internal/..."},
		{"internal/archtest", "internal/archtest"},
		{".", "."},
		{"examples/bookstore", "examples/..."},
	}
	for _, tt := range tests {
		key, _, ok := ruleFor(tt.rel)
		if !ok || key != tt.key {
			t.Errorf("ruleFor(%q) = %q, %v; want %q", tt.rel, key, ok, tt.key)
		}
	}
	if _, _, ok := ruleFor("nosuchlayer"); ok {
		t.Error("ruleFor(nosuchlayer) found a rule")
	}

	// Spot checks of the table against DESIGN.md.
	denied := [][2]string{
		{"meta", "ref"}, {"ref", "query"}, {"query", "ref"}, {"tracking", "em"},
		{"em", "sqlem"}, {"schema", "em"}, {"mongoem", "sqlem"}, {"sqlem", "sqlem/postgres"},
		{"sqlem/postgres", "sqlem/mysql"}, {"internal/archtest", "internal/rel"}, {"em", "repo"},
		{"cli", "sqlem/postgres"}, {"cli", "examples/bookstore"},
	}
	for _, d := range denied {
		key, allowed, _ := ruleFor(d[0])
		if allows(key, allowed, d[1]) {
			t.Errorf("rules allow %s to import %s", d[0], d[1])
		}
	}
	permitted := [][2]string{
		{"meta", "internal/rel"}, {"sqlem/postgres", "sqlem"}, {"sqlem/postgres", "schema"},
		{"repo", "em"}, {"cli", "sqlem"}, {"cli", "schema"}, {"cli", "mongoem"}, {"sqlem", "sqlem/internal/x"},
		{"examples/bookstore/cmd", "cli"},
	}
	for _, d := range permitted {
		key, allowed, _ := ruleFor(d[0])
		if !allows(key, allowed, d[1]) {
			t.Errorf("rules forbid %s to import %s", d[0], d[1])
		}
	}
}
