"""Plans, comparisons and FoU tables -> formatted Excel workbooks.

Each report is a summary sheet (scenario, status, solver, applied `--set`
changes) and one sheet per table, written by reports/workbook.py: frozen
header rows, number formats, no index column, one value per cell (a nämnd's
name on every row), Swedish or English headers and status words. Numbers are
those of the JSON report, rounded to the decimals shown; percentages are
stored as fractions (see workbook.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from balans.reports.findings_text import finding_texts
from balans.reports.labels import (
    MONTHS,
    OBJECTIVES,
    TARGETS,
    Naming,
    label,
    number,
    word,
)
from balans.reports.sections import (
    FOU_LEVEL_COLUMNS,
    MET,
    NOT_MET,
    REPORTED,
    target_status,
)
from balans.reports.workbook import SheetTable, write_workbook
from balans.results import Comparison, Diagnosis, PlanResult

if TYPE_CHECKING:
    import pandas as pd

    from balans.explain import Explanation
    from balans.fou import FouTable

STATEMENTS = ("income", "balance", "cash_flow", "restoration")


def _frame(rows: list[list[Any]], columns: list[Any]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows, columns=columns, dtype=object)


def plan_summary(r: PlanResult, lang: str, prefix: str = "") -> list[tuple[str, Any]]:
    """The first sheet's rows: scenario, status, objective, solver, applied changes."""
    rows: list[tuple[str, Any]] = [
        (prefix + word("scenario", lang), r.scenario),
        (prefix + word("title", lang), r.title),
        (prefix + word("mode", lang), word(r.mode, lang)),
        (prefix + word("status", lang), word(f"status_{r.status}", lang)),
    ]
    if r.mode == "optimal" and r.objective is not None:
        rows.append(
            (
                prefix + word("objective", lang),
                label(OBJECTIVES, r.objective_name, lang),
            )
        )
        rows.append((prefix + word("objective", lang) + " (Mkr)", r.objective))
    solver = r.solver
    rows += [
        (prefix + word("solver", lang), f"HiGHS {solver.get('version', '')}".strip()),
        (prefix + word("problem_type", lang), solver.get("problem_type", "")),
        (prefix + word("solver_status", lang), str(solver.get("termination", ""))),
    ]
    changes = list(r.applied_overrides) or [word("no_overrides", lang)]
    rows += [(prefix + word("overrides", lang), change) for change in changes]
    return rows


def _statement(r: PlanResult, statement: str, naming: Naming, lang: str) -> SheetTable:
    table = getattr(r, statement)
    rows = [
        [naming.line(statement, line, lang), *(table[line][y] for y in r.years)]
        for line in naming.order(statement)
        if line in table
    ]
    columns = [word("line", lang), *r.years]
    return SheetTable(
        word(statement, lang),
        _frame(rows, columns),
        {y: "mkr" for y in r.years},
    )


def _committees(r: PlanResult, naming: Naming, lang: str) -> SheetTable:
    rows = [
        [naming.committee(c, lang), word(measure, lang), *(v[y] for y in r.years)]
        for c, measures in r.committees.items()
        for measure, v in measures.items()
    ]
    columns = [word("committee", lang), word("measure", lang), *r.years]
    return SheetTable(
        word("committees", lang),
        _frame(rows, columns),
        {y: "mkr" for y in r.years},
        label_columns=2,
        sheet=word("sheet_committees", lang),
    )


def _liquidity(r: PlanResult, lang: str) -> SheetTable:
    columns = [
        word("year", lang),
        word("month", lang),
        word("cash", lang),
        word("credit", lang),
        word("floor", lang),
    ]
    rows = [
        [year, label(MONTHS, str(month), lang), cell.cash, cell.credit, cell.floor]
        for (year, month), cell in r.liquidity.monthly.items()
    ]
    return SheetTable(
        word("liquidity", lang),
        _frame(rows, columns),
        {columns[0]: "year", **{c: "mkr" for c in columns[2:]}},
        label_columns=2,
    )


DEBT_MEASURES = (
    ("loans", "mkr"),
    ("ceiling", "mkr"),
    ("published_ceiling", "mkr"),
    ("ratio", "pct"),
    ("ratio_limit", "pct"),
    ("interest", "mkr"),
    ("credit_interest", "mkr"),
)


