"""One screen a file; each is a thin @ft.component over a state object."""
