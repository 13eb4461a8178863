"""Thin HTTP edges: parse, call a service, return."""
