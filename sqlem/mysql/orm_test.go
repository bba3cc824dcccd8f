package mysql_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/sqlem/mysql"
)

func TestMariaDBReturning(t *testing.T) {
	for v, want := range map[string]bool{
		"10.11.19-MariaDB-0+deb12u1": true,
		"10.5.0-MariaDB":             true,
		"10.4.32-MariaDB":            false,
		"11.4.2-MariaDB":             true,
		"8.0.36":                     false,
		"8.4.0-mysql":                false,
	} {
		if got := mysql.MariaDBReturning(v); got != want {
			t.Errorf("%s: RETURNING %v, want %v", v, got, want)
		}
	}
}

// TestOpenFailsClearly: a malformed DSN and an unreachable server are
// errors of Open.
func TestOpenFailsClearly(t *testing.T) {
	ctx := context.Background()
	if _, err := mysql.Open(ctx, gomikro.Config{DSN: "root@tcp(127.0.0.1:3306", Entities: []any{Note{}}}); err == nil || !strings.Contains(err.Error(), "DSN") {
		t.Fatalf("malformed DSN: %v", err)
	}
	_, err := mysql.Open(ctx, gomikro.Config{DSN: "root@tcp(127.0.0.1:1)/test", Entities: []any{Note{}}, ConnectTimeout: 2 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "connect") {
		t.Fatalf("unreachable server: %v", err)
	}
}

// Note has a column whose type gomikro does not check: the server's
// strict mode does, and the error still names the field.
type Note struct {
	ID   int64  `orm:"pk"`
	Body string `orm:"type=VARCHAR(5)"`
	N    int16
}

func TestServerSideChecksNameTheField(t *testing.T) {
	ctx := context.Background()
	orm := openFresh(t, gomikro.Config{Entities: []any{Note{}}})
	m := orm.EM().Fork()
	ok, bad := &Note{Body: "fine"}, &Note{Body: "far too long"}
	if err := m.Persist(ok, bad); err != nil {
		t.Fatal(err)
	}
	err := m.Flush(ctx)
	var ce *gomikro.ConstraintError
	if !errors.Is(err, gomikro.ErrCheckViolation) || !errors.As(err, &ce) || ce.Entity != "Note" || ce.Field != "Body" {
		t.Fatalf("too long for VARCHAR(5): %v", err)
	}
	if n, _ := em.Count[Note](ctx, orm.EM().Fork(), nil); n != 0 {
		t.Fatalf("%d notes written by the failed flush", n)
	}
	bad.Body = "short"
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}
