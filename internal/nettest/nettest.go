// Package nettest gives connection tests misbehaving servers on
// 127.0.0.1: one that accepts and never answers, one that accepts and
// closes, and a port nothing listens on.
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

// Proxy forwards connections on 127.0.0.1 to a server until Silence or
// Close is called.
type Proxy struct {
	// Addr is where the proxy listens.
	Addr string
	mu   sync.Mutex
	mode int // 0: forward, 1: silent, 2: close
	open []net.Conn
}

// NewProxy starts a proxy to target, stopped when the test ends.
func NewProxy(t testing.TB, target string) *Proxy {
	p := &Proxy{}
	p.Addr = serve(t, func(c net.Conn) {
		p.mu.Lock()
		mode := p.mode
		p.open = append(p.open, c)
		p.mu.Unlock()
		switch mode {
		case 1:
			return
		case 2:
			_ = c.Close()
			return
		}
		s, err := net.Dial("tcp", target)
		if err != nil {
			_ = c.Close()
			return
		}
		p.mu.Lock()
		p.open = append(p.open, s)
		p.mu.Unlock()
		go pipe(c, s)
		go pipe(s, c)
	})
	t.Cleanup(func() { p.set(2) })
	return p
}

// Silence cuts every connection; new ones are accepted and never answered.
func (p *Proxy) Silence() { p.set(1) }

// Close cuts every connection; new ones are accepted and closed.
func (p *Proxy) Close() { p.set(2) }

func (p *Proxy) set(mode int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mode = mode
	for _, c := range p.open {
		_ = c.Close()
	}
	p.open = nil
}

func pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	_ = dst.Close()
	_ = src.Close()
}
