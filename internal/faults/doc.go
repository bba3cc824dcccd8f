// Package faults is gomikro's fault-injection suite: with a TCP proxy of
// our own (nettest.Proxy) between the ORM and a server, which cuts
// connections by bytes, by time or at a statement (COMMIT), it injects
// those faults and cancelled contexts into large flushes on every
// backend, then checks that the database holds all or nothing of each
// flush, that the error told the truth, and that a retry writes each row
// exactly once.
package faults
