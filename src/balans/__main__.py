"""`python -m balans` runs the CLI."""

from balans.cli import main

main()
