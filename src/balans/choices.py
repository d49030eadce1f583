"""The fixed choices of the command line: objectives and report formats.

Kept free of imports so that `balans --help` and shell completion start fast.
"""

from __future__ import annotations

OBJECTIVES = (
    "min-savings",
    "min-burden",
    "fair-share",
    "closest-to-decided",
    "max-margin",
    "max-fou",
)
FORMATS = ("table", "json", "csv", "md", "xlsx")

# The formats each command can write; `--format` and the suffix of `--output`
# must name one of them.
COMMAND_FORMATS = {
    "validate": ("table", "json"),
    "evaluate": FORMATS,
    "solve": FORMATS,
    "compare": FORMATS,
    "fou": FORMATS,
    "explain": FORMATS,
    "diagnose": ("table", "json", "csv", "md"),
    "schema": ("json",),
    "report": ("html",),
    "risk": ("table", "json"),
}

# `--output NAME.suffix` without `--format` writes this format.
SUFFIX_FORMATS = {
    ".txt": "table",
    ".json": "json",
    ".csv": "csv",
    ".md": "md",
    ".markdown": "md",
    ".xlsx": "xlsx",
    ".html": "html",
    ".htm": "html",
}
MODEL_SUFFIXES = (".lp", ".mps")
TABLE_FORMATS = ("parquet", "csv")  # the tables of `balans sweep`
# `--csv-dialect`: standard (comma, decimal point) or Swedish Excel (semicolon,
# decimal comma, UTF-8 with a byte-order mark so that Excel reads it as UTF-8).
CSV_DIALECTS = ("standard", "excel-sv")
RISK_FORMATS = ("table", "json")  # the report of `balans risk`
