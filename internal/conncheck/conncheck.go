// Package conncheck explains why a connection to a database server
// failed, in the same words on every backend: the address, and whether
// it refused, did not answer in time, closed the connection, failed TLS,
// or refused the credentials.
package conncheck

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"time"
)

// Hint is what a backend recognises in its driver's error.
type Hint uint8

// Hints.
const (
	None Hint = iota
	// Auth: the server refused the credentials.
	Auth
	// Closed: the connection was closed under the driver.
	Closed
)

// Reason describes err, the failure of a connection or check to addr
// bounded by timeout, with what the backend recognised in it (it knows
// its own error codes).
func Reason(addr string, timeout time.Duration, err error, hint Hint) string {
	var (
		dnsErr  *net.DNSError
		recErr  tls.RecordHeaderError
		certErr *tls.CertificateVerificationError
		unkErr  x509.UnknownAuthorityError
		hostErr x509.HostnameError
		netErr  net.Error
	)
	at := addr
	if at == "" {
		at = "the server"
	}
	switch {
	case hint == Auth:
		return at + " refused the credentials (authentication failed): " + err.Error()
	case errors.As(err, &dnsErr):
		return "cannot resolve the host of " + at + ": " + err.Error()
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused by " + at + " (is the server running and listening there?)"
	case errors.As(err, &recErr), errors.As(err, &certErr), errors.As(err, &unkErr), errors.As(err, &hostErr),
		strings.Contains(err.Error(), "tls:"):
		return "TLS with " + at + " failed: " + err.Error()
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "no answer from " + at + " within " + timeout.String() + " (it accepted no connection, or did not speak its protocol)"
	case errors.Is(err, context.Canceled):
		return "the check of " + at + " was canceled"
	case hint == Closed, errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, net.ErrClosed), errors.Is(err, syscall.EPIPE):
		return at + " accepted the connection and closed it before answering (not the expected server, a proxy without a backend, or TLS expected?): " + err.Error()
	}
	return "connection to " + at + " failed: " + err.Error()
}
