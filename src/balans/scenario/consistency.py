"""Cross-field checks that a single field's type cannot express.

Each check yields `(key_path, message)`; the loader turns the first one into a
ScenarioError that names the file and the line of that key.
"""

from __future__ import annotations

from collections.abc import Iterator

from balans.lines import STATEMENT_LINES
from balans.scenario.schema import Scenario

Problem = tuple[str, str]


def find_problems(scenario: Scenario) -> list[Problem]:
    """Return every consistency problem of a validated scenario, in file order."""
    checks = (
        _check_opening_year,
        _check_full_series,
        _check_partial_series,
        _check_committee_keys,
        _check_restoration,
        _check_statement_lines,
        _check_fou,
        _check_balanskrav,
    )
    return [problem for check in checks for problem in check(scenario)]


def _missing_years(series: dict[int, float], years: list[int]) -> list[int]:
    return [year for year in years if year not in series]


def _check_opening_year(s: Scenario) -> Iterator[Problem]:
    if s.opening.year != s.horizon.first_year - 1:
        yield (
            "opening.year",
            f"must be the year before the horizon ({s.horizon.first_year - 1}), "
            f"not {s.opening.year}",
        )


def _full_series(s: Scenario) -> Iterator[tuple[str, dict[int, float], list[int]]]:
    years = s.years
    with_opening = [s.opening.year, *years]
    budget = s.budget
    for name in type(budget).model_fields:
        value = getattr(budget, name)
        if isinstance(value, dict) and name not in (
            "committees",
            "additional_investments",
            "pension_commitments",
            "pension_commitments_payroll_tax",
        ):
            yield f"budget.{name}", value, years
    for section, obj in (
        ("budget.basis", budget.basis),
        ("assumptions", s.assumptions),
    ):
        yield f"{section}.lpik_pct", obj.lpik_pct, years
        yield f"{section}.volume_growth_pct", obj.volume_growth_pct, years
        yield f"{section}.tax_base_growth_pct", obj.tax_base_growth_pct, with_opening
        if obj.national_tax_base_growth_pct is not None:
            yield (
                f"{section}.national_tax_base_growth_pct",
                obj.national_tax_base_growth_pct,
                with_opening,
            )
        yield f"{section}.interest_rate_pct", obj.interest_rate_pct, years
    yield "budget.basis.fou_tkr", budget.basis.fou_tkr, years
    yield "liquidity.pension_payment", s.liquidity.pension_payment, years
    yield "liquidity.credit_limit", s.liquidity.credit_limit, years
    yield "liquidity.credit_rate_pct", s.liquidity.credit_rate_pct, years


def _check_full_series(s: Scenario) -> Iterator[Problem]:
    for path, series, years in _full_series(s):
        missing = _missing_years(series, years)
        if missing:
            yield path, f"no value for year {missing[0]} (needs {years[0]}-{years[-1]})"
        extra = sorted(set(series) - set(years))
        if extra:
            yield path, f"year {extra[0]} is outside {years[0]}-{years[-1]}"


def _partial_series(s: Scenario) -> Iterator[tuple[str, dict[int, float]]]:
    rules = s.rules
    yield "budget.additional_investments", s.budget.additional_investments
    yield "balanskrav.adjustments", s.balanskrav.adjustments
    yield "balanskrav.reserve_deposits", s.balanskrav.reserve_deposits
    yield "balanskrav.reserve_use", s.balanskrav.reserve_use
    yield "budget.pension_commitments", s.budget.pension_commitments
    yield (
        "budget.pension_commitments_payroll_tax",
        s.budget.pension_commitments_payroll_tax,
    )
    for committee, frames in rules.committee_frames.frames.items():
        yield f"rules.committee_frames.frames.{committee}", frames
    yield "rules.result_non_negative.minimum", rules.result_non_negative.minimum
    yield "rules.result_target.minimum", rules.result_target.minimum
    locked = s.planning.locked_years or []
    yield "planning.locked_years", dict.fromkeys(locked, 0.0)
    yield "rules.debt_ratio.limit_pct", rules.debt_ratio.limit_pct
    yield "rules.loan_ceiling.limit", rules.loan_ceiling.limit
    yield "debt.amortisation_min_pct", s.debt.amortisation_min_pct
    yield "rules.liquidity_floor.floor", rules.liquidity_floor.floor
    yield "rules.key_figures.net_cost_growth_pct", rules.key_figures.net_cost_growth_pct
    yield (
        "rules.key_figures.gross_cost_growth_pct",
        rules.key_figures.gross_cost_growth_pct,
    )


def _check_partial_series(s: Scenario) -> Iterator[Problem]:
    years = set(s.years)
    for path, series in _partial_series(s):
        outside = sorted(set(series) - years)
        if outside:
            yield (
                f"{path}.{outside[0]}",
                f"year {outside[0]} is outside the horizon "
                f"{s.horizon.first_year}-{s.horizon.last_year}",
            )


