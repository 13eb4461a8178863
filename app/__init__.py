"""Pantau TPS field app: Flet UI over a local SQLite store and a sync client."""
