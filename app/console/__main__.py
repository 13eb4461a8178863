"""`python -m app.console`: the supervisor console on a laptop."""

from app.console.main import run

run()
