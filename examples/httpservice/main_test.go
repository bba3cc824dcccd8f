package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/examples/httpservice/shop"
	"github.com/gomikro/gomikro/internal/testdb"
	"github.com/gomikro/gomikro/query"
)

// The service runs end to end through net/http on SQLite and PostgreSQL.

func TestShopSQLite(t *testing.T) {
	shopEndToEnd(t, filepath.Join(t.TempDir(), "shop.db"))
}

func TestShopSQLiteMemory(t *testing.T) {
	shopEndToEnd(t, ":memory:")
}

func TestShopPostgres(t *testing.T) {
	shopEndToEnd(t, testdb.PostgresSchema(t))
}

func shopEndToEnd(t *testing.T, dsn string) {
	ctx := context.Background()
	orm, err := open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = orm.Close() })
	srv := httptest.NewServer(shop.Handler(orm))
	t.Cleanup(srv.Close)

	call := func(method, path, body string, want int, out any) {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != want {
			var msg strings.Builder
			_, _ = fmt.Fprint(&msg, res.Status)
			buf := make([]byte, 512)
			n, _ := res.Body.Read(buf)
			t.Fatalf("%s %s: %s %s, want %d", method, path, msg.String(), buf[:n], want)
		}
		if out != nil {
			if err := json.NewDecoder(res.Body).Decode(out); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
		}
	}

	// Two books by Ann (the author is created once), one by Bob.
	var goBook, goBook2, other shop.BookJSON
	call("POST", "/books", `{"title":"Go","year":2015,"stock":3,"author":"Ann"}`, 201, &goBook)
	call("POST", "/books", `{"title":"Go 2","year":2021,"stock":1,"author":"Ann"}`, 201, &goBook2)
	call("POST", "/books", `{"title":"Rust","year":2019,"stock":5,"author":"Bob"}`, 201, &other)
	if goBook.ID == 0 || goBook.Author != "Ann" || goBook2.ID == goBook.ID {
		t.Fatalf("created: %+v %+v", goBook, goBook2)
	}
	call("POST", "/books", `{"title":"","author":"Ann"}`, 400, nil)

	var got shop.BookJSON
	call("GET", fmt.Sprintf("/books/%d", goBook.ID), "", 200, &got)
	if got != goBook {
		t.Fatalf("GET: %+v, want %+v", got, goBook)
	}
	call("GET", "/books/999999", "", 404, nil)
	call("GET", "/books/x", "", 400, nil)

	// The query builder: Ann's books since 2016, newest first.
	var list []shop.BookJSON
	call("GET", "/authors/Ann/books", "", 200, &list)
	if len(list) != 2 || list[0].Title != "Go 2" || list[1].Title != "Go" || list[1].Author != "Ann" {
		t.Fatalf("Ann's books: %+v", list)
	}
	call("GET", "/authors/Ann/books?since=2016", "", 200, &list)
	if len(list) != 1 || list[0].Title != "Go 2" {
		t.Fatalf("Ann's books since 2016: %+v", list)
	}

	// Orders in a transaction: the stock goes down and the order is written
	// together; an order beyond the stock changes nothing.
	var o shop.OrderJSON
	call("POST", fmt.Sprintf("/books/%d/orders", goBook.ID), `{"quantity":2}`, 201, &o)
	if o.ID == 0 || o.Quantity != 2 || o.Book != goBook.ID {
		t.Fatalf("order: %+v", o)
	}
	call("POST", fmt.Sprintf("/books/%d/orders", goBook.ID), `{"quantity":2}`, 409, nil)
	call("POST", fmt.Sprintf("/books/%d/orders", goBook.ID), `{"quantity":0}`, 400, nil)
	call("POST", "/books/999999/orders", `{"quantity":1}`, 404, nil)
	call("GET", fmt.Sprintf("/books/%d", goBook.ID), "", 200, &got)
	if got.Stock != 1 {
		t.Fatalf("stock after the orders: %d, want 1", got.Stock)
	}
	m := orm.EM().Fork()
	orders, err := em.Find[shop.Order](ctx, m, query.Eq("book", goBook.ID))
	if err != nil || len(orders) != 1 || orders[0].Quantity != 2 {
		t.Fatalf("orders in the database: %v, %v", orders, err)
	}
	// Every request had a unit of work of its own: nothing is left in the
	// global one.
	if n := orm.EM().Len(); n != 0 {
		t.Fatalf("%d objects in the global identity map", n)
	}
}
