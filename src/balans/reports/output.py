"""Write a report to stdout or, atomically, to a file."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from balans.errors import BalansError


def to_json(document: Any) -> str:
    """Pretty, stable JSON (keys in the order built, UTF-8 kept)."""
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def to_csv(frames: list[pd.DataFrame]) -> str:
    """CSV text of tidy frames, one header."""
    return pd.concat(frames, ignore_index=True).to_csv(index=False, lineterminator="\n")


def emit(text: str, output: str | None) -> None:
    """Print `text`, or write it to `output` via a temporary file and a rename."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_atomically(output, text.encode("utf-8"))


def write_atomically(output: str, data: bytes) -> None:
    """Write `data` to `output` so that a reader never sees half a file."""
    path = Path(output)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise BalansError(f"{output}: the folder {folder} does not exist")
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(
            dir=folder, prefix=f".{path.name}.", suffix=".tmp"
        )
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except OSError as exc:
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)
        raise BalansError(f"{output}: cannot write: {exc.strerror or exc}") from None
