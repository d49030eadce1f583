"""`python -m balans` runs the CLI."""

from balans.cli import run

run()
