"""Accounts, enrolment, demo data and the admin CLI."""
