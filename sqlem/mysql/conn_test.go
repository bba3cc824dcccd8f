package mysql_test

import (
	"context"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/conformance"
	"github.com/gomikro/gomikro/internal/nettest"
	"github.com/gomikro/gomikro/internal/testdb"
	"github.com/gomikro/gomikro/sqlem/mysql"
)

func TestOpenAndCheckAreBounded(t *testing.T) {
	nettest.OpenFailsClearly(t, func(ctx context.Context, addr string) error {
		orm, err := mysql.Open(ctx, gomikro.Config{DSN: "root@tcp(" + addr + ")/test",
			Entities: conformance.Entities(), ConnectTimeout: nettest.Timeout})
		if err == nil {
			_ = orm.Close()
		}
		return err
	})
	mc, err := gomysql.ParseDSN(testdb.MySQLDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	p := nettest.Listen(t, mc.Addr)
	mc.Addr = p.Addr()
	orm, err := mysql.Open(context.Background(), gomikro.Config{DSN: mc.FormatDSN(), Entities: conformance.Entities(), ConnectTimeout: nettest.Timeout})
	if err != nil {
		t.Fatal(err)
	}
	defer orm.Close()
	nettest.CheckFailsClearly(t, p, func(ctx context.Context) (bool, string) {
		st := orm.CheckConnection(ctx)
		return st.OK, st.Reason
	})
}
