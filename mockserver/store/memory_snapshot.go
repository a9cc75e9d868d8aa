package store

import "encoding/json"

// Snapshot returns the whole state as JSON and its size in entries, for the file store's
// compaction (Restore reads it back).
func (m *Memory) Snapshot() (json.RawMessage, int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var st memState
	b, err := json.Marshal(m.st)
	if err == nil {
		err = json.Unmarshal(b, &st)
	}
	if err != nil {
		return nil, 0, err
	}
	size := len(st.Refresh) + len(st.Static)
	for _, sub := range st.Subjects {
		size += len(sub.Recent) + len(sub.TokenMarks) + len(sub.FamilyMarks) + len(sub.Revoked)
	}
	return b, size, nil
}

// Restore replaces the state with a Snapshot.
func (m *Memory) Restore(snapshot []byte) error {
	var st memState
	if err := json.Unmarshal(snapshot, &st); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.clear()
	m.st.Set, m.st.Gen, m.st.Seq = st.Set, st.Gen, st.Seq
	for k, v := range st.Refresh {
		m.st.Refresh[k] = v
	}
	for k, v := range st.Static {
		m.st.Static[k] = v
	}
	for k, v := range st.Families {
		m.st.Families[k] = v
	}
	for k, v := range st.Subjects {
		m.st.Subjects[k] = v
	}
	return nil
}
