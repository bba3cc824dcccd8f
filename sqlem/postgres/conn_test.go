package postgres_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/conformance"
	"github.com/gomikro/gomikro/internal/nettest"
	"github.com/gomikro/gomikro/sqlem/postgres"
)

func TestOpenAndCheckAreBounded(t *testing.T) {
	nettest.OpenFailsClearly(t, func(ctx context.Context, addr string) error {
		orm, err := postgres.Open(ctx, gomikro.Config{DSN: "postgres://postgres@" + addr + "/test?sslmode=disable",
			Entities: conformance.Entities(), ConnectTimeout: nettest.Timeout})
		if err == nil {
			_ = orm.Close()
		}
		return err
	})
	dsn := testdbDSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	p := nettest.Listen(t, u.Host)
	u.Host = p.Addr()
	orm, err := postgres.Open(context.Background(), gomikro.Config{DSN: u.String(), Entities: conformance.Entities(), ConnectTimeout: nettest.Timeout})
	if err != nil {
		t.Fatal(err)
	}
	defer orm.Close()
	nettest.CheckFailsClearly(t, p, func(ctx context.Context) (bool, string) {
		st := orm.CheckConnection(ctx)
		return st.OK, st.Reason
	})
}
