"""The top-level `balans --help` text, kept here so it prints without importing click.

tests/test_startup.py checks that it is exactly what click renders for `balans --help`;
after changing a command's first docstring line, regenerate it with

    .venv/bin/python -m balans.help_text
"""

from __future__ import annotations

TOP_HELP = "Usage: balans [OPTIONS] COMMAND [ARGS]...\n\n  Budget optimiser for Swedish regions: decided plan, optimal plan, målvärden.\n\nOptions:\n  --version   Show the version and exit.\n  --debug     Show tracebacks instead of one-line errors.\n  -h, --help  Show this message and exit.\n\nCommands:\n  compare       Decided and optimal plan side by side, with the differences.\n  diagnose      Why no plan keeps every rule: the irreducible conflicting...\n  evaluate      Run the decided plan through the model: statements and...\n  explain       What each binding rule and lever costs in the optimal plan...\n  fou           FoU-medel: each level's targets, extra savings, per...\n  import-excel  Read a filled budget workbook into a scenario file that...\n  report        One self-contained HTML page: statements, målvärden, plans...\n  risk          Monte Carlo over uncertain drivers: how likely each...\n  schema        Print the JSON Schema of a scenario file (for editors).\n  solve         Find the optimal plan; the closest plan by priority when...\n  sweep         Solve many variants of a scenario (grid, cases, sample)...\n  template      Write a budget workbook (.xlsx) to fill in: the decided...\n  validate      Check a scenario file (and --set overrides) without solving.\n"  # noqa: E501


def render() -> str:
    """What click renders for `balans --help` now (imports the CLI)."""
    from click.testing import CliRunner

    from balans.cli import main

    return CliRunner().invoke(main, ["--help"], prog_name="balans").output


if __name__ == "__main__":
    import pathlib
    import re

    path = pathlib.Path(__file__)
    text = path.read_text(encoding="utf-8")
    text = re.sub(
        r"TOP_HELP = .*?\n\n\n",
        lambda _: f"TOP_HELP = {render()!r}  # noqa: E501\n\n\n",
        text,
        flags=re.S,
    )
    path.write_text(text, encoding="utf-8")
