package integration

import "errors"

// NoDocker makes this process see no Docker engine.
func NoDocker() {
	dockerCheck = func() error { return errors.New("no engine (the test said so)") }
}