def _debt(plans: list[PlanResult], lang: str) -> SheetTable:
    """Loans, lånetak, debt ratio and its ceiling, interest: one row per year (and plan)."""
    several = len(plans) > 1
    columns = [word("year", lang)] + ([word("mode", lang)] if several else [])
    columns += [word(f"debt_{m}", lang) for m, _ in DEBT_MEASURES]
    rows = []
    for y in plans[0].years:
        for r in plans:
            if r.debt is None:
                continue
            plan = [word(r.mode, lang)] if several else []
            rows.append(
                [y, *plan, *(getattr(r.debt, m).get(y) for m, _ in DEBT_MEASURES)]
            )
    formats = {columns[0]: "year"}
    formats.update(
        {word(f"debt_{m}", lang): kind for m, kind in DEBT_MEASURES},
    )
    notes = [word("percent_note", lang)]
    for r in plans:
        for reading in r.debt.readings if r.debt else []:
            mark = " *" if reading.used else ""
            ratios = ", ".join(
                f"{y}: {number(v, lang)} %" for y, v in reading.ratio.items()
            )
            notes.append(
                f"{word('reading', lang)} {reading.numerator}, pharma_grant="
                f"{reading.include_pharma_grant}{mark}: {ratios}"
            )
        if several:
            break
    return SheetTable(
        word("debt", lang),
        _frame(rows, columns),
        formats,
        notes=notes,
        label_columns=2 if several else 1,
    )


def _status_word(status: str, met: bool, lang: str) -> str:
    if status == REPORTED:
        return word(MET if met else NOT_MET, lang)
    return word(status, lang)


def _targets(r: PlanResult, naming: Naming, lang: str) -> SheetTable:
    keys = (
        "target",
        "key",
        "year",
        "committee",
        "month",
        "value",
        "limit",
        "margin",
        "unit",
        "status",
        "shadow_price",
    )
    columns = [word(k, lang) for k in keys]
    rows = [
        [
            label(TARGETS, t.id, lang),
            t.id,
            t.year,
            naming.committee(t.committee, lang) or None,
            label(MONTHS, str(t.month), lang) if t.month else None,
            t.value,
            t.limit,
            t.margin,
            t.unit,
            _status_word(target_status(t), t.met, lang),
            t.shadow_price,
        ]
        for t in r.targets
    ]
    formats = dict.fromkeys(columns[5:8], "mkr2")
    formats[columns[2]] = "year"
    formats[columns[10]] = "num3"
    return SheetTable(word("targets", lang), _frame(rows, columns), formats)


def _breaches(r: PlanResult, naming: Naming, lang: str) -> SheetTable:
    return _amounts_by_rule(r.breaches, naming, lang, word("breaches", lang))


def _amounts_by_rule(items, naming: Naming, lang: str, title: str) -> SheetTable:
    """Breaches or relaxations: rule, year, nämnd, month, amount, unit, limit."""
    keys = ("rule", "year", "committee", "month", "amount", "unit", "limit")
    columns = [word(k, lang) for k in keys]
    rows = [
        [
            label(TARGETS, item.rule, lang),
            item.year,
            naming.committee(item.committee, lang) or None,
            label(MONTHS, str(item.month), lang) if item.month else None,
            item.amount,
            item.unit,
            item.limit,
        ]
        for item in items
    ]
    formats = {columns[1]: "year", columns[4]: "mkr2", columns[6]: "mkr2"}
    return SheetTable(title, _frame(rows, columns), formats)


