"""PlanResult -> titled tables of text, shared by the terminal and Markdown reports."""

from __future__ import annotations

from dataclasses import dataclass, field

from balans.fou import FouTable
from balans.model.registry import REGISTRY
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
from balans.results import Comparison, Diagnosis, PlanResult, TargetRow

# The columns of the FoU level table, terminal and workbook alike.
FOU_LEVEL_COLUMNS = (
    "fou_level",
    "fou_all_targets",
    "fou_extra_savings",
    "fou_per_100k",
    "fou_salary",
    "fou_pre_2021",
    "fou_phd",
    "fou_postdoc",
    "fou_projects",
)

# Status keys that renderers may colour.
MET, NOT_MET, BINDING, REPORTED, OFF = "met", "not_met", "binding", "reported", "off"


@dataclass
class Section:
    """One table (or list of notes) of a report."""

    title: str
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    status_column: int | None = None
    row_status: list[str] = field(default_factory=list)


def plan_sections(r: PlanResult, lang: str, naming: Naming) -> list[Section]:
    """Every section of a single plan's report."""
    sections = [_summary(r, lang)]
    if r.has_plan:
        sections += [
            statement_section("income", r.income, naming, r.years, lang),
            statement_section("balance", r.balance, naming, r.years, lang),
            statement_section("cash_flow", r.cash_flow, naming, r.years, lang),
            _committees(r, lang, naming),
            statement_section(
                "restoration", r.restoration, naming, r.years, lang, decimals=0
            ),
            _liquidity(r, lang),
            _debt(r, lang),
            _targets(r, lang, naming),
        ]
    if r.diagnosis:
        sections.append(diagnosis_section(r.diagnosis, lang, naming))
    if r.findings:
        sections.append(
            Section(word("findings", lang), notes=finding_texts(r.findings, lang))
        )
    if r.applied_overrides:
        sections.append(
            Section(word("overrides", lang), notes=list(r.applied_overrides))
        )
    return sections


def _summary(r: PlanResult, lang: str) -> Section:
    status = word(f"status_{r.status}", lang)
    notes = [
        f"{r.scenario}: {r.title}" if r.title else r.scenario,
        f"{word(r.mode, lang)} - {word('status', lang)}: {status}",
    ]
    if r.mode == "optimal" and r.objective is not None:
        notes.append(
            f"{word('objective', lang)}: {label(OBJECTIVES, r.objective_name, lang)} = "
            f"{number(r.objective, lang)} ({r.solver.get('problem_type', 'LP')}, HiGHS "
            f"{r.solver.get('version', '')})"
        )
    if r.fou_tkr:
        notes.append(
            f"{word('fou_tkr', lang)}: "
            + ", ".join(f"{y}: {number(v, lang, 0)}" for y, v in r.fou_tkr.items())
        )
    return Section(word(r.mode, lang), notes=notes)


def statement_section(
    statement: str,
    table: dict[str, dict[int, float]],
    naming: Naming,
    years: list[int],
    lang: str,
    decimals: int = 1,
) -> Section:
    """One statement (resultat-, balans-, finansieringsbudget, återställande) as a table."""
    rows = [
        [
            naming.line(statement, line, lang),
            *(number(table[line][y], lang, decimals) for y in years),
        ]
        for line in naming.order(statement)
    ]
    return Section(word(statement, lang), [word("line", lang), *map(str, years)], rows)


def _committees(r: PlanResult, lang: str, naming: Naming) -> Section:
    rows = []
    for committee, values in r.committees.items():
        for measure in ("net_frame", "savings", "cumulative_savings"):
            rows.append(
                [
                    naming.committee(committee, lang) if measure == "net_frame" else "",
                    word(measure, lang),
                    *(number(values[measure][y], lang) for y in r.years),
                ]
            )
    return Section(
        word("committees", lang),
        [word("committee", lang), "", *map(str, r.years)],
        rows,
    )


