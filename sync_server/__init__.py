"""Pantau TPS sync server: FastAPI routes over one storage interface (SQLite today)."""