def diagnosis_tables(d: Diagnosis, naming: Naming, lang: str) -> list[SheetTable]:
    """The diagnosis: least relaxations, the rules they press against, each alone."""
    title = word("diagnosis", lang)
    relaxations = _amounts_by_rule(
        d.relaxations, naming, lang, word("diagnosis_relax", lang)
    )
    relaxations.notes = [title, word("relax", lang)]
    tables = [relaxations]
    pressing_columns = [word(k, lang) for k in ("rule", "year", "committee", "month")]
    pressing = [
        [
            label(TARGETS, p.rule, lang),
            p.year,
            naming.committee(p.committee, lang) or None,
            label(MONTHS, str(p.month), lang) if p.month else None,
        ]
        for p in d.pressing
    ]
    tables.append(
        SheetTable(
            word("diagnosis_pressing", lang),
            _frame(pressing, pressing_columns),
            {pressing_columns[1]: "year"},
            notes=[title, word("pressing", lang)],
        )
    )
    alone_columns = [word(k, lang) for k in ("rule", "possible", "year", "amount")]
    alone_columns.append(word("unit", lang))
    alone = []
    for a in d.alone:
        possible = word("yes" if a.possible else "no", lang)
        years = a.by_year.items() if a.possible else [(None, None)]
        for year, amount in years:
            alone.append([label(TARGETS, a.rule, lang), possible, year, amount, a.unit])
    tables.append(
        SheetTable(
            word("diagnosis_alone", lang),
            _frame(alone, alone_columns),
            {alone_columns[2]: "year", alone_columns[3]: "mkr2"},
            notes=[title, word("alone", lang)],
        )
    )
    return tables


def _findings(findings: list, lang: str) -> SheetTable:
    texts = finding_texts(findings, lang)
    return SheetTable(
        word("findings", lang), _frame([[t] for t in texts], [word("findings", lang)])
    )


def _fou_years(r: PlanResult, lang: str) -> SheetTable:
    columns = [word("year", lang), word("fou_tkr", lang)]
    rows = [[y, v] for y, v in r.fou_tkr.items()]
    formats = {columns[0]: "year", columns[1]: "tkr"}
    if r.fou is not None:
        columns.append(word("fou_per_100k", lang))
        columns.append(word("fou_salary", lang))
        for row in rows:
            row += [r.fou.per_100k.get(row[0]), r.fou.salary_tkr.get(row[0])]
        formats.update({columns[2]: "mkr", columns[3]: "tkr"})
    return SheetTable(word("fou_tkr", lang), _frame(rows, columns), formats)


def plan_tables(r: PlanResult, naming: Naming, lang: str) -> list[SheetTable]:
    """Every table of one plan's workbook, after the summary sheet."""
    tables: list[SheetTable] = []
    if r.has_plan:
        tables += [_statement(r, s, naming, lang) for s in STATEMENTS]
        tables.append(_committees(r, naming, lang))
        if r.liquidity is not None:
            tables.append(_liquidity(r, lang))
        if r.debt is not None:
            tables.append(_debt([r], lang))
        tables.append(_targets(r, naming, lang))
        if r.fou_tkr:
            tables.append(_fou_years(r, lang))
    if r.breaches:
        tables.append(_breaches(r, naming, lang))
    if r.diagnosis is not None:
        tables += diagnosis_tables(r.diagnosis, naming, lang)
    tables.append(_findings(r.findings, lang))
    return tables


def plan_to_xlsx(r: PlanResult, naming: Naming, lang: str) -> bytes:
    """One plan as .xlsx bytes: summary, statements, committees, months, debt, targets."""
    return write_workbook(
        word("summary", lang),
        plan_summary(r, lang),
        plan_tables(r, naming, lang),
    )


def _side_by_side(c: Comparison, naming: Naming, lang: str) -> SheetTable:
    d, o = c.decided, c.optimal
    columns = [word("statement", lang), word("line", lang), word("mode", lang)]
    columns += d.years
    rows = []
    for statement in STATEMENTS:
        left, right = getattr(d, statement), getattr(o, statement)
        for line in naming.order(statement):
            if line not in left or line not in right:
                continue
            head = [word(statement, lang), naming.line(statement, line, lang)]
            rows.append(
                [*head, word("decided", lang), *(left[line][y] for y in d.years)]
            )
            rows.append(
                [*head, word("optimal", lang), *(right[line][y] for y in d.years)]
            )
            rows.append(
                [
                    *head,
                    word("difference", lang),
                    *(right[line][y] - left[line][y] for y in d.years),
                ]
            )
    return SheetTable(
        word("side_by_side", lang),
        _frame(rows, columns),
        {y: "mkr" for y in d.years},
        label_columns=3,
    )


