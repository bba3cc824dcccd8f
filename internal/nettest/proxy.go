package nettest

import (
	"bytes"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// Direction is one way of a proxied connection.
type Direction int

// Directions.
const (
	// Up is client to server.
	Up Direction = iota
	// Down is server to client.
	Down
)

func (d Direction) String() string {
	if d == Up {
		return "client→server"
	}
	return "server→client"
}

// Proxy is a TCP proxy on 127.0.0.1 between a client and one server. It
// counts the bytes each way and, when armed, cuts every connection it
// carries once a direction has carried a given number of bytes, after a
// given time, or at a pattern the client sends (Trigger). Connections
// opened after a cut pass again, unless Silence or Hangup changed how it
// answers.
type Proxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	conns map[*pair]bool
	// bytes carried each way since the last Reset.
	n [2]int64
	// the armed cut: in direction dir once n[dir] reaches limit (-1: off).
	dir   Direction
	limit int64
	timer *time.Timer
	// trig, when set, fires on the first chunk that contains its pattern.
	trig *Trigger
	// dropDown cuts every connection when the server next sends bytes.
	dropDown bool
	// hold delays the server's next reply.
	hold time.Duration
	cuts int
	// mode is how new connections are answered.
	mode mode
	wg   sync.WaitGroup
}

type mode int

const (
	forward mode = iota
	silent       // accepted, never answered
	hangup       // accepted and closed at once
)

// Trigger is an action taken when the client sends a pattern (such as
// "COMMIT"), for faults at an exact point of a conversation.
type Trigger struct {
	// Pattern is looked for in each chunk the client sends.
	Pattern []byte
	// Before cuts every connection before the pattern's last byte reaches
	// the server: the statement never arrives whole.
	Before bool
	// DropReply delivers the chunk and cuts every connection when the
	// server answers, so the reply is lost after the server acted.
	DropReply bool
	// Hold delays the delivery of the server's reply.
	Hold time.Duration
	// Then is called once the chunk was delivered (before Hold runs out).
	Then func()
}

type pair struct{ client, server net.Conn }

// Listen starts a proxy to target (host:port), closed when the test ends.
func Listen(tb testing.TB, target string) *Proxy {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("proxy: %v", err)
	}
	p := &Proxy{ln: ln, target: target, conns: map[*pair]bool{}, limit: -1}
	p.wg.Add(1)
	go p.accept()
	tb.Cleanup(p.Close)
	return p
}

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Close stops the proxy and cuts its connections.
func (p *Proxy) Close() {
	_ = p.ln.Close()
	p.mu.Lock()
	p.disarmLocked()
	p.cutLocked()
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		m := p.mode
		if m == silent {
			// Held open, unanswered, until the next cut.
			p.conns[&pair{client: c, server: c}] = true
		}
		p.mu.Unlock()
		if m == hangup {
			_ = c.Close()
		}
		if m != forward {
			continue
		}
		s, err := net.DialTimeout("tcp", p.target, 5*time.Second)
		if err != nil {
			_ = c.Close()
			continue
		}
		pr := &pair{client: c, server: s}
		p.mu.Lock()
		p.conns[pr] = true
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(pr, Up)
		go p.pipe(pr, Down)
	}
}

// pipe copies one direction of pr, stopping at an armed limit.
func (p *Proxy) pipe(pr *pair, d Direction) {
	defer p.wg.Done()
	src, dst := pr.client, pr.server
	if d == Down {
		src, dst = pr.server, pr.client
	}
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			if !p.conns[pr] {
				p.mu.Unlock()
				return
			}
			send, cut := int64(n), false
			if p.limit >= 0 && p.dir == d && p.n[d]+send >= p.limit {
				send, cut = max(0, p.limit-p.n[d]), true
			}
			var fired *Trigger
			if d == Up && p.trig != nil {
				if i := bytes.Index(buf[:n], p.trig.Pattern); i >= 0 {
					fired, p.trig = p.trig, nil
					if fired.Before {
						send, cut = int64(i+len(fired.Pattern)-1), true
					}
					p.dropDown = fired.DropReply
					p.hold = fired.Hold
				}
			}
			if d == Down && p.dropDown {
				send, cut, p.dropDown = 0, true, false
			}
			hold := time.Duration(0)
			if d == Down {
				hold, p.hold = p.hold, 0
			}
			p.n[d] += send
			if cut {
				p.disarmLocked()
			}
			p.mu.Unlock()
			if hold > 0 {
				time.Sleep(hold)
			}
			_, werr := dst.Write(buf[:send])
			if fired != nil && fired.Then != nil {
				fired.Then()
			}
			if cut {
				p.mu.Lock()
				p.cutLocked()
				p.mu.Unlock()
				return
			}
			if werr != nil {
				p.drop(pr)
				return
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				// Half-close: pass the end on.
				if tc, ok := dst.(*net.TCPConn); ok {
					_ = tc.CloseWrite()
					return
				}
			}
			p.drop(pr)
			return
		}
	}
}

func (p *Proxy) drop(pr *pair) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conns[pr] {
		delete(p.conns, pr)
		_ = pr.client.Close()
		_ = pr.server.Close()
	}
}

// cutLocked closes every connection the proxy carries.
func (p *Proxy) cutLocked() {
	if len(p.conns) > 0 {
		p.cuts++
	}
	for pr := range p.conns {
		_ = pr.client.Close()
		_ = pr.server.Close()
		delete(p.conns, pr)
	}
}

func (p *Proxy) disarmLocked() {
	p.limit = -1
	p.trig, p.dropDown, p.hold = nil, false, 0
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
}

// Reset zeroes the byte counts and disarms the proxy.
func (p *Proxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.disarmLocked()
	p.n = [2]int64{}
}

// Arm sets a trigger, replacing any other.
func (p *Proxy) Arm(t Trigger) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.trig = &t
}

// Bytes returns what each direction carried since the last Reset.
func (p *Proxy) Bytes() (up, down int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n[Up], p.n[Down]
}

// CutAtBytes arms a cut of every connection once direction d has carried
// n bytes since the last Reset: the n-th byte is the last one through.
func (p *Proxy) CutAtBytes(d Direction, n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dir, p.limit = d, n
}

// CutAfter arms a cut of every connection after d.
func (p *Proxy) CutAfter(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.timer != nil {
		p.timer.Stop()
	}
	p.timer = time.AfterFunc(d, func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.cutLocked()
	})
}

// Silence cuts every connection; new ones are accepted and never
// answered, as by a server that hangs.
func (p *Proxy) Silence() { p.setMode(silent) }

// Hangup cuts every connection; new ones are accepted and closed at once.
func (p *Proxy) Hangup() { p.setMode(hangup) }

// Forward lets new connections through again.
func (p *Proxy) Forward() { p.setMode(forward) }

func (p *Proxy) setMode(m mode) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mode = m
	p.cutLocked()
}

// Cuts returns how many times the proxy cut live connections.
func (p *Proxy) Cuts() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cuts
}