def target_status(row: TargetRow) -> str:
    """Met / not_met / binding / reported (a key figure)."""
    if REGISTRY[row.id].kind == "key_figure":
        return REPORTED if row.met else NOT_MET
    if not row.met:
        return NOT_MET if row.enforced else OFF
    return BINDING if row.binding else MET


def where(row_committee: str | None, row_month: int | None, lang: str) -> str:
    """The committee or the month a target row is about."""
    if row_month is not None:
        return label(MONTHS, str(row_month), lang)
    return row_committee or ""


def tightest_per_year(targets: list[TargetRow]) -> list[TargetRow]:
    """Rules per committee or month shown once per year: the one with least margin."""
    shown: list[TargetRow] = []
    worst: dict[tuple[str, int], int] = {}
    for row in targets:
        if row.committee is None and row.month is None:
            shown.append(row)
            continue
        key = (row.id, row.year)
        if key not in worst:
            worst[key] = len(shown)
            shown.append(row)
        elif _tightness(row) < _tightness(shown[worst[key]]):
            shown[worst[key]] = row
    return shown


def _target_cells(row: TargetRow, lang: str) -> list[str]:
    """Rule, year, committee or month, value, limit and margin of a target row."""
    digits = 2 if row.unit == "%" else 1
    return [
        label(TARGETS, row.id, lang),
        str(row.year),
        where(row.committee, row.month, lang),
        f"{number(row.value, lang, digits)} {row.unit}",
        f"{number(row.limit, lang, digits)} {row.unit}",
        number(row.margin, lang, digits),
    ]


def _tightness(row: TargetRow) -> tuple[float, float]:
    """Order rows by margin relative to the limit, then by shadow price (highest first)."""
    relative = row.margin / max(abs(row.limit), 1.0)
    return round(relative, 9), -(row.shadow_price or 0.0)


def _targets(r: PlanResult, lang: str, naming: Naming) -> Section:
    rows, statuses = [], []
    for row in tightest_per_year(r.targets):
        status = target_status(row)
        if status == REPORTED:
            text = word("met", lang) if row.met else word("not_met", lang)
        else:
            text = word(status, lang)
        rows.append(
            [
                *_target_cells(row, lang),
                text,
                number(row.shadow_price, lang, 3) if row.shadow_price else "",
            ]
        )
        statuses.append(status)
    columns = [
        word(k, lang)
        for k in (
            "target",
            "year",
            "where",
            "value",
            "limit",
            "margin",
            "status",
            "shadow_price",
        )
    ]
    notes = [word("tightest_note", lang)]
    return Section(
        word("targets", lang),
        columns,
        rows,
        notes=notes,
        status_column=6,
        row_status=statuses,
    )


def diagnosis_section(d: Diagnosis, lang: str, naming: Naming) -> Section:
    """Which rules conflict and how much each would have to give."""
    notes = [word("relax", lang) + ":"]
    for row in d.relaxations:
        place = where(naming.committee(row.committee, lang) or None, row.month, lang)
        place = f" {place}" if place else ""
        notes.append(
            f"  {label(TARGETS, row.rule, lang)} {row.year}{place}: "
            f"{number(row.amount, lang)} {row.unit} ({word('limit', lang).lower()} "
            f"{number(row.limit, lang)})"
        )
    if d.pressing:
        notes.append(word("pressing", lang) + ":")
        grouped: dict[tuple[str, int], list[str]] = {}
        for place_row in d.pressing:
            grouped.setdefault((place_row.rule, place_row.year), []).append(
                where(place_row.committee, place_row.month, lang)
            )
        for (rule, year), committees in grouped.items():
            who = ", ".join(c for c in committees if c)
            notes.append(
                f"  {label(TARGETS, rule, lang)} {year}" + (f" ({who})" if who else "")
            )
    if d.alone:
        notes.append(word("alone", lang) + ":")
        impossible = []
        for alone in d.alone:
            if alone.possible:
                years = ", ".join(
                    f"{year}: {number(amount, lang)}"
                    for year, amount in alone.by_year.items()
                )
                total = sum(alone.by_year.values())
                notes.append(
                    f"  {label(TARGETS, alone.rule, lang)}: {word('alone_possible', lang)} "
                    f"{number(total, lang)} {alone.unit} ({years})"
                )
            else:
                impossible.append(label(TARGETS, alone.rule, lang))
        if impossible:
            notes.append(f"  {word('alone_impossible', lang)}: {', '.join(impossible)}")
    return Section(word("diagnosis", lang), notes=notes)


