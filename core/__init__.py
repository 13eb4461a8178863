"""Pure election domain shared by the field app and the sync server (no I/O)."""
