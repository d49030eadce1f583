"""PlanResult -> titled tables of text, shared by the terminal and Markdown reports."""

from __future__ import annotations

from dataclasses import dataclass, field

from balans.reports.labels import OBJECTIVES, TARGETS, Naming, label, number, word
from balans.results import Comparison, PlanResult, TargetRow

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
            _statement("income", r.income, naming, r.years, lang),
            _statement("balance", r.balance, naming, r.years, lang),
            _statement("cash_flow", r.cash_flow, naming, r.years, lang),
            _committees(r, lang, naming),
            _statement("restoration", r.restoration, naming, r.years, lang, decimals=0),
            _targets(r, lang, naming),
        ]
    if r.diagnosis:
        sections.append(diagnosis_section(r, lang, naming))
    if r.findings:
        sections.append(Section(word("findings", lang), notes=list(r.findings)))
    if r.applied_overrides:
        sections.append(Section(word("overrides", lang), notes=list(r.applied_overrides)))
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
            f"{number(r.objective, lang)}"
        )
    if r.fou_tkr:
        notes.append(f"{word('fou_tkr', lang)}: " + ", ".join(
            f"{y}: {number(v, lang, 0)}" for y, v in r.fou_tkr.items()
        ))
    return Section(word(r.mode, lang), notes=notes)


def _statement(
    statement: str,
    table: dict[str, dict[int, float]],
    naming: Naming,
    years: list[int],
    lang: str,
    decimals: int = 1,
) -> Section:
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
            rows.append([
                naming.committee(committee, lang) if measure == "net_frame" else "",
                word(measure, lang),
                *(number(values[measure][y], lang) for y in r.years),
            ])
    return Section(
        word("committees", lang), [word("committee", lang), "", *map(str, r.years)], rows
    )


def target_status(row: TargetRow) -> str:
    """met / not_met / binding / reported (a key figure)."""
    if row.unit == "%" and row.id != "debt_ratio_ceiling":
        return REPORTED if row.met else NOT_MET
    if not row.met:
        return NOT_MET if row.enforced else OFF
    return BINDING if row.binding else MET


def _tightest_per_committee_rule(targets: list[TargetRow]) -> list[TargetRow]:
    """Committee-indexed rules shown once per year: the committee with least margin."""
    shown: list[TargetRow] = []
    worst: dict[tuple[str, int], int] = {}
    for row in targets:
        if row.committee is None:
            shown.append(row)
            continue
        key = (row.id, row.year)
        if key not in worst:
            worst[key] = len(shown)
            shown.append(row)
        elif row.margin < shown[worst[key]].margin:
            shown[worst[key]] = row
    return shown


def _targets(r: PlanResult, lang: str, naming: Naming) -> Section:
    rows, statuses = [], []
    for row in _tightest_per_committee_rule(r.targets):
        status = target_status(row)
        digits = 2 if row.unit == "%" else 1
        if status == REPORTED:
            text = word("met", lang) if row.met else word("not_met", lang)
        else:
            text = word(status, lang)
        rows.append([
            label(TARGETS, row.id, lang),
            str(row.year),
            row.committee or "",
            f"{number(row.value, lang, digits)} {row.unit}",
            f"{number(row.limit, lang, digits)} {row.unit}",
            number(row.margin, lang, digits),
            text,
            number(row.shadow_price, lang, 3) if row.shadow_price else "",
        ])
        statuses.append(status)
    columns = [
        word(k, lang)
        for k in ("target", "year", "committee", "value", "limit", "margin", "status", "shadow_price")
    ]
    notes = [word("tightest_note", lang)]
    return Section(
        word("targets", lang), columns, rows, notes=notes, status_column=6, row_status=statuses
    )


