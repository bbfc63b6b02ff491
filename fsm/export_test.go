package fsm

// Tests run the tracker strictly: a transition that is not an Edge panics,
// so the scripts, the fuzz target and the property tests catch it.
func init() { strictEdges = true }
