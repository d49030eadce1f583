"""`python -m balans` runs the CLI."""

from balans.entry import run

run()
