"""Photo uploads and their files on disk."""
