package tracking

// DeleteVersion returns the version a versioned row must still have for
// its DELETE to go ahead, and whether there is one to check: the version
// it was loaded or last flushed with. A reference (GetReference, never
// loaded) has no snapshot: its version field is checked when the caller
// set it, and otherwise the row is deleted by key alone.
func DeleteVersion(row *Entry) (any, bool) {
	v := row.E.Version
	if v == nil {
		return nil, false
	}
	if row.Snap != nil {
		return v.Value(row.Snap).Interface(), true
	}
	cur := v.Value(row.Obj)
	if cur.IsZero() {
		return nil, false
	}
	return cur.Interface(), true
}
