"""The console's screens: one a file, each a component over its own state."""
