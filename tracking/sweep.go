package tracking

// A flush walks the tracked entries twice: the cascade (the caller's, to
// persist new objects reachable from tracked ones) and Build (to find
// what changed). Sweep is the cascade's walk: it compares each managed
// entry with its snapshot on the way, hands the cascade only the entries
// whose references may point somewhere new, and marks the unchanged
// ones, so that Build, when nothing touched the objects in between,
// skips them without reading them again.

// Sweep calls visit, in registration order, for every tracked entry that
// is new, managed or a reference, entries that visit itself adds
// included, except managed entries that have not changed since their
// snapshot and whose references are all columns (their targets then are
// the objects they were when last loaded or flushed). It stops at the
// first error visit returns.
//
// The managed entries found unchanged are marked; the next Build skips
// them. The marks hold until that Build, DropMarks or Clear: a caller
// that changes an object or an entry's state after Sweep (user code,
// collection writes) calls DropMarks before Build.
func (t *Tracker) Sweep(visit func(*Entry) error) error {
	t.settleList()
	t.marksOK = false
	n := len(t.entries)
	words := (n + 63) / 64
	if cap(t.marks) < words {
		t.marks = make([]uint64, words)
	} else {
		t.marks = t.marks[:words]
		clear(t.marks)
	}
	marks := t.marks
	moved := t.moved
	var sh *shape
	entries := t.entries // (visit may add entries: read again after it)
	for i := 0; i < len(entries); i++ {
		en := entries[i]
		if en == nil {
			continue
		}
		switch en.State {
		case StateManaged:
			// (Entries visit adds come after n and are new.)
			if en.Snap == nil || i >= n {
				break
			}
			if sh == nil || sh.e != en.E {
				sh = t.shape(en.E)
			}
			if sh.words > 0 && sh.refsAreColumns {
				// A run of the type's rows: those unchanged need no
				// visit; the first that is not stops the run.
				if j := sweepRun(entries[:min(n, len(entries))], i, sh, marks); j > i {
					i = j - 1
					continue
				}
			}
			var same bool
			if sh.words > 0 {
				// One span of whole words, no deep column.
				same = wordsEqual(en.Obj, en.Snap, sh.wordsAt, sh.words)
			} else if sh.markable {
				same = sh.unchanged(en)
			}
			if same {
				marks[i>>6] |= 1 << (uint(i) & 63)
				if sh.refsAreColumns {
					continue
				}
			}
		case StateNew, StateRef:
		default:
			continue
		}
		if err := visit(en); err != nil {
			return err
		}
		entries = t.entries
	}
	// A compaction (Detach) while visiting moved the entries: the marks
	// no longer match their indexes.
	t.marksOK = t.moved == moved
	return nil
}

// DropMarks forgets the marks of the last Sweep: the next Build compares
// every entry.
func (t *Tracker) DropMarks() { t.marksOK = false }

// takeMarks returns the marks of the last Sweep when they hold (nil when
// not), and drops them.
func (t *Tracker) takeMarks() []uint64 {
	if !t.marksOK {
		return nil
	}
	t.marksOK = false
	return t.marks
}

// unchanged reports whether the managed entry en equals its snapshot in
// every column, for a markable layout (one whose comparisons never fail
// and run no user code).
func (s *shape) unchanged(en *Entry) bool {
	if !s.bitsEqual(en.Obj, en.Snap) {
		return false
	}
	for _, i := range s.deepCols {
		if eq, _ := s.cols[i].equal(en, en.Obj, en.Snap); !eq {
			return false
		}
	}
	return true
}
