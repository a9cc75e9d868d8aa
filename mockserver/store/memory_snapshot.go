package store

import "encoding/json"

// snapshot returns a deep copy of the state (through JSON, the form the file store logs it in)
// and its size in entries, for the file store's compaction.
func (m *Memory) snapshot() (memState, int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var st memState
	b, err := json.Marshal(m.st)
	if err == nil {
		err = json.Unmarshal(b, &st)
	}
	if err != nil {
		return memState{}, 0, err
	}
	size := len(st.Refresh) + len(st.Static)
	for _, sub := range st.Subjects {
		size += len(sub.Recent) + len(sub.TokenMarks) + len(sub.FamilyMarks) + len(sub.Revoked)
	}
	return st, size, nil
}

// restore replaces the state with st (from a snapshot).
func (m *Memory) restore(st memState) {
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
}
