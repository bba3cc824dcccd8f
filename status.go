package gomikro

// ConnectionStatus is the answer of a backend's CheckConnection.
type ConnectionStatus struct {
	OK bool
	// Reason says why the check failed, for people: the address, and
	// whether it refused, did not answer within the timeout, closed the
	// connection, failed TLS or refused the credentials.
	Reason string
	// Err is the driver's error.
	Err error
}
