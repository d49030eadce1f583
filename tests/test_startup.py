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
