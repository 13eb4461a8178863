"""Entry point that `flet build` looks for: starts the field app."""

from app.main import run

if __name__ == "__main__":
    run()