def _savings(c: Comparison, naming: Naming, lang: str) -> SheetTable:
    d, o = c.decided, c.optimal
    columns = [
        word("committee", lang),
        word("mode", lang),
        *d.years,
        word("total", lang),
    ]
    rows = []
    for committee in d.committees:
        left = d.committees[committee]["savings"]
        right = o.committees[committee]["savings"]
        name = naming.committee(committee, lang)
        difference = {y: right[y] - left[y] for y in d.years}
        for mode, values in (
            ("decided", left),
            ("optimal", right),
            ("difference", difference),
        ):
            rows.append(
                [
                    name,
                    word(mode, lang),
                    *(values[y] for y in d.years),
                    sum(values.values()),
                ]
            )
    formats = {y: "mkr" for y in d.years}
    formats[word("total", lang)] = "mkr"
    return SheetTable(
        word("savings", lang), _frame(rows, columns), formats, label_columns=2
    )


def _broken(c: Comparison, naming: Naming, lang: str) -> SheetTable:
    d, o = c.decided, c.optimal
    keys = ("target", "year", "committee", "month", "decided", "limit", "margin")
    columns = [word(k, lang) for k in keys] + [
        word("optimal", lang),
        word("unit", lang),
    ]
    optimal_rows = {(t.id, t.year, t.committee, t.month): t for t in o.targets}
    rows = []
    for t in d.broken_targets():
        other = optimal_rows.get((t.id, t.year, t.committee, t.month))
        rows.append(
            [
                label(TARGETS, t.id, lang),
                t.year,
                naming.committee(t.committee, lang) or None,
                label(MONTHS, str(t.month), lang) if t.month else None,
                t.value,
                t.limit,
                t.margin,
                other.value if other is not None and o.has_plan else None,
                t.unit,
            ]
        )
    formats = dict.fromkeys(columns[4:8], "mkr2")
    formats[columns[1]] = "year"
    return SheetTable(
        word("targets", lang) + " - " + word("not_met", lang),
        _frame(rows, columns),
        formats,
    )


def comparison_to_xlsx(c: Comparison, naming: Naming, lang: str) -> bytes:
    """Decided against optimal as .xlsx bytes."""
    d, o = c.decided, c.optimal
    summary = plan_summary(d, lang, word("decided", lang) + ": ")
    summary += plan_summary(o, lang, word("optimal", lang) + ": ")
    tables: list[SheetTable] = []
    if o.has_plan and d.has_plan:
        tables += [_side_by_side(c, naming, lang), _savings(c, naming, lang)]
    tables.append(_broken(c, naming, lang))
    plans = [r for r in (d, o) if r.has_plan and r.debt is not None]
    if plans:
        tables.append(_debt(plans, lang))
    if o.breaches:
        tables.append(_breaches(o, naming, lang))
    if o.diagnosis is not None:
        tables += diagnosis_tables(o.diagnosis, naming, lang)
    tables.append(_findings(d.findings, lang))
    return write_workbook(word("summary", lang), summary, tables)


