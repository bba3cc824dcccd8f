package mongoem_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/conformance"
	"github.com/gomikro/gomikro/internal/nettest"
	"github.com/gomikro/gomikro/internal/testdb"
	"github.com/gomikro/gomikro/mongoem"
)

func TestOpenAndCheckAreBounded(t *testing.T) {
	nettest.OpenFailsClearly(t, func(ctx context.Context, addr string) error {
		orm, err := mongoem.Open(ctx, gomikro.Config{DSN: "mongodb://" + addr + "/test",
			Entities: conformance.Entities(), ConnectTimeout: nettest.Timeout})
		if err == nil {
			_ = orm.Close()
		}
		return err
	})
	uri := testdb.MongoDatabase(t)
	rest := strings.TrimPrefix(uri, "mongodb://")
	host, path, _ := strings.Cut(rest, "/")
	p := nettest.Listen(t, host)
	orm, err := mongoem.Open(context.Background(), gomikro.Config{DSN: "mongodb://" + p.Addr() + "/" + path,
		Entities: conformance.Entities(), ConnectTimeout: nettest.Timeout})
	if err != nil {
		t.Fatal(err)
	}
	defer orm.Close()
	nettest.CheckFailsClearly(t, p, func(ctx context.Context) (bool, string) {
		st := orm.CheckConnection(ctx)
		return st.OK, st.Reason
	})
}
