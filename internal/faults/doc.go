// Package faults is gomikro's fault-injection suite: a TCP proxy of its
// own between the ORM and a server, which cuts connections by bytes, by
// time or at a statement (COMMIT), and scenarios that inject those faults
// and cancelled contexts into large flushes on every backend, then check
// that the database holds all or nothing of each flush, that the error
// told the truth, and that a retry writes each row exactly once.
package faults
