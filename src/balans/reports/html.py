"""`balans report`: one self-contained HTML page with tables and charts.

The page comes from the jinja2 template templates/report.html.j2 (autoescaped);
this module only gathers what it shows: the scenario and its status, the
statements, the målvärden in green / amber / red (reports/traffic.py), the
decided plan against the optimal one, the closest plan's breaches, the
findings, the charts (reports/charts.py, inline SVG) and, with a risk result,
its fan charts, probabilities and drivers. Nothing on the page is fetched:
no scripts, styles, fonts or images from anywhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from balans import __version__
from balans.fou import FouTable
from balans.model.data import locked_years
from balans.model.registry import LP_RULES
from balans.reports import charts
from balans.reports.findings_text import finding_texts
from balans.reports.labels import (
    OBJECTIVES,
    SOBOL_OUTPUTS,
    TARGETS,
    Naming,
    label,
    naming_from,
    number,
    word,
)
from balans.reports.risk_input import Risk
from balans.reports.sections import (
    Section,
    side_by_side_lines,
    side_by_side_savings,
    statement_section,
    tightest_per_year,
    where,
)
from balans.reports.traffic import AMBER, GREEN, OFF, RED, light, tolerance
from balans.results import Comparison, PlanResult, TargetRow
from balans.scenario.schema import Scenario

_THOUSANDS = re.compile(r"(?<=\d) (?=\d{3}(?:\D|$))")
NBSP = "\u00a0"


def nbsp(text: str) -> str:
    """Swedish thousands separators as non-breaking spaces (1 050,0 -> 1\u00a0050,0)."""
    return _THOUSANDS.sub(NBSP, text)


def formatter(lang: str):
    """(value, decimals) -> the language's number text, with non-breaking spaces."""

    def fmt(value: float | None, decimals: int = 1) -> str:
        return nbsp(number(value, lang, decimals))

    return fmt


@dataclass(frozen=True)
class Table:
    """A table as the template draws it: cells already formatted."""

    id: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    notes: list[str]


def table_of(section: Section, table_id: str, title: str | None = None) -> Table:
    """A text Section (shared with terminal and Markdown) as an HTML table."""
    return Table(
        id=table_id,
        title=title or section.title,
        columns=[nbsp(c) for c in section.columns],
        rows=[[nbsp(cell) for cell in row] for row in section.rows],
        notes=[nbsp(note) for note in section.notes],
    )


def render_report(
    comparison: Comparison,
    s: Scenario,
    lang: str,
    fou: FouTable | None = None,
    risk: Risk | None = None,
) -> str:
    """The report page as HTML text."""
    context = report_context(comparison, s, lang, fou, risk)
    return _environment().get_template("report.html.j2").render(**context)