def _liquidity(r: PlanResult, lang: str) -> Section:
    """Cash at each month end against the floor, and the credit drawn."""
    liquidity = r.liquidity
    monthly = liquidity.monthly
    rows, broken, binding, credit_months = [], [], [], []
    for y in r.years:
        keys = liquidity.months(y)
        rows.append(
            [
                f"{y} {word('cash_month', lang)}",
                *(number(monthly[k].cash, lang, 0) for k in keys),
            ]
        )
        rows.append(
            [
                f"{y} {word('credit_month', lang)}",
                *(number(monthly[k].credit, lang, 0) for k in keys),
            ]
        )
        for _, month in keys:
            cell = monthly[y, month]
            name = f"{label(MONTHS, str(month), lang)} {y}"
            if cell.floor is not None and cell.cash < cell.floor - 1e-5:
                broken.append(f"{name} ({number(cell.cash - cell.floor, lang, 1)})")
            elif cell.floor is not None and abs(cell.cash - cell.floor) <= 1e-5:
                binding.append(name)
            if cell.credit > 1e-5:
                credit_months.append(f"{name} ({number(cell.credit, lang, 1)})")
    floors = sorted({c.floor for c in monthly.values() if c.floor is not None})
    notes = [
        f"{word('limit', lang)}: "
        + ", ".join(number(f, lang, 0) for f in floors)
        + " Mkr",
        f"{word('floor_broken', lang)}: {', '.join(broken) or word('none', lang)}",
        f"{word('floor_binding', lang)}: {', '.join(binding) or word('none', lang)}",
        f"{word('credit_used', lang)}: {', '.join(credit_months) or word('none', lang)}",
    ]
    columns = ["", *(label(MONTHS, str(month), lang) for month in range(1, 13))]
    return Section(word("liquidity", lang), columns, rows, notes=notes)


def _debt(r: PlanResult, lang: str) -> Section:
    """Loans against lånetak, the debt ratio against its ceiling, interest."""
    debt = r.debt
    measures = (
        "loans",
        "ceiling",
        "published_ceiling",
        "ratio",
        "ratio_limit",
        "interest",
        "credit_interest",
    )
    rows = [
        [
            word(f"debt_{measure}", lang),
            *(
                number(getattr(debt, measure)[y], lang, 2 if "ratio" in measure else 1)
                for y in r.years
            ),
        ]
        for measure in measures
    ]
    notes = []
    for reading in debt.readings:
        debt_words = "lån" if reading.numerator == "loans" else "långfristiga skulder"
        if lang != "sv":
            debt_words = (
                "loans" if reading.numerator == "loans" else "long-term liabilities"
            )
        pharma = {
            ("sv", True): "med läkemedelsbidrag",
            ("sv", False): "utan läkemedelsbidrag",
            ("en", True): "with pharma grant",
            ("en", False): "without pharma grant",
        }
        ratio = ", ".join(
            f"{y}: {number(v, lang, 1)} %" for y, v in reading.ratio.items()
        )
        broken = [str(y) for y, met in reading.ratio_met.items() if not met]
        over = [str(y) for y, met in reading.loan_ceiling_met.items() if not met]
        mark = " *" if reading.used else ""
        grant = pharma[(lang if lang == "sv" else "en", reading.include_pharma_grant)]
        notes.append(
            f"{debt_words}, {grant}"
            f"{mark}: {ratio}; {word('debt_ratio_limit', lang)} {word('not_met', lang)}: "
            f"{', '.join(broken) or word('none', lang)}; {word('debt_ceiling', lang)} "
            f"{word('not_met', lang)}: {', '.join(over) or word('none', lang)}"
        )
    return Section(
        word("debt", lang),
        ["", *map(str, r.years)],
        rows,
        notes=[word("readings", lang) + " (* = " + word("used", lang) + "):", *notes],
    )


