package mongoem

import (
	"context"
	"errors"
	"net"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/conncheck"
)

// codeAuthFailed is the server's AuthenticationFailed.
const codeAuthFailed = 18

// DefaultConnectTimeout bounds Open and CheckConnection when
// Config.ConnectTimeout is zero.
const DefaultConnectTimeout = 10 * time.Second

// connReason explains a failed connection to hosts within timeout. A
// server-selection timeout is explained by the last error the driver saw
// from a server, when it saw one.
func connReason(hosts []string, timeout time.Duration, err error) string {
	var sse topology.ServerSelectionError
	if errors.As(err, &sse) {
		for _, s := range sse.Desc.Servers {
			if s.LastError != nil {
				err = s.LastError
				break
			}
		}
	}
	hint := conncheck.None
	var ce mongo.CommandError
	if errors.As(err, &ce) && ce.Code == codeAuthFailed || strings.Contains(err.Error(), "auth error") {
		hint = conncheck.Auth
	}
	return conncheck.Reason(strings.Join(hosts, ","), timeout, err, hint)
}

// dialAny dials hosts until one accepts a TCP connection, bounded by
// timeout: the driver waits out its whole server-selection timeout even
// when every host refuses at once, which this answers in a round trip.
func dialAny(ctx context.Context, hosts []string, timeout time.Duration) error {
	var d net.Dialer
	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var first error
	for _, h := range hosts {
		c, err := d.DialContext(dctx, "tcp", h)
		if err == nil {
			_ = c.Close()
			return nil
		}
		if first == nil {
			first = err
		}
	}
	return first
}

// CheckConnection connects to the server anew and pings it, bounded by
// Config.ConnectTimeout (10 seconds when zero) as well as by ctx, and
// reports why it failed. A fresh client answers for the server as it is
// now, not for connections the pool holds from before.
func (o *ORM) CheckConnection(ctx context.Context) gomikro.ConnectionStatus {
	cctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	c, err := mongo.Connect(options.Client().ApplyURI(o.uri).SetConnectTimeout(o.timeout).
		SetServerSelectionTimeout(o.timeout).SetMaxPoolSize(1))
	if err == nil {
		defer func() { _ = c.Disconnect(context.WithoutCancel(ctx)) }()
		err = c.Ping(cctx, nil)
	}
	if err == nil {
		return gomikro.ConnectionStatus{OK: true}
	}
	return gomikro.ConnectionStatus{Reason: connReason(o.hosts, o.timeout, err), Err: err}
}
