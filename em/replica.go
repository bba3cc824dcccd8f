package em

import "sync/atomic"

// replicas are the read replicas of the ORM's database (Config.Replicas).
type replicas struct {
	s    []Session
	next atomic.Uint32
}

// AttachReplicas gives the ORM of the global EntityManager m its read
// replicas, sessions on the databases of Config.Replicas in that order.
// Backends call it from their Open, before m is forked; applications do
// not need it.
func AttachReplicas(m Manager, rs ...Session) {
	if len(rs) == 0 {
		return
	}
	m.manager().c.replicas = &replicas{s: rs}
}

// readSession returns where m's reads run: its transaction; else, when
// the ORM has replicas and m has not written nor been asked to read the
// primary, the next replica in turn; else the pool of the primary.
func (m *EntityManager) readSession() Session {
	if m.tx != nil {
		return m.tx
	}
	if r := m.c.replicas; r != nil && !m.primary && !m.primaryOnce {
		return r.s[int(r.next.Add(1)-1)%len(r.s)]
	}
	return m.c.driver
}

// ReadSession returns where m's reads run: its transaction when it is in
// one; a read replica (each in turn) when the ORM has replicas and m
// neither wrote (flushed) nor was asked to read the primary (UsePrimary);
// else the primary's pool. Backends run their own reads (query builder
// selects, aggregations) on it; writes run on Session.
func (m *EntityManager) ReadSession() Session { return m.readSession() }

// UsePrimary makes m read from the primary database from now on, as it
// does on its own after its first write (flush); forks of m start
// reading from the replicas again. It changes nothing when the ORM has
// no replicas (Config.Replicas).
func (m *EntityManager) UsePrimary() { m.primary = true }

// ReadsPrimary reports whether m's reads outside a transaction go to the
// primary: the ORM has no replicas, or m wrote, or UsePrimary was called.
func (m *EntityManager) ReadsPrimary() bool { return m.c.replicas == nil || m.primary }

// FromPrimary makes one find or count (and its populate) read from the
// primary database even when the EntityManager reads from replicas.
func FromPrimary() FindOption { return func(o *findOptions) { o.primary = true } }

// Replicas returns the sessions of the ORM's read replicas
// (Config.Replicas), in order; nil without replicas.
func (m *EntityManager) Replicas() []Session {
	if m.c.replicas == nil {
		return nil
	}
	return m.c.replicas.s
}
