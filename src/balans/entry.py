"""The `balans` console script: `--version` and `--help` without loading click."""

from __future__ import annotations

import os
import sys


def run() -> None:
    """Answer `balans --version` and `--help` at once; hand the rest to balans.cli.

    The help only where click would print the kept copy (`prints_the_copy`);
    the version text names `balans` always, as click's version option does.
    """
    args = sys.argv[1:]
    if args == ["--version"]:
        from balans import __version__

        sys.stdout.write(f"balans, version {__version__}\n")
        return
    if args in (["--help"], ["-h"]) and prints_the_copy():
        from balans.help_text import TOP_HELP

        sys.stdout.write(TOP_HELP)
        return
    from balans.cli import run as run_cli

    run_cli()


def prints_the_copy() -> bool:
    """Whether click would print the kept `--help` copy here: name and width match."""
    import shutil

    from balans.help_text import COLUMNS

    return _named_balans() and shutil.get_terminal_size().columns >= COLUMNS


def _named_balans() -> bool:
    """Whether click names the program `balans` (the console script, not `-m`)."""
    main = sys.modules.get("__main__")
    if getattr(main, "__package__", None):
        return False
    return os.path.basename(sys.argv[0]) == "balans"
