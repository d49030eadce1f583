"""The rule tables of docs/model.md, generated from the registry.

The page holds them between `<!-- rules:begin -->` and `<!-- rules:end -->`;
`make regen` rewrites them (balans.regen) after a registry change.
"""

from __future__ import annotations

import re
from pathlib import Path

from balans.model.registry import KEY_FIGURES, LP_RULES

BEGIN, END = "<!-- rules:begin -->", "<!-- rules:end -->"
PAGE = Path(__file__).resolve().parents[2] / "docs" / "model.md"
SENSE = {"min": "at least", "max": "at most"}


def render_rule_tables() -> str:
    """The Markdown of the two tables: enforced rules, then reported key figures."""
    lines = [
        BEGIN,
        "",
        "| rule id | Swedish | English | sense | unit | source | formula | index "
        "| switch | max-margin |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for rule in LP_RULES:
        switch = f"`rules.{rule.setting}.enabled`"
        if rule.switched_on is not None:
            switch += " (and see below)"
        lines.append(
            f"| `{rule.key}` | {rule.sv_label} | {rule.en_label} | "
            f"{SENSE[rule.sense]} | {rule.unit} | {rule.source} | `{rule.formula}` | "
            f"{rule.index_doc} | {switch} | {'yes' if rule.in_max_margin else 'no'} |"
        )
    lines += [
        "",
        "Reported key figures (never enforced; status `redovisas` / `EJ uppfyllt`):",
        "",
        "| key figure | Swedish | English | unit | source | reads as |",
        "|---|---|---|---|---|---|",
    ]
    for figure in KEY_FIGURES:
        lines.append(
            f"| `{figure.key}` | {figure.sv_label} | {figure.en_label} | "
            f"{figure.unit} | {figure.source} | {figure.description} |"
        )
    lines += ["", END]
    return "\n".join(lines)


def page_with_tables(text: str) -> str:
    """`text` (docs/model.md) with its rule tables regenerated."""
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(text):
        raise ValueError(f"{PAGE} has no {BEGIN} ... {END} section")
    return pattern.sub(lambda _: render_rule_tables(), text)