def fou_to_xlsx(table: FouTable, naming: Naming, lang: str) -> bytes:
    """`balans fou` as .xlsx bytes: levels, extra savings per nämnd, calibration."""
    summary: list[tuple[str, Any]] = [
        (word("scenario", lang), table.scenario),
        (word("fou_base", lang) + " (tkr)", table.base_fou_tkr),
        (word("from_year", lang), table.from_year),
    ]
    summary += [
        (f"{word('fou_benchmarks', lang)}: {region}", value)
        for region, value in table.benchmarks.items()
    ]
    keys = (*FOU_LEVEL_COLUMNS, "unallocated")
    columns = [word(k, lang) for k in keys]
    rows = [
        [
            row.fou_tkr,
            word("met" if row.feasible else "not_met", lang),
            row.extra_savings,
            row.per_100k,
            row.salary_tkr,
            row.pre_2021_equivalent_tkr,
            row.grants.get("phd_parttime"),
            row.grants.get("postdoc_parttime"),
            row.grants.get("project_funds"),
            row.unallocated_tkr,
        ]
        for row in table.levels
    ]
    formats = {
        columns[0]: "tkr",
        columns[2]: "mkr",
        columns[3]: "mkr",
        columns[4]: "tkr",
        columns[5]: "tkr",
        **dict.fromkeys(columns[6:9], "int"),
        columns[9]: "tkr",
    }
    tables = [
        SheetTable(
            word("fou", lang),
            _frame(rows, columns),
            formats,
            sheet=word("sheet_fou", lang),
        )
    ]
    by_committee_columns = [
        word("fou_level", lang),
        word("committee", lang),
        word("fou_extra_savings", lang),
    ]
    by_committee = [
        [row.fou_tkr, naming.committee(c, lang), value]
        for row in table.levels
        for c, value in row.extra_savings_by_committee.items()
    ]
    tables.append(
        SheetTable(
            word("fou_extra_by_committee", lang),
            _frame(by_committee, by_committee_columns),
            {by_committee_columns[0]: "tkr", by_committee_columns[2]: "mkr"},
            label_columns=2,
            sheet=word("sheet_fou_committees", lang),
        )
    )
    calibration_columns = [
        word("year", lang),
        word("fou_level", lang),
        word("grant_category", lang),
        word("calibration_model", lang),
        word("calibration_granted", lang),
        word("difference", lang),
    ]
    calibration = [
        [
            point.year,
            point.fou_tkr,
            word("fou_" + short, lang),
            point.model[category],
            point.granted[category],
            point.difference[category],
        ]
        for point in table.calibration
        for short, category in (
            ("phd", "phd_parttime"),
            ("postdoc", "postdoc_parttime"),
            ("projects", "project_funds"),
        )
    ]
    tables.append(
        SheetTable(
            word("fou_calibration", lang),
            _frame(calibration, calibration_columns),
            {
                calibration_columns[0]: "year",
                calibration_columns[1]: "tkr",
                **dict.fromkeys(calibration_columns[3:], "int"),
            },
            label_columns=3,
            sheet=word("sheet_fou_calibration", lang),
        )
    )
    return write_workbook(word("summary", lang), summary, tables)


EXPLAIN_HEADERS = {
    "shadow_price": ("Skuggpris", "Shadow price"),
    "range_low": ("Gäller från", "Range low"),
    "range_high": ("Gäller till", "Range high"),
    "override": ("Gränsens nyckel för --set", "Key of the limit for --set"),
    "breach": ("Avsteg", "Breach"),
    "lever": ("Styrmedel", "Lever"),
    "bound": ("Gräns (nedre/övre)", "Bound (lower/upper)"),
    "cost": ("Kostnad per enhet", "Cost per unit"),
}


def explanation_to_xlsx(e: Explanation, lang: str) -> bytes:
    """`balans explain` as .xlsx bytes: binding rules with their prices, levers."""
    from balans.explain import explanation_frame, lever_frame

    summary: list[tuple[str, Any]] = [
        (word("scenario", lang), e.scenario),
        (word("title", lang), e.title),
        (word("solver_status", lang), e.status),
        (word("objective", lang), e.objective_name),
        (word("objective", lang) + " (Mkr)", e.objective),
        (word("problem_type", lang), e.problem_type),
    ]
    summary += [(word("overrides", lang), change) for change in e.applied_overrides]
    rules = explanation_frame(e)
    rules.insert(0, "name", [label(TARGETS, key, lang) for key in rules["rule"]])
    levers = lever_frame(e)
    tables = [
        SheetTable(
            "Bindande regler" if lang == "sv" else "Binding rules",
            _explain_headers(rules, lang),
            formats={
                _explain_header("year", lang): "year",
                _explain_header("shadow_price", lang): "num3",
            },
            label_columns=2,
        ),
        SheetTable(
            "Styrmedel vid gräns" if lang == "sv" else "Levers at a bound",
            _explain_headers(levers, lang),
            formats={
                _explain_header("year", lang): "year",
                _explain_header("cost", lang): "num3",
            },
        ),
    ]
    return write_workbook(word("summary", lang), summary, tables)


def _explain_header(column: str, lang: str) -> str:
    if column == "name":
        return word("target", lang)
    if column in EXPLAIN_HEADERS:
        return label(EXPLAIN_HEADERS, column, lang)
    return word(column, lang)


def _explain_headers(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return frame.rename(columns={c: _explain_header(c, lang) for c in frame.columns})