def diagnosis_section(r: PlanResult, lang: str, naming: Naming) -> Section:
    """Which rules conflict and how much each would have to give."""
    d = r.diagnosis or {}
    notes = [word("relax", lang) + ":"]
    for row in d.get("relaxations", []):
        where = f" {naming.committee(row['committee'], lang)}" if row["committee"] else ""
        notes.append(
            f"  {label(TARGETS, row['rule'], lang)} {row['year']}{where}: "
            f"{number(row['amount_mkr'], lang)} Mkr ({word('limit', lang).lower()} "
            f"{number(row['limit'], lang)})"
        )
    pressing = d.get("pressing", [])
    if pressing:
        notes.append(word("pressing", lang) + ":")
        grouped: dict[tuple[str, int], list[str]] = {}
        for row in pressing:
            grouped.setdefault((row["rule"], row["year"]), []).append(row["committee"] or "")
        for (rule, year), committees in grouped.items():
            who = ", ".join(c for c in committees if c)
            notes.append(f"  {label(TARGETS, rule, lang)} {year}" + (f" ({who})" if who else ""))
    if d.get("alone"):
        notes.append(word("alone", lang) + ":")
        for row in d["alone"]:
            if row["possible"]:
                text = f"{word('alone_possible', lang)} {number(row['amount_mkr'], lang)} Mkr"
            else:
                text = word("alone_impossible", lang)
            notes.append(f"  {label(TARGETS, row['rule'], lang)}: {text}")
    return Section(word("diagnosis", lang), notes=notes)


def comparison_sections(c: Comparison, lang: str, naming: Naming) -> list[Section]:
    """Decided and optimal side by side, with the differences."""
    d, o = c.decided, c.optimal
    sections = [_summary(d, lang), _summary(o, lang)]
    if o.status == "optimal":
        sections.append(_side_by_side_lines(d, o, lang, naming))
        sections.append(_side_by_side_savings(d, o, lang, naming))
    sections.append(_side_by_side_targets(d, o, lang))
    if o.diagnosis:
        sections.append(diagnosis_section(o, lang, naming))
    if d.findings:
        sections.append(Section(word("findings", lang), notes=list(d.findings)))
    return sections


def _side_by_side_lines(d: PlanResult, o: PlanResult, lang: str, naming: Naming) -> Section:
    picks = [
        ("income", "operating_costs"), ("income", "financial_costs"), ("income", "result"),
        ("balance", "cash"), ("balance", "loans"), ("restoration", "closing"),
    ]
    rows = []
    for table, line in picks:
        left = _table(d, table)[line]
        right = _table(o, table)[line]
        name = naming.line(table, line, lang)
        rows.append([name, word("decided", lang), *(number(left[y], lang) for y in d.years)])
        rows.append(["", word("optimal", lang), *(number(right[y], lang) for y in d.years)])
        rows.append(["", word("difference", lang),
                     *(number(right[y] - left[y], lang) for y in d.years)])
    return Section(word("side_by_side", lang), [word("line", lang), "", *map(str, d.years)], rows)


def _table(r: PlanResult, name: str) -> dict[str, dict[int, float]]:
    return {"income": r.income, "balance": r.balance, "restoration": r.restoration}[name]


def _side_by_side_savings(d: PlanResult, o: PlanResult, lang: str, naming: Naming) -> Section:
    rows = []
    for committee in d.committees:
        left = d.committees[committee]["savings"]
        right = o.committees[committee]["savings"]
        rows.append([naming.committee(committee, lang), word("decided", lang),
                     *(number(left[y], lang) for y in d.years), number(sum(left.values()), lang)])
        rows.append(["", word("optimal", lang),
                     *(number(right[y], lang) for y in d.years), number(sum(right.values()), lang)])
        rows.append(["", word("difference", lang),
                     *(number(right[y] - left[y], lang) for y in d.years),
                     number(sum(right.values()) - sum(left.values()), lang)])
    columns = [word("committee", lang), word("savings", lang), *map(str, d.years), word("total", lang)]
    return Section(word("savings", lang), columns, rows)


def _side_by_side_targets(d: PlanResult, o: PlanResult, lang: str) -> Section:
    """Every rule the decided plan breaks, and how the optimal plan does."""
    rows, statuses = [], []
    optimal_rows = {(t.id, t.year, t.committee): t for t in o.targets}
    for row in d.targets:
        if row.met or target_status(row) == REPORTED and row.met:
            continue
        other = optimal_rows.get((row.id, row.year, row.committee))
        digits = 2 if row.unit == "%" else 1
        rows.append([
            label(TARGETS, row.id, lang), str(row.year), row.committee or "",
            f"{number(row.value, lang, digits)} {row.unit}",
            f"{number(row.limit, lang, digits)} {row.unit}",
            number(row.margin, lang, digits),
            f"{number(other.value, lang, digits)} {row.unit}" if other else "-",
        ])
        statuses.append(NOT_MET)
    columns = [
        word("target", lang), word("year", lang), word("committee", lang),
        word("decided", lang), word("limit", lang), word("margin", lang), word("optimal", lang),
    ]
    return Section(word("targets", lang) + ": " + word("not_met", lang), columns, rows)
