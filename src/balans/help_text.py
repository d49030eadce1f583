"""The top-level `balans --help` text, kept here so it prints without importing click.

It is what click prints for `balans --help` in a terminal of 80 columns or more
(click wraps at 78 there). balans.entry prints it only where click would print
the same (see `prints_the_copy`); anywhere else click answers. `make regen`
rewrites it after a command's first docstring line changes; tests/test_regen.py
checks that it is current, tests/test_startup.py that it is click's at any width.
"""

from __future__ import annotations

TOP_HELP = "Usage: balans [OPTIONS] COMMAND [ARGS]...\n\n  Budget optimiser for Swedish regions: decided plan, optimal plan, målvärden.\n\nOptions:\n  --version   Show the version and exit.\n  --debug     Show tracebacks instead of one-line errors.\n  -h, --help  Show this message and exit.\n\nCommands:\n  compare       Decided and optimal plan side by side, with the differences.\n  diagnose      Why no plan keeps every rule: the irreducible conflicting...\n  evaluate      Run the decided plan through the model: statements and...\n  explain       What each binding rule and lever costs in the optimal...\n  fou           FoU-medel: each level's targets, extra savings, per...\n  import-excel  Read a filled budget workbook into a scenario file that...\n  report        One self-contained HTML page: statements, målvärden,...\n  risk          Monte Carlo over uncertain drivers: how likely each...\n  schema        Print the JSON Schema of a scenario file (for editors).\n  solve         Find the optimal plan; the closest plan by priority when...\n  sweep         Solve many variants of a scenario (grid, cases, sample)...\n  template      Write a budget workbook (.xlsx) to fill in: the decided...\n  validate      Check a scenario file (and --set overrides) without solving.\n"  # noqa: E501


COLUMNS = 80
"""The least terminal width at which click prints this copy (it wraps at 78)."""
PROGRAM = "balans"
"""The program name the copy shows: the console script's."""


def render() -> str:
    """What click prints for `balans --help` in a terminal of `COLUMNS` or more.

    Click wraps help at min(terminal columns, 80) - 2; its test runner would
    force 80, which no terminal shows, so the help is rendered here directly.
    """
    from balans.cli import main

    with main.make_context(
        PROGRAM, [], terminal_width=COLUMNS - 2, resilient_parsing=True
    ) as ctx:
        return ctx.get_help() + "\n"