def comparison_sections(c: Comparison, lang: str, naming: Naming) -> list[Section]:
    """Decided and optimal side by side, with the differences."""
    d, o = c.decided, c.optimal
    sections = [_summary(d, lang), _summary(o, lang)]
    if o.status == "optimal":
        sections.append(side_by_side_lines(d, o, lang, naming))
        sections.append(side_by_side_savings(d, o, lang, naming))
    sections.append(_side_by_side_targets(d, o, lang))
    if o.diagnosis:
        sections.append(diagnosis_section(o.diagnosis, lang, naming))
    if d.findings:
        sections.append(
            Section(word("findings", lang), notes=finding_texts(d.findings, lang))
        )
    return sections


def side_by_side_lines(
    d: PlanResult, o: PlanResult, lang: str, naming: Naming
) -> Section:
    """Decided and optimal values of statement lines, year by year."""
    picks = [
        ("income", "operating_costs"),
        ("income", "financial_costs"),
        ("income", "result"),
        ("balance", "cash"),
        ("balance", "loans"),
        ("restoration", "closing"),
    ]
    rows = []
    for table, line in picks:
        left = _table(d, table)[line]
        right = _table(o, table)[line]
        name = naming.line(table, line, lang)
        rows.append(
            [name, word("decided", lang), *(number(left[y], lang) for y in d.years)]
        )
        rows.append(
            ["", word("optimal", lang), *(number(right[y], lang) for y in d.years)]
        )
        rows.append(
            [
                "",
                word("difference", lang),
                *(number(right[y] - left[y], lang) for y in d.years),
            ]
        )
    return Section(
        word("side_by_side", lang), [word("line", lang), "", *map(str, d.years)], rows
    )


def _table(r: PlanResult, name: str) -> dict[str, dict[int, float]]:
    return {"income": r.income, "balance": r.balance, "restoration": r.restoration}[
        name
    ]


def side_by_side_savings(
    d: PlanResult, o: PlanResult, lang: str, naming: Naming
) -> Section:
    """Decided and optimal new savings per nämnd and year."""
    rows = []
    for committee in d.committees:
        left = d.committees[committee]["savings"]
        right = o.committees[committee]["savings"]
        rows.append(
            [
                naming.committee(committee, lang),
                word("decided", lang),
                *(number(left[y], lang) for y in d.years),
                number(sum(left.values()), lang),
            ]
        )
        rows.append(
            [
                "",
                word("optimal", lang),
                *(number(right[y], lang) for y in d.years),
                number(sum(right.values()), lang),
            ]
        )
        rows.append(
            [
                "",
                word("difference", lang),
                *(number(right[y] - left[y], lang) for y in d.years),
                number(sum(right.values()) - sum(left.values()), lang),
            ]
        )
    columns = [
        word("committee", lang),
        word("savings", lang),
        *map(str, d.years),
        word("total", lang),
    ]
    return Section(word("savings", lang), columns, rows)