def _check_committee_keys(s: Scenario) -> Iterator[Problem]:
    known = set(s.committees)
    listed = ", ".join(s.committees)  # model order, so the message is stable
    named = [
        ("budget.committees", set(s.budget.committees)),
        ("rules.committee_frames.frames", set(s.rules.committee_frames.frames)),
        ("levers.savings_weights", set(s.levers.savings_weights)),
        (
            "rules.savings_capacity.per_committee_pct",
            set(s.rules.savings_capacity.per_committee_pct),
        ),
    ]
    for path, keys in named:
        for unknown in sorted(keys - known):
            yield f"{path}.{unknown}", f"unknown committee (known: {listed})"
    for missing in [c for c in s.committees if c not in s.budget.committees]:
        yield "budget.committees", f"no row for committee {missing}"
    for key in ("depreciation_committee", "fou_committee"):
        value = getattr(s.assumptions, key)
        if value not in known:
            yield f"assumptions.{key}", f"unknown committee {value!r}"
    total_costs = sum(-row.costs for row in s.budget.committees.values())
    if total_costs <= 0:
        yield "budget.committees", "committee costs must not all be zero"


def _check_restoration(s: Scenario) -> Iterator[Problem]:
    rule = s.rules.restoration
    first, last = s.horizon.first_year, s.horizon.last_year
    if not first <= rule.target_year <= last:
        yield (
            "rules.restoration.target_year",
            f"must lie within the horizon {first}-{last}",
        )
    for index, vintage in enumerate(rule.vintages):
        if vintage.year >= first:
            yield (
                f"rules.restoration.vintages.{index}.year",
                f"a vintage must be a year before the horizon ({first})",
            )
        if not first <= vintage.deadline <= last:
            yield (
                f"rules.restoration.vintages.{index}.deadline",
                f"must lie within the horizon {first}-{last}",
            )


def _check_statement_lines(s: Scenario) -> Iterator[Problem]:
    for statement, known in STATEMENT_LINES.items():
        given = [line.id for line in s.statements.get(statement, [])]
        for index, line in enumerate(given):
            if line not in known:
                yield (
                    f"statements.{statement}.{index}.id",
                    f"unknown line {line!r} (known: {', '.join(known)})",
                )
            elif given.index(line) != index:
                yield (
                    f"statements.{statement}.{index}.id",
                    f"line {line!r} listed twice",
                )
        missing = [line for line in known if line not in given]
        if missing:
            yield f"statements.{statement}", f"line {missing[0]!r} is missing"


def _check_fou(s: Scenario) -> Iterator[Problem]:
    fou, years = s.fou, s.years
    if not years[0] <= fou.from_year <= years[-1]:
        yield "fou.from_year", f"must lie within the horizon {years[0]}-{years[-1]}"
    missing = _missing_years(fou.payroll_overhead_pct, years)
    if missing:
        yield "fou.payroll_overhead_pct", f"no value for year {missing[0]}"
    if fou.discrete and not fou.levels:
        yield "fou.levels", "discrete FoU needs at least one level"
    rule = s.rules.fou_per_inhabitant
    if rule.region not in fou.benchmarks:
        known = ", ".join(fou.benchmarks) or "none"
        yield (
            "rules.fou_per_inhabitant.region",
            f"no benchmark for {rule.region!r} (known: {known})",
        )
    if not years[0] <= rule.from_year <= years[-1]:
        yield (
            "rules.fou_per_inhabitant.from_year",
            f"must lie within {years[0]}-{years[-1]}",
        )
    allocation = fou.allocation
    categories = ("phd_parttime", "postdoc_parttime", "project_funds")
    for key in ("grant_size_tkr", "demand", "cut_shares", "growth_shares"):
        for category in categories:
            if category not in getattr(allocation, key):
                yield f"fou.allocation.{key}", f"no value for {category}"


def _check_balanskrav(s: Scenario) -> Iterator[Problem]:
    """The resultatreserv, as Kommunallagen 11 kap. allows it.

    No reservation while deficits are unrestored or equity is negative, and no
    use beyond what was reserved.
    """
    b = s.rules.restoration
    unrestored = sum(v.amount for v in b.vintages) if b.enabled else 0.0
    deposits = {y: v for y, v in s.balanskrav.reserve_deposits.items() if v > 0}
    if deposits and (unrestored > 0 or s.opening.equity < 0):
        year = min(deposits)
        yield (
            f"balanskrav.reserve_deposits.{year}",
            f"no reservation to the resultatreserv while {unrestored:g} Mkr of "
            f"deficits are unrestored and equity is {s.opening.equity:g} Mkr "
            "(Kommunallagen 11 kap.); set it to 0",
        )
    reserve = s.balanskrav.opening_reserve
    for year in s.years:
        reserve += s.balanskrav.reserve_deposits.get(year, 0.0)
        use = s.balanskrav.reserve_use.get(year, 0.0)
        if use > reserve + 1e-9:
            yield (
                f"balanskrav.reserve_use.{year}",
                f"uses {use:g} Mkr of a resultatreserv of {reserve:g} Mkr",
            )
            return
        reserve -= use
