"""What the source documents say that does not add up (docs/findings.md).

Each finding is computed from the scenario and the decided plan, so it shows
only where it applies and moves with a what-if.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from balans.model.data import ModelData
from balans.reports.labels import number
from balans.results import PlanResult
from balans.scenario.schema import Scenario

Finding = tuple[str, str]  # (Swedish, English), numbers already formatted
Check = Callable[
    [Scenario, ModelData, PlanResult, Callable[..., str]], Iterator[Finding]
]


def find_findings(
    s: Scenario, data: ModelData, decided: PlanResult, lang: str = "sv"
) -> list[str]:
    """Every finding that applies, in the chosen language."""
    checks: list[Check] = [
        _printed_prior_result,
        _liabilities_over_loan_ceiling,
        _debt_ratio_readings,
        _cash_below_floor,
        _loan_ceiling_differs,
        _vintage_behind,
        _fou_purchasing_power,
        _frames_without_uplift,
    ]
    pick = 0 if lang == "sv" else 1

    def fmt(value: float, decimals: int = 1) -> str:
        return number(value, lang, decimals)

    return [pair[pick] for check in checks for pair in check(s, data, decided, fmt)]


def _printed_prior_result(
    s: Scenario, data: ModelData, r: PlanResult, _fmt
) -> Iterator[Finding]:
    rule = s.rules.restoration
    used = -sum(v.amount for v in rule.vintages if v.year == s.opening.year)
    printed = rule.printed_prior_result
    if printed is not None and abs(printed - used) > 0.5:
        year = s.opening.year
        yield (
            f"Tabell 3 anger årets resultat {year} som {_fmt(printed, 0)} men utgående "
            f"balans bygger på {_fmt(used, 0)} (prognosen); modellen använder {_fmt(used, 0)}.",
            f"Tabell 3 prints {year}'s result as {_fmt(printed, 0)} but its closing "
            f"balance uses {_fmt(used, 0)} (the prognos); the model uses {_fmt(used, 0)}.",
        )


def _liabilities_over_loan_ceiling(
    s: Scenario, data: ModelData, r: PlanResult, _fmt
) -> Iterator[Finding]:
    for y, ceiling in sorted(data.loan_ceiling.items()):
        liabilities = r.balance["long_term_liabilities"][y]
        if liabilities > ceiling + 0.5:
            loans = r.balance["loans"][y]
            other = data.other_long_term_liabilities
            yield (
                f"Långfristiga skulder är {_fmt(liabilities)} Mkr {y} medan lånetaket är "
                f"{_fmt(ceiling, 0)} Mkr. Scenariot läser {_fmt(loans)} som lån och "
                f"{_fmt(other)} som andra skulder (opening.loans).",
                f"Long-term liabilities are {_fmt(liabilities)} Mkr in {y} while the loan "
                f"ceiling is {_fmt(ceiling, 0)} Mkr. The scenario reads {_fmt(loans)} as loans "
                f"and {_fmt(other)} as other liabilities (opening.loans).",
            )
            return


def _debt_ratio_readings(
    s: Scenario, data: ModelData, r: PlanResult, _fmt
) -> Iterator[Finding]:
    y = r.years[0]
    liabilities = r.balance["long_term_liabilities"][y]
    loans = r.balance["loans"][y]
    with_pharma = data.tax_revenue[y] + data.general_grants[y] + data.pharma_grant[y]
    without = with_pharma - data.pharma_grant[y]
    limit = s.rules.debt_ratio.limit_pct.get(y)
    rule = s.rules.debt_ratio
    reading_sv = (
        "lån" if rule.numerator == "loans" else "alla långfristiga skulder"
    ) + (
        ", läkemedelsbidraget räknas"
        if rule.include_pharma_grant
        else ", utan läkemedelsbidraget"
    )
    reading_en = (
        "loans" if rule.numerator == "loans" else "all long-term liabilities"
    ) + (
        ", pharma grant counted"
        if rule.include_pharma_grant
        else ", pharma grant not counted"
    )
    cells = [
        f"{_fmt(liabilities, 0)}/{_fmt(with_pharma)} = {_fmt(100 * liabilities / with_pharma)} %",
        f"{_fmt(liabilities, 0)}/{_fmt(without)} = {_fmt(100 * liabilities / without)} %",
        f"{_fmt(loans, 0)}/{_fmt(with_pharma)} = {_fmt(100 * loans / with_pharma)} %",
        f"{_fmt(loans, 0)}/{_fmt(without)} = {_fmt(100 * loans / without)} %",
    ]
    ceiling = f"{_fmt(limit)} %" if limit is not None else "-"
    yield (
        f"Skuldsättningsgrad {y} beror på läsningen (tak {ceiling}): långfristiga skulder "
        f"med läkemedelsbidraget {cells[0]}, utan {cells[1]}; bara lån med {cells[2]}, "
        f"utan {cells[3]}. Scenariot läser: {reading_sv}.",
        f"Debt ratio {y} depends on the reading (ceiling {ceiling}): long-term liabilities "
        f"with the pharma grant {cells[0]}, without {cells[1]}; loans only with {cells[2]}, "
        f"without {cells[3]}. This scenario reads: {reading_en}.",
    )


def _cash_below_floor(
    s: Scenario, data: ModelData, r: PlanResult, _fmt
) -> Iterator[Finding]:
    for y, floor in sorted(s.rules.liquidity_floor.floor.items()):
        cash = r.balance["cash"][y]
        months = {
            k: v["cash"]
            for k, v in r.liquidity["monthly"].items()
            if k.startswith(f"{y}-")
        }
        low_key = min(months, key=months.get)
        if cash < floor - 0.05 or months[low_key] < floor - 0.05:
            yield (
                f"Likvida medel vid årets slut {y} är {_fmt(cash, 0)} Mkr i den beslutade "
                f"planen och lägst {_fmt(months[low_key], 0)} Mkr ({low_key}), mot ett behov "
                f"av cirka {_fmt(floor, 0)} Mkr varje månad.",
                f"Year-end cash in {y} is {_fmt(cash, 0)} Mkr in the decided plan and "
                f"{_fmt(months[low_key], 0)} Mkr at its lowest ({low_key}), against a stated "
                f"need of about {_fmt(floor, 0)} Mkr every month.",
            )
            return


def _loan_ceiling_differs(
    s: Scenario, data: ModelData, r: PlanResult, _fmt
) -> Iterator[Finding]:
    rule = s.rules.loan_ceiling
    if rule.basis == "fixed":
        return
    for y, published in sorted(rule.limit.items()):
        computed = data.loan_ceiling.get(y)
        if computed is not None and abs(computed - published) > 0.5:
            yield (
                f"Lånetaket {y} blir {_fmt(computed, 0)} Mkr av mark och byggnader "
                f"({_fmt(r.balance['land_buildings'][y], 0)} Mkr, avrundat), men budgeten "
                f"anger {_fmt(published, 0)} Mkr.",
                f"The loan ceiling {y} comes to {_fmt(computed, 0)} Mkr from land and "
                f"buildings ({_fmt(r.balance['land_buildings'][y], 0)} Mkr, rounded), but the "
                f"budget prints {_fmt(published, 0)} Mkr.",
            )


def _vintage_behind(
    s: Scenario, data: ModelData, r: PlanResult, _fmt
) -> Iterator[Finding]:
    for deadline, due in data.rules.vintage_due.items():
        restored = sum(r.income["result"][y] for y in r.years if y <= deadline)
        if restored < due - 0.05:
            vintages = [
                v for v in s.rules.restoration.vintages if v.deadline <= deadline
            ]
            names = ", ".join(str(v.year) for v in vintages)
            yield (
                f"Texten säger att underskottet från {names} ({_fmt(due, 0)} Mkr) återställs "
                f"senast {deadline}, men planens resultat {r.years[0]}-{deadline} återställer "
                f"bara {_fmt(restored)} Mkr ({_fmt(due - restored)} Mkr för lite).",
                f"The text restores the {names} deficit ({_fmt(due, 0)} Mkr) by {deadline}, "
                f"but the plan's results {r.years[0]}-{deadline} restore only "
                f"{_fmt(restored)} Mkr ({_fmt(due - restored)} Mkr short).",
            )


def _fou_purchasing_power(
    s: Scenario, data: ModelData, r: PlanResult, _fmt
) -> Iterator[Finding]:
    y = r.years[0]
    level = r.fou_tkr[y]
    factor = s.assumptions.fou_heroma_factor
    if factor < 1:
        then, needed = (
            _fmt(level * factor, 0),
            _fmt(s.fou.pre_2021_level_tkr / factor, 0),
        )
        yield (
            f"FoU-medel {_fmt(level, 0)} tkr {y} köper efter Heroma-ändringen vad "
            f"{then} tkr köpte före 2021; {needed} tkr "
            "behövs för 2020 års nivå (FoU-bilagan: beviljandegraden halverades).",
            f"FoU funds of {_fmt(level, 0)} tkr in {y} buy, after the Heroma change, what "
            f"{then} tkr bought before 2021; {needed} tkr "
            "are needed for 2020's level (FoU bilaga: grant rates halved).",
        )


def _frames_without_uplift(
    s: Scenario, data: ModelData, r: PlanResult, _fmt
) -> Iterator[Finding]:
    frames = s.rules.committee_frames.frames
    first = r.years[0]
    total = sum(by_year.get(first, 0.0) for by_year in frames.values())
    if not total:
        return
    later = [y for y in r.years[1:4] if not any(y in f for f in frames.values())]
    for y in later:
        net = -r.income["net_operating_costs"][y]
        if net > total + 0.05:
            yield (
                f"Om ramarna {first} behölls utan LPIK-uppräkning skulle planens "
                f"nettokostnader {y} överskrida deras summa ({_fmt(total)}) med "
                f"{_fmt(net - total)} Mkr; ramar per nämnd för {y} anges inte.",
                f"If the {first} frames were kept without LPIK uplift, the plan's net "
                f"operating costs in {y} would exceed their sum ({_fmt(total)}) by "
                f"{_fmt(net - total)} Mkr; frames per committee for {y} are not given.",
            )
            return
