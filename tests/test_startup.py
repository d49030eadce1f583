"""The first second feels instant: what each command imports at start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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


BALANS = Path(sys.executable).with_name("balans")  # the console script
CLICK = (  # the same command through click, never the kept copy
    "import sys; sys.argv[0] = 'balans'; from balans.cli import run; run()"
)


def in_terminal(command: list[str], columns: int) -> str:
    """What `command` prints in a terminal `columns` wide (a pseudo-terminal)."""
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    proc = subprocess.Popen(
        command, stdout=follower, stderr=follower, env=env, cwd=REPO_ROOT
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the program has closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.mark.parametrize("columns", [60, 79, 80, 200])
def test_the_quick_help_is_what_click_prints_in_a_terminal_of_any_width(columns):
    """`balans --help` prints a kept copy only where click would print the same."""
    from balans.help_text import TOP_HELP

    quick = in_terminal([str(BALANS), "--help"], columns)
    assert quick == in_terminal([sys.executable, "-c", CLICK, "--help"], columns)
    assert (quick == TOP_HELP) == (columns >= 80)


@pytest.mark.parametrize("columns", ["60", "200"])
def test_the_quick_help_follows_columns_when_not_a_terminal(columns):
    env = {**os.environ, "COLUMNS": columns}

    def printed(*command: str) -> str:
        return subprocess.run(
            command, capture_output=True, text=True, env=env, check=True
        ).stdout

    assert printed(str(BALANS), "--help") == printed(
        sys.executable, "-c", CLICK, "--help"
    )


def test_python_m_balans_help_is_clicks_which_names_it_so():
    """Click names the program `python -m balans` there: the kept copy steps aside."""
    printed = in_terminal([sys.executable, "-m", "balans", "--help"], 100)
    assert printed.startswith("Usage: python -m balans [OPTIONS]")


@pytest.mark.parametrize("program", [[str(BALANS)], [sys.executable, "-m", "balans"]])
def test_the_quick_version_is_clicks_version(program):
    """`balans --version` answers without click; the text is what click prints."""

    def printed(*command: str) -> str:
        return subprocess.run(
            command, capture_output=True, text=True, check=True
        ).stdout

    assert printed(*program, "--version") == printed(
        sys.executable, "-c", CLICK, "--version"
    )


def test_the_installed_help_answers_without_click():
    proc = subprocess.run(
        [str(BALANS), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={**os.environ, "COLUMNS": "100"},
    )
    from balans.help_text import TOP_HELP

    assert proc.stdout == TOP_HELP
