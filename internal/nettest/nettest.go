// Package nettest gives connection and fault tests misbehaving servers on
// 127.0.0.1: one that accepts and never answers, one that accepts and
// closes, a port nothing listens on, and a proxy (Proxy) that cuts the
// connections it carries by bytes, by time, at a pattern, or on demand.
package nettest

import (
	"net"
	"sync"
	"testing"
)

// Silent returns the address of a listener that accepts connections and
// never answers (until the test ends).
func Silent(t testing.TB) string {
	return serve(t, func(c net.Conn) {})
}

// Closing returns the address of a listener that accepts connections and
// closes them at once.
func Closing(t testing.TB) string {
	return serve(t, func(c net.Conn) { _ = c.Close() })
}

// ClosedPort returns an address on 127.0.0.1 where nothing listens.
func ClosedPort(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

func serve(t testing.TB, handle func(net.Conn)) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			handle(c)
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return l.Addr().String()
}