def _side_by_side_targets(d: PlanResult, o: PlanResult, lang: str) -> Section:
    """Every enforced rule the decided plan breaks, and the optimal plan's value."""
    rows, statuses = [], []
    optimal_rows = {(t.id, t.year, t.committee, t.month): t for t in o.targets}
    for row in d.broken_targets():
        other = optimal_rows.get((row.id, row.year, row.committee, row.month))
        digits = 2 if row.unit == "%" else 1
        rows.append(
            [
                *_target_cells(row, lang),
                f"{number(other.value, lang, digits)} {row.unit}"
                if other and o.has_plan
                else "-",
            ]
        )
        statuses.append(NOT_MET)
    columns = [
        word("target", lang),
        word("year", lang),
        word("where", lang),
        word("decided", lang),
        word("limit", lang),
        word("margin", lang),
        word("optimal", lang),
    ]
    return Section(word("targets", lang) + ": " + word("not_met", lang), columns, rows)


def _fou_limit_note(table: FouTable, lang: str) -> str:
    """The highest level within the savings limit (max-fou) and which levels fit."""
    highest = (
        "-"
        if table.max_fou_tkr is None
        else f"{number(table.max_fou_tkr, lang, 0)} tkr"
    )
    fits = ", ".join(
        f"{number(row.fou_tkr, lang, 0)} "
        + word("yes" if row.within_savings_limit else "no", lang)
        for row in table.levels
    )
    return f"{word('fou_within_limit', lang)}: {highest} ({fits})"


def fou_sections(table: FouTable, lang: str, naming: Naming) -> list[Section]:
    """The FoU level table, the extra savings per committee, benchmarks, calibration."""
    rows, statuses = [], []
    for row in table.levels:
        rows.append(
            [
                number(row.fou_tkr, lang, 0),
                word("met", lang) if row.feasible else word("not_met", lang),
                number(row.extra_savings, lang)
                if row.extra_savings is not None
                else "-",
                number(row.per_100k, lang, 1),
                number(row.salary_tkr, lang, 0),
                number(row.pre_2021_equivalent_tkr, lang, 0),
                *(
                    str(row.grants[c])
                    for c in ("phd_parttime", "postdoc_parttime", "project_funds")
                ),
            ]
        )
        statuses.append(MET if row.feasible else NOT_MET)
    columns = [word(k, lang) for k in FOU_LEVEL_COLUMNS]
    notes = [
        f"{word('fou_base', lang)}: {number(table.base_fou_tkr, lang, 0)} tkr "
        f"({word('from_year', lang)} {table.from_year})",
        word("fou_benchmarks", lang)
        + ": "
        + ", ".join(
            f"{region} {number(value, lang, 0)}"
            for region, value in table.benchmarks.items()
        ),
        _fou_limit_note(table, lang),
    ]
    for row in table.levels:
        if row.broken:
            notes.append(
                f"{number(row.fou_tkr, lang, 0)} tkr: "
                + ", ".join(label(TARGETS, rule, lang) for rule in row.broken)
            )
    sections = [
        Section(
            word("fou", lang),
            columns,
            rows,
            notes=notes,
            status_column=1,
            row_status=statuses,
        )
    ]
    committees = list(
        next(
            (
                r.extra_savings_by_committee
                for r in table.levels
                if r.extra_savings_by_committee
            ),
            {},
        )
    )
    if committees:
        rows = [
            [
                number(row.fou_tkr, lang, 0),
                *(
                    number(row.extra_savings_by_committee.get(c), lang)
                    for c in committees
                ),
            ]
            for row in table.levels
        ]
        sections.append(
            Section(
                word("fou_extra_by_committee", lang),
                [word("fou_level", lang), *committees],
                rows,
            )
        )
    calibration = [
        f"{point.year} ({number(point.fou_tkr, lang, 0)} tkr): "
        + ", ".join(
            f"{word('fou_' + short, lang)} {point.model[c]} / {point.granted[c]}"
            for short, c in (
                ("phd", "phd_parttime"),
                ("postdoc", "postdoc_parttime"),
                ("projects", "project_funds"),
            )
        )
        for point in table.calibration
    ]
    sections.append(Section(word("fou_calibration", lang), notes=calibration))
    return sections
