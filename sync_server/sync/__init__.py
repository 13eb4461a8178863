"""Push, pull, scope and the change log's hash chain."""
