"""PlanResult -> an Excel workbook with numbers (not text) on one sheet per table.

Text that Excel would run as a formula is written with a leading `'` (safe_frame).
"""

from __future__ import annotations

import io
from dataclasses import asdict

import pandas as pd

from balans.reports.data import month_key
from balans.reports.findings_text import finding_texts
from balans.reports.labels import TARGETS, Naming, label, word
from balans.reports.output import safe_frame
from balans.results import PlanResult

SHEET_NAME_LENGTH = 31  # Excel's limit


def _statement(
    r: PlanResult, statement: str, naming: Naming, lang: str
) -> pd.DataFrame:
    table = getattr(r, statement)
    lines = naming.order(statement)
    frame = pd.DataFrame(
        [[table[line][y] for y in r.years] for line in lines],
        index=[naming.line(statement, line, lang) for line in lines],
        columns=r.years,
    )
    frame.index.name = word("line", lang)
    return frame


def _committees(r: PlanResult, naming: Naming, lang: str) -> pd.DataFrame:
    rows, index = [], []
    for committee, measures in r.committees.items():
        for measure in (
            "net_frame",
            "savings",
            "cumulative_savings",
            "decided_savings",
        ):
            index.append((naming.committee(committee, lang), word(measure, lang)))
            rows.append([measures[measure][y] for y in r.years])
    return pd.DataFrame(rows, index=pd.MultiIndex.from_tuples(index), columns=r.years)


def _liquidity(r: PlanResult) -> pd.DataFrame:
    monthly = r.liquidity.monthly
    frame = pd.DataFrame(
        [asdict(cell) for cell in monthly.values()],
        index=[month_key(month) for month in monthly],
    )
    frame.index.name = "month"
    return frame


def _targets(r: PlanResult, lang: str) -> pd.DataFrame:
    frame = pd.DataFrame([asdict(t) for t in r.targets])
    frame.insert(
        0, word("target", lang), [label(TARGETS, t.id, lang) for t in r.targets]
    )
    return frame


def plan_to_xlsx(r: PlanResult, naming: Naming, lang: str) -> bytes:
    """The plan's statements, committees, months, targets and findings as .xlsx bytes."""
    sheets: dict[str, pd.DataFrame] = {}
    if r.has_plan:
        for statement in ("income", "balance", "cash_flow", "restoration"):
            sheets[word(statement, lang)] = _statement(r, statement, naming, lang)
        sheets[word("committees", lang)] = _committees(r, naming, lang)
        sheets[word("liquidity", lang)] = _liquidity(r)
        sheets[word("targets", lang)] = _targets(r, lang)
    sheets[word("findings", lang)] = pd.DataFrame(
        {word("findings", lang): finding_texts(r.findings, lang)}
    )
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            sheet = name.replace(":", "")[:SHEET_NAME_LENGTH]
            safe_frame(frame).to_excel(writer, sheet_name=sheet)
    return buffer.getvalue()
