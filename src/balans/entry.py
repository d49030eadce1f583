"""The `balans` console script: `--version` and `--help` without loading click."""

from __future__ import annotations

import sys


def run() -> None:
    """Answer `balans --version` at once; hand everything else to balans.cli."""
    if sys.argv[1:] == ["--version"]:
        from balans import __version__

        sys.stdout.write(f"balans, version {__version__}\n")
        return
    if sys.argv[1:] in (["--help"], ["-h"]):
        from balans.help_text import TOP_HELP

        sys.stdout.write(TOP_HELP)
        return
    from balans.cli import run as run_cli

    run_cli()
