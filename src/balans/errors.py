"""Errors that the CLI turns into one clear line and a non-zero exit code."""

from __future__ import annotations


class BalansError(Exception):
    """Base class for every error a user can cause or meet."""

    exit_code = 1


class ScenarioError(BalansError):
    """A scenario or model file is unreadable or invalid.

    The message always names the file, the key path (dotted) and, where known,
    the line, so that the user can go straight to the fix.
    """

    def __init__(
        self,
        file: str,
        message: str,
        key_path: str = "",
        line: int | None = None,
        hint: str = "",
    ) -> None:
        self.file = file
        self.key_path = key_path
        self.line = line
        self.hint = hint
        self.reason = message
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """Return `file:line: key: message (hint)` on a single line."""
        where = _escape_newlines(self.file)
        if self.line is not None:
            where += f":{self.line}"
        text = ""
        if self.key_path:
            text += f"{_escape_newlines(self.key_path)}: "
        text += self.reason
        if self.hint:
            text += f" ({self.hint})"
        return f"{where}: " + " ".join(text.split())


def _escape_newlines(text: str) -> str:
    """Keep a name exact but on one line."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


class SolverError(BalansError):
    """The solver stopped without an answer we can trust (time limit, numerics)."""

    exit_code = 3


class VerificationError(BalansError):
    """A solved plan failed the independent re-check of identities and rules."""

    exit_code = 4
