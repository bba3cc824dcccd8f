package nettest

import (
	"context"
	"strings"
	"testing"
	"time"
)

// Timeout is the connect timeout the checks below configure.
const Timeout = time.Second

// slack is how much longer than Timeout a bounded call may take.
const slack = 2 * time.Second

// OpenFailsClearly opens a backend (open, with Config.ConnectTimeout set
// to Timeout and a context without deadline) on a silent server, a server
// that closes every connection and a closed port, and checks that each
// Open returns within the timeout with an error naming the address and
// what happened.
func OpenFailsClearly(t *testing.T, open func(ctx context.Context, addr string) error) {
	cases := []struct {
		name, addr, want string
	}{
		{"silent", Silent(t), "no answer from"},
		{"closing", Closing(t), "closed it"},
		{"closed port", ClosedPort(t), "connection refused by"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			err := open(context.Background(), c.addr)
			took := time.Since(start)
			if err == nil {
				t.Fatalf("Open on a %s server succeeded", c.name)
			}
			if took > Timeout+slack {
				t.Errorf("Open on a %s server took %v, the timeout is %v", c.name, took, Timeout)
			}
			if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.addr) {
				t.Errorf("Open on a %s server: %q, want it to say %q and name %s", c.name, err, c.want, c.addr)
			}
		})
	}
}

// CheckFailsClearly checks a backend's CheckConnection (check, on an ORM
// opened through p with Config.ConnectTimeout = Timeout) on the live
// server, then after the server falls silent, then after it closes every
// connection: each check returns within the timeout, with a reason
// naming p.Addr() and what happened.
func CheckFailsClearly(t *testing.T, p *Proxy, check func(ctx context.Context) (ok bool, reason string)) {
	if ok, reason := check(context.Background()); !ok {
		t.Fatalf("CheckConnection on a live server: %s", reason)
	}
	for _, c := range []struct {
		name string
		set  func()
		want string
	}{
		{"silent", p.Silence, "no answer from"},
		{"closing", p.Hangup, "closed it"},
	} {
		c.set()
		start := time.Now()
		ok, reason := check(context.Background())
		took := time.Since(start)
		if ok {
			t.Fatalf("CheckConnection on a %s server: ok", c.name)
		}
		if took > Timeout+slack {
			t.Errorf("CheckConnection on a %s server took %v, the timeout is %v", c.name, took, Timeout)
		}
		if !strings.Contains(reason, c.want) || !strings.Contains(reason, p.Addr()) {
			t.Errorf("CheckConnection on a %s server: %q, want it to say %q and name %s", c.name, reason, c.want, p.Addr())
		}
	}
}
