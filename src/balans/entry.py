"""The `balans` console script: `--version` without loading click, else the CLI."""

from __future__ import annotations

import sys


def run() -> None:
    """Answer `balans --version` at once; hand everything else to balans.cli."""
    if sys.argv[1:] == ["--version"]:
        from balans import __version__

        sys.stdout.write(f"balans, version {__version__}\n")
        return
    from balans.cli import run as run_cli

    run_cli()
