"""Write a report to stdout or, atomically, to a file; choose and check outputs.

Every file balans writes (`--output`, `--write-model`, `balans schema -o`) goes
through `check_outputs` before the run does anything, and through
`write_atomically`: the bytes go to a temporary file beside the target, which
takes the mode the target had (or the umask's mode for a new file) and is then
renamed over it. A symbolic link is written through: its target is replaced,
the link stays.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from balans.choices import COMMAND_FORMATS, SUFFIX_FORMATS
from balans.errors import BalansError

if TYPE_CHECKING:
    import pandas as pd

# OWASP, CSV injection: a cell starting with one of these is run as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9\s\u00a0\u202f,.]*%?")


def to_json(document: Any) -> str:
    """Pretty, stable JSON (keys in the order built, UTF-8 kept)."""
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula, with a leading `'` (OWASP).

    Numbers written as text (`-1 343,2`, `-12,5 %`) are left alone; anything
    else that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is
    prefixed, so that it stays text in CSV, xlsx and Markdown tables.
    """
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_START)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells, index and column names are safe_cell."""
    from pandas.api.types import is_numeric_dtype

    frame = frame.copy()
    for column in frame.columns:
        if not is_numeric_dtype(frame[column]):
            frame[column] = frame[column].map(safe_cell)
    frame.index = frame.index.map(
        lambda key: (
            tuple(map(safe_cell, key)) if isinstance(key, tuple) else safe_cell(key)
        )
    )
    frame.columns = [safe_cell(column) for column in frame.columns]
    return frame


BOM = "\ufeff"


def to_csv(frames: list[pd.DataFrame], dialect: str = "standard") -> str:
    """CSV text of tidy frames, one header; text cells are formula-safe.

    `excel-sv` is what Swedish Excel opens by double-click: `;` between fields,
    a decimal comma, and a byte-order mark so that å, ä and ö read as UTF-8.
    """
    import pandas as pd

    frame = safe_frame(pd.concat(frames, ignore_index=True))
    if dialect == "excel-sv":
        text = frame.to_csv(index=False, lineterminator="\n", sep=";", decimal=",")
        return BOM + text
    return frame.to_csv(index=False, lineterminator="\n")


def choose_format(output_format: str | None, output: str | None, command: str) -> str:
    """The report format: `--format`, else the suffix of `--output`, else table.

    A suffix that names another format than `--format` is an error, and so is a
    format the command cannot write.
    """
    if output is not None:
        check_name(output)
    suffix = Path(output).suffix.lower() if output else ""
    implied = SUFFIX_FORMATS.get(suffix)
    if output_format is None:
        output_format = implied or "table"
    elif implied is not None and implied != output_format:
        raise BalansError(
            f"{output}: the suffix {suffix} means --format {implied}, "
            f"not --format {output_format}; change one of them"
        )
    allowed = COMMAND_FORMATS[command]
    if output_format not in allowed:
        others = [
            name for name, kinds in COMMAND_FORMATS.items() if output_format in kinds
        ]
        raise BalansError(
            f"--format {output_format} is available for {_join(others)}, not {command} "
            f"(it writes {_join(allowed, 'or')})"
        )
    if output_format == "xlsx" and suffix != ".xlsx":
        raise BalansError("--format xlsx needs --output FILE.xlsx")
    return output_format


def _join(words: Iterable[str], last: str = "and") -> str:
    words = list(words)
    return (
        words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"
    )


def check_name(output: str, option: str = "--output") -> None:
    """Refuse a name that cannot be a file: empty, or ending in a slash."""
    if not output.strip():
        raise BalansError(f"{option}: the file name is empty")
    if output.endswith(("/", os.sep)) or Path(output).name in ("", ".", ".."):
        raise BalansError(f"{output}: {option} needs a file name, not a folder")


def check_outputs(outputs: dict[str, str | None], inputs: Iterable[Path]) -> None:
    """Refuse an output that is an input of the run, or another output.

    `outputs` maps the option (`--output`, `--write-model`) to its file name;
    `inputs` are the files the run read (scenario, files it extends, region
    model). Called before anything is solved or written.
    """
    read = {_identity(Path(path)): os.path.normpath(path) for path in inputs}
    seen: dict[tuple, str] = {}
    for option, name in outputs.items():
        if name is None:
            continue
        check_name(name, option)
        identity = _identity(Path(name))
        if identity in read:
            raise BalansError(
                f"{name}: {option} would overwrite {read[identity]}, an input of this "
                "run; choose another file name"
            )
        if identity in seen:
            raise BalansError(
                f"{name}: {option} and {seen[identity]} name the same file"
            )
        seen[identity] = option


def _identity(path: Path) -> tuple:
    """What makes two names the same file: device and inode, else the real path."""
    try:
        status = path.stat()
        return ("inode", status.st_dev, status.st_ino)
    except (OSError, ValueError):
        return ("path", os.path.realpath(path))


def emit(text: str, output: str | None) -> None:
    """Print `text`, or write it to `output` via a temporary file and a rename."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_atomically(output, text.encode("utf-8"))


def write_atomically(output: str, data: bytes) -> None:
    """Write `data` to `output` so that a reader never sees half a file.

    A link is followed to its target, which is replaced; the file keeps its
    mode, and a new file gets the mode the umask allows.
    """
    check_name(output)
    path = Path(output)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise BalansError(f"{output}: the folder {folder} does not exist")
    target = Path(os.path.realpath(path))
    temporary = None
    try:
        mode = _mode_for(target)
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            os.fchmod(file.fileno(), mode)
        os.replace(temporary, target)
    except OSError as exc:
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)
        raise BalansError(f"{output}: cannot write: {exc.strerror or exc}") from None


def _mode_for(target: Path) -> int:
    """The existing file's permission bits, else 0o666 less the umask."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
