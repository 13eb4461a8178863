"""State of the console screens (observables with verbs, no controls)."""
