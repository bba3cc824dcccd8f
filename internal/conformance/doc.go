// Package conformance is gomikro's backend-neutral test suite: a bookstore
// model and scenario tests written once against the core API (package em)
// and run by every backend's tests through Run.
//
// A backend declares what it cannot do in Backend.Skip; such scenarios
// are skipped by name with the reason, never silently.
package conformance