def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(
        loader=PackageLoader("balans.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def report_context(
    c: Comparison,
    s: Scenario,
    lang: str,
    fou: FouTable | None,
    risk: Risk | None,
) -> dict[str, Any]:
    """Everything the template shows, as text, tables and charts."""
    naming = naming_from(s)
    d, o = c.decided, c.optimal
    fmt = formatter(lang)
    plans = [d] + ([o] if o.has_plan else [])
    locked = set(locked_years(s))

    def w(key: str) -> str:
        return word(key, lang)

    return {
        "lang": lang,
        "w": w,
        "version": __version__,
        "scenario": {
            "name": s.name,
            "title": s.title,
            "years": f"{d.years[0]}-{d.years[-1]}",
            "overrides": list(d.applied_overrides),
        },
        "summary": [_summary(r, lang, fmt) for r in (d, o)],
        "statements": [
            {
                "plan": w(r.mode),
                "id": r.mode,
                "tables": [
                    table_of(
                        statement_section(
                            name, _plan_table(r, name), naming, r.years, lang
                        ),
                        f"{r.mode}-{name}",
                    )
                    for name in ("income", "balance", "cash_flow")
                ],
            }
            for r in plans
        ],
        "targets": [_target_matrix(r, s, lang, locked, fmt) for r in plans],
        "traffic_rule": w("traffic_rule"),
        "comparison": _comparison_tables(d, o, lang, naming),
        "breaches": _breaches(o, lang, naming, fmt),
        "diagnosis": _diagnosis(o, lang, naming),
        "findings": [nbsp(text) for text in finding_texts(d.findings, lang)],
        "charts": plan_charts(c, s, lang, naming, fou),
        "risk": risk_context(risk, s, lang) if risk is not None else None,
    }


def _plan_table(r: PlanResult, name: str) -> dict[str, dict[int, float]]:
    return {"income": r.income, "balance": r.balance, "cash_flow": r.cash_flow}[name]


def _summary(r: PlanResult, lang: str, fmt) -> dict[str, Any]:
    rows = [(word("status", lang), word(f"status_{r.status}", lang))]
    if r.mode == "optimal" and r.objective is not None:
        rows.append(
            (
                word("objective", lang),
                f"{label(OBJECTIVES, r.objective_name, lang)} = {fmt(r.objective)}",
            )
        )
        rows.append(
            (
                word("solver", lang),
                f"HiGHS {r.solver.get('version', '')} "
                f"({r.solver.get('problem_type', 'LP')})",
            )
        )
    if r.has_plan:
        rows.append(
            (
                word("targets_not_met", lang),
                str(len({(t.id, t.year) for t in r.broken_targets()})),
            )
        )
    return {"plan": word(r.mode, lang), "mode": r.mode, "rows": rows}


def _target_matrix(
    r: PlanResult, s: Scenario, lang: str, locked: set[int], fmt
) -> dict[str, Any]:
    """One row per målvärde, one cell per year (the tightest committee or month).

    Capacity rules (what the committees can deliver, their savings pace) bound
    the levers; they are no målvärden and are left out.
    """
    capacity = {rule.key for rule in LP_RULES if rule.priority_in(s) == "capacity"}
    rules: dict[str, dict[int, dict[str, Any]]] = {}
    for row in tightest_per_year(r.targets):
        if row.id in capacity:
            continue
        rules.setdefault(row.id, {})[row.year] = _target_cell(
            row, lang, locked if r.mode == "optimal" else set(), fmt
        )
    counts = {GREEN: 0, AMBER: 0, RED: 0, OFF: 0}
    for cells in rules.values():
        for cell in cells.values():
            counts[cell["light"]] += 1
    return {
        "plan": word(r.mode, lang),
        "id": f"targets-{r.mode}",
        "years": r.years,
        "rows": [
            {"label": label(TARGETS, rule, lang), "id": rule, "cells": cells}
            for rule, cells in rules.items()
        ],
        "counts": counts,
    }


def _target_cell(row: TargetRow, lang: str, locked: set[int], fmt) -> dict[str, Any]:
    digits = 2 if row.unit == "%" else 1
    place = where(row.committee, row.month, lang)
    status = light(row)
    if not row.enforced and not _is_key_figure(row):
        status = OFF  # a rule the scenario switches off: shown, not judged
    detail = (
        f"{word('limit', lang)} {fmt(row.limit, digits)} {row.unit}, "
        f"{word('margin', lang).lower()} {fmt(row.margin, digits)}, "
        f"{word('tolerance', lang)} ±{fmt(tolerance(row), digits)}"
    )
    return {
        "value": f"{fmt(row.value, digits)}{NBSP}{row.unit}",
        "limit": f"{fmt(row.limit, digits)}",
        "light": status,
        "light_word": word(f"light_{status}", lang),
        "where": place,
        "detail": detail,
        "locked": row.year in locked and status in (AMBER, RED),
    }


def _is_key_figure(row: TargetRow) -> bool:
    from balans.model.registry import REGISTRY

    return REGISTRY[row.id].kind == "key_figure"


def _comparison_tables(
    d: PlanResult, o: PlanResult, lang: str, naming: Naming
) -> list[Table]:
    if not o.has_plan:
        return []
    return [
        table_of(
            side_by_side_lines(d, o, lang, naming),
            "compare-lines",
            word("compare_lines", lang),
        ),
        table_of(side_by_side_savings(d, o, lang, naming), "compare-savings"),
    ]


def _breaches(o: PlanResult, lang: str, naming: Naming, fmt) -> Table | None:
    if not o.has_plan:
        return None
    rows = []
    for b in o.breaches:
        place = where(naming.committee(b.committee, lang) or None, b.month, lang)
        digits = 2 if b.unit == "%" else 1
        rows.append(
            [
                label(TARGETS, b.rule, lang),
                str(b.year),
                place,
                f"{fmt(b.amount, digits)} {b.unit}",
                fmt(b.amount_mkr),
                fmt(b.limit, digits),
                word(f"priority_{b.priority}", lang),
                word("locked_year", lang) if b.locked_year else "",
            ]
        )
    columns = [
        word(k, lang)
        for k in (
            "target",
            "year",
            "where",
            "breach_amount",
            "breach_mkr",
            "limit",
            "priority",
            "locked_column",
        )
    ]
    notes = [] if rows else [word("no_breaches", lang)]
    return Table("breaches", "", columns, rows, notes)


def _diagnosis(o: PlanResult, lang: str, naming: Naming) -> list[str]:
    if o.diagnosis is None:
        return []
    from balans.reports.sections import diagnosis_section

    return [nbsp(n) for n in diagnosis_section(o.diagnosis, lang, naming).notes]


def _chart_words(lang: str) -> charts.Words:
    return charts.Words(
        decided=word("decided", lang),
        optimal=word("optimal", lang),
        mkr="Mkr",
        year=word("year", lang),
    )


def plan_charts(
    c: Comparison, s: Scenario, lang: str, naming: Naming, fou: FouTable | None
) -> list[charts.Chart]:
    """The plan's charts in page order."""
    d, o = c.decided, c.optimal
    optimal = o if o.has_plan else None
    fmt = formatter(lang)
    words = _chart_words(lang)
    years = d.years
    names = {key: naming.committee(key, lang) for key in d.committees}
    made = [
        charts.savings_chart(
            "chart-savings",
            word("chart_savings", lang),
            years,
            {k: v["savings"] for k, v in d.committees.items()},
            {k: v["savings"] for k, v in optimal.committees.items()}
            if optimal
            else None,
            names,
            words,
            fmt,
        ),
        _cash_chart(d, optimal, lang, words, fmt),
        _restoration_chart(d, optimal, lang, words, fmt),
        _debt_chart(d, optimal, lang, words, fmt),
        _fou_chart(d, optimal, fou, lang, words, fmt),
    ]
    return [_with_markup(chart) for chart in made]


def _with_markup(chart: charts.Chart) -> charts.Chart:
    """The chart with its SVG marked safe: matplotlib escaped every text in it."""
    return charts.Chart(
        chart.id, chart.title, Markup(chart.svg), chart.marks, chart.note
    )


def _cash_chart(d, o, lang, words, fmt) -> charts.Chart:
    months = [m for y in d.years for m in d.liquidity.months(y)]

    def table(r: PlanResult):
        return {
            k: (r.liquidity.monthly[k].cash, r.liquidity.monthly[k].credit)
            for k in months
        }

    return charts.cash_chart(
        "chart-cash",
        word("chart_cash", lang),
        months,
        table(d),
        table(o) if o else None,
        {k: d.liquidity.monthly[k].floor for k in months},
        words,
        label(TARGETS, "liquidity_floor", lang),
        word("credit_drawn", lang),
        fmt,
        word("no_credit", lang),
    )


def _restoration_chart(d, o, lang, words, fmt) -> charts.Chart:
    series = [(words.decided, d.restoration["closing"], charts.DECIDED_COLOUR)]
    if o:
        series.append((words.optimal, o.restoration["closing"], charts.OPTIMAL_COLOUR))
    return charts.lines_chart(
        "chart-restoration",
        word("chart_restoration", lang),
        d.years,
        series,
        None,
        words,
        fmt,
        zero_line=True,
    )


def _debt_chart(d, o, lang, words, fmt) -> charts.Chart:
    plans = [(words.decided, d, charts.DECIDED_COLOUR)]
    if o:
        plans.append((words.optimal, o, charts.OPTIMAL_COLOUR))
    return charts.debt_chart(
        "chart-debt",
        word("chart_debt", lang),
        d.years,
        [(name, r.debt.loans, colour) for name, r, colour in plans],
        (label(TARGETS, "loan_ceiling", lang), d.debt.ceiling),
        [(name, r.debt.ratio, colour) for name, r, colour in plans],
        (label(TARGETS, "debt_ratio_ceiling", lang), d.debt.ratio_limit),
        (word("debt_loans", lang), word("debt_ratio", lang)),
        words,
        fmt,
    )


def _fou_chart(d, o, fou, lang, words, fmt) -> charts.Chart:
    plans = [(words.decided, d.fou_tkr, charts.DECIDED_COLOUR)]
    if o:
        plans.append((words.optimal, o.fou_tkr, charts.OPTIMAL_COLOUR))
    costs = (
        [(row.fou_tkr, row.extra_savings, row.feasible) for row in fou.levels]
        if fou
        else []
    )
    return charts.fou_chart(
        "chart-fou",
        word("chart_fou", lang),
        d.years,
        plans,
        costs,
        (word("fou_tkr", lang), word("fou_extra_savings", lang)),
        words,
        fmt,
        word("met", lang),
        word("not_met", lang),
    )


def risk_context(risk: Risk, s: Scenario, lang: str) -> dict[str, Any]:
    """The risk part: fan charts, probabilities, savings needed, drivers."""
    fmt = formatter(lang)
    words = _chart_words(lang)
    floor = s.rules.liquidity_floor.floor
    panels = [
        ("result", word("fan_result", lang), risk.fan["result"], 0.0),
        (
            "lowest_cash",
            word("fan_lowest_cash", lang),
            risk.fan["lowest_cash"],
            max(floor.values()) if floor else None,
        ),
        (
            "restoration_balance",
            word("fan_restoration", lang),
            risk.fan["restoration_balance"],
            0.0,
        ),
    ]
    fan = charts.fan_chart(
        "chart-fan",
        word("chart_fan", lang),
        panels,
        words,
        (word("band_outer", lang), word("band_inner", lang), word("median", lang)),
        word("reference_line", lang),
        fmt,
    )
    made = [fan]
    if risk.sobol:
        made.append(_sobol_chart(risk, lang, fmt, risk.driver_labels))
    text_key = "text_sv" if lang == "sv" else "text_en"
    label_key = "label_sv" if lang == "sv" else "label_en"
    return {
        "kind": risk.kind,
        "source": risk.source,
        "samples": fmt(risk.samples, 0) if risk.samples else None,
        "fan_plan": word(risk.fan_plan, lang),
        "charts": [_with_markup(chart) for chart in made],
        "probabilities": [
            {
                "target": str(
                    item.get(label_key) or label(TARGETS, item["target"], lang)
                ),
                "year": word("every_year", lang)
                if item["year"] is None
                else str(item["year"]),
                "decided": _percent(item.get("decided"), fmt),
                "optimal": _percent(item.get("optimal"), fmt),
            }
            for item in risk.probabilities
        ],
        "savings_needed": [
            (word("mean", lang) if key == "mean" else key, fmt(value))
            for key, value in (risk.savings_needed or {}).items()
        ],
        "discovery": [nbsp(str(item[text_key])) for item in risk.discovery],
    }


def _percent(value: float | None, fmt) -> str:
    return "-" if value is None else f"{fmt(100 * value, 0)}{NBSP}%"


def _sobol_chart(risk: Risk, lang: str, fmt, names: dict) -> charts.Chart:
    outputs: dict[str, list] = {}
    for item in risk.sobol:
        driver = str(item["driver"])
        name = names.get(driver, {}).get(lang) or driver
        outputs.setdefault(str(item["output"]), []).append(
            (
                name[:1].upper() + name[1:],
                float(item["S1"]),
                float(item.get("S1_conf") or 0.0),
                float(item["ST"]),
                float(item.get("ST_conf") or 0.0),
            )
        )
    panels = [
        (output, label(SOBOL_OUTPUTS, output, lang), rows)
        for output, rows in list(outputs.items())[:3]
    ]
    return charts.sobol_chart(
        "chart-sobol",
        word("chart_sobol", lang),
        panels,
        (word("sobol_first", lang), word("sobol_total", lang)),
        fmt,
    )
