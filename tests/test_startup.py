"""The first second feels instant: what each command imports at start-up."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from balans.testing import DECIDED, REPO_ROOT

HEAVY = ("pyomo", "pandas", "highspy", "numpy", "openpyxl", "rich")
PROBE = """
import json, sys
from balans.cli import main
try:
    main.main(args=sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
sys.stdout.flush()
heavy = sorted({name.split(".")[0] for name in sys.modules} & set(HEAVY))
sys.stderr.write(json.dumps(heavy))
"""


def heavy_modules(*args: str) -> list[str]:
    """The heavy top-level packages a real process has imported after `args`."""
    proc = subprocess.run(
        [sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{PROBE}", *args],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
    )
    return json.loads(proc.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--version"],
        ["validate", str(DECIDED)],
        ["validate", str(DECIDED), "--format", "json"],
        ["schema"],
        ["solve", "--help"],
    ],
    ids=lambda a: " ".join(a).replace(str(DECIDED), "DECIDED"),
)
def test_light_commands_import_no_solver_and_no_data_frames(args):
    assert heavy_modules(*args) == []


def test_importing_the_cli_imports_neither_pydantic_nor_yaml():
    code = (
        "import sys, balans.cli; "
        "print(sorted(m for m in ('pydantic', 'yaml') if m in sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert proc.stdout.strip() == "[]"


def test_the_quick_version_is_clicks_version():
    """`balans --version` answers without click; the text is what click prints."""
    from click.testing import CliRunner

    from balans.cli import main

    quick = subprocess.run(
        [sys.executable, "-m", "balans", "--version"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert quick == CliRunner().invoke(main, ["--version"], prog_name="balans").output


def test_the_quick_help_is_clicks_help():
    """`balans --help` prints a kept copy; it must be what click renders."""
    from balans.help_text import TOP_HELP, render

    assert TOP_HELP == render(), (
        "src/balans/help_text.py is out of date; regenerate it with\n"
        "    .venv/bin/python -m balans.help_text"
    )


def test_the_installed_help_answers_without_click():
    proc = subprocess.run(
        [str(REPO_ROOT / ".venv" / "bin" / "balans"), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    from balans.help_text import TOP_HELP

    assert proc.stdout == TOP_HELP
