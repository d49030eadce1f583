"""Findings (`results.Finding`) in Swedish or English, numbers formatted per language.

The templates quote the documents' tables; docs/findings.md explains each one.
"""

from __future__ import annotations

from collections.abc import Callable

from balans.reports.labels import number
from balans.results import Finding

Format = Callable[..., str]  # (value, decimals=1) -> text in the chosen language
Texts = tuple[str, str]  # (Swedish, English)


def finding_texts(findings: list[Finding], lang: str) -> list[str]:
    """Every finding as one sentence or two in `lang`."""
    return [finding_text(finding, lang) for finding in findings]


def finding_text(finding: Finding, lang: str) -> str:
    """One finding in `lang` ("sv" or "en")."""

    def fmt(value: float, decimals: int = 1) -> str:
        return number(value, lang, decimals)

    texts = TEMPLATES[finding.id](finding, fmt)
    return texts[0] if lang == "sv" else texts[1]


def _printed_prior_result(f: Finding, _fmt: Format) -> Texts:
    year, v = f.year, f.values
    printed, used = _fmt(v["printed_result"], 0), _fmt(v["used_result"], 0)
    return (
        f"Tabell 3 anger årets resultat {year} som {printed} men utgående "
        f"balans bygger på {used} (prognosen); modellen använder {used}.",
        f"Tabell 3 prints {year}'s result as {printed} but its closing "
        f"balance uses {used} (the prognos); the model uses {used}.",
    )


def _liabilities_over_loan_ceiling(f: Finding, _fmt: Format) -> Texts:
    y, v = f.year, f.values
    liabilities, ceiling = _fmt(v["long_term_liabilities"]), _fmt(v["loan_ceiling"], 0)
    loans, other = _fmt(v["loans"]), _fmt(v["other_liabilities"])
    return (
        f"Långfristiga skulder är {liabilities} Mkr {y} medan lånetaket är "
        f"{ceiling} Mkr. Scenariot läser {loans} som lån och "
        f"{other} som andra skulder (opening.loans).",
        f"Long-term liabilities are {liabilities} Mkr in {y} while the loan "
        f"ceiling is {ceiling} Mkr. The scenario reads {loans} as loans "
        f"and {other} as other liabilities (opening.loans).",
    )


def _debt_ratio_readings(f: Finding, _fmt: Format) -> Texts:
    y, v = f.year, f.values
    loans_only = f.facts["numerator"] == "loans"
    pharma = f.facts["include_pharma_grant"]
    reading_sv = ("lån" if loans_only else "alla långfristiga skulder") + (
        ", läkemedelsbidraget räknas" if pharma else ", utan läkemedelsbidraget"
    )
    reading_en = ("loans" if loans_only else "all long-term liabilities") + (
        ", pharma grant counted" if pharma else ", pharma grant not counted"
    )
    liabilities, loans = _fmt(v["long_term_liabilities"], 0), _fmt(v["loans"], 0)
    with_pharma = _fmt(v["financing_with_pharma_grant"])
    without = _fmt(v["financing_without_pharma_grant"])
    cells = [
        f"{debt}/{financing} = {_fmt(v[key])} %"
        for debt, financing, key in (
            (liabilities, with_pharma, "liabilities_with_pharma_grant_pct"),
            (liabilities, without, "liabilities_without_pharma_grant_pct"),
            (loans, with_pharma, "loans_with_pharma_grant_pct"),
            (loans, without, "loans_without_pharma_grant_pct"),
        )
    ]
    limit = v["limit_pct"]
    ceiling = f"{_fmt(limit)} %" if limit is not None else "-"
    return (
        f"Skuldsättningsgrad {y} beror på läsningen (tak {ceiling}): långfristiga skulder "
        f"med läkemedelsbidraget {cells[0]}, utan {cells[1]}; bara lån med {cells[2]}, "
        f"utan {cells[3]}. Scenariot läser: {reading_sv}.",
        f"Debt ratio {y} depends on the reading (ceiling {ceiling}): long-term liabilities "
        f"with the pharma grant {cells[0]}, without {cells[1]}; loans only with {cells[2]}, "
        f"without {cells[3]}. This scenario reads: {reading_en}.",
    )


def _cash_below_floor(f: Finding, _fmt: Format) -> Texts:
    y, v = f.year, f.values
    cash, lowest, floor = (
        _fmt(v["year_end_cash"], 0),
        _fmt(v["lowest_cash"], 0),
        _fmt(v["floor"], 0),
    )
    month = f"{y}-{f.month:02d}"
    return (
        f"Likvida medel vid årets slut {y} är {cash} Mkr i den beslutade "
        f"planen och lägst {lowest} Mkr ({month}), mot ett behov "
        f"av cirka {floor} Mkr varje månad.",
        f"Year-end cash in {y} is {cash} Mkr in the decided plan and "
        f"{lowest} Mkr at its lowest ({month}), against a stated "
        f"need of about {floor} Mkr every month.",
    )


def _loan_ceiling_differs(f: Finding, _fmt: Format) -> Texts:
    y, v = f.year, f.values
    computed, published = (
        _fmt(v["computed_ceiling"], 0),
        _fmt(v["published_ceiling"], 0),
    )
    land = _fmt(v["land_buildings"], 0)
    return (
        f"Lånetaket {y} blir {computed} Mkr av mark och byggnader "
        f"({land} Mkr, avrundat), men budgeten anger {published} Mkr.",
        f"The loan ceiling {y} comes to {computed} Mkr from land and "
        f"buildings ({land} Mkr, rounded), but the budget prints {published} Mkr.",
    )


def _vintage_behind(f: Finding, _fmt: Format) -> Texts:
    deadline, v = f.year, f.values
    names = ", ".join(str(year) for year in f.facts["vintages"])
    first = f.facts["from_year"]
    due, restored, short = _fmt(v["due"], 0), _fmt(v["restored"]), _fmt(v["shortfall"])
    return (
        f"Texten säger att underskottet från {names} ({due} Mkr) återställs "
        f"senast {deadline}, men planens resultat {first}-{deadline} återställer "
        f"bara {restored} Mkr ({short} Mkr för lite).",
        f"The text restores the {names} deficit ({due} Mkr) by {deadline}, "
        f"but the plan's results {first}-{deadline} restore only "
        f"{restored} Mkr ({short} Mkr short).",
    )


def _fou_purchasing_power(f: Finding, _fmt: Format) -> Texts:
    y, v = f.year, f.values
    level = _fmt(v["fou_tkr"], 0)
    then = _fmt(v["pre_2021_equivalent_tkr"], 0)
    needed = _fmt(v["needed_for_2020_level_tkr"], 0)
    return (
        f"FoU-medel {level} tkr {y} köper efter Heroma-ändringen vad "
        f"{then} tkr köpte före 2021; {needed} tkr "
        "behövs för 2020 års nivå (FoU-bilagan: beviljandegraden halverades).",
        f"FoU funds of {level} tkr in {y} buy, after the Heroma change, what "
        f"{then} tkr bought before 2021; {needed} tkr "
        "are needed for 2020's level (FoU bilaga: grant rates halved).",
    )


def _frames_without_uplift(f: Finding, _fmt: Format) -> Texts:
    y, v = f.year, f.values
    first = f.facts["frames_year"]
    total, excess = _fmt(v["frames_total"]), _fmt(v["excess"])
    return (
        f"Om ramarna {first} behölls utan LPIK-uppräkning skulle planens "
        f"nettokostnader {y} överskrida deras summa ({total}) med "
        f"{excess} Mkr; ramar per nämnd för {y} anges inte.",
        f"If the {first} frames were kept without LPIK uplift, the plan's net "
        f"operating costs in {y} would exceed their sum ({total}) by "
        f"{excess} Mkr; frames per committee for {y} are not given.",
    )


def _reported_debt_ratio(f: Finding, _fmt: Format) -> Texts:
    v = f.values
    pharma = f.facts["include_pharma_grant"]
    sv_reading = "med läkemedelsbidraget" if pharma else "utan läkemedelsbidraget"
    en_reading = "with the pharma grant" if pharma else "without the pharma grant"
    sv_other = "utan" if pharma else "med"
    en_other = "without" if pharma else "with"
    reported, reading = _fmt(v["reported_pct"]), _fmt(v["reading_pct"])
    other, debt = _fmt(v["other_grants_reading_pct"]), _fmt(v["debt"])
    needed = _fmt(v["debt_for_reported"])
    return (
        f"Skuldsättningsgraden {f.year} redovisas som {reported} %. Scenariots läsning "
        f"({debt} Mkr lån, {sv_reading}) ger {reading} %, {sv_other} bidraget {other} %; "
        f"{reported} % motsvarar {needed} Mkr lån.",
        f"The debt ratio {f.year} is reported as {reported} %. The scenario's reading "
        f"({debt} Mkr of loans, {en_reading}) gives {reading} %, {en_other} the grant "
        f"{other} %; {reported} % means {needed} Mkr of loans.",
    )


def _depreciation_vs_investment_plan(f: Finding, _fmt: Format) -> Texts:
    v, y = f.values, f.year
    return (
        f"Avskrivningarna {y} är {_fmt(v['published'], 0)} Mkr i planen, men "
        f"investeringsplanen ({_fmt(v['invested'], 0)} Mkr om året) ger "
        f"{_fmt(v['implied'], 0)} Mkr vid de livslängder som 2026 års avskrivningar och "
        f"Tabell 5 visar: {_fmt(v['difference'], 0)} Mkr mer.",
        f"Depreciation {y} is {_fmt(v['published'], 0)} Mkr in the plan, but the "
        f"investment plan ({_fmt(v['invested'], 0)} Mkr a year) implies "
        f"{_fmt(v['implied'], 0)} Mkr at the lives that 2026's depreciation and Tabell 5 "
        f"show: {_fmt(v['difference'], 0)} Mkr more.",
    )


BREACH_NAMES = {
    "loan_ceiling": ("lånetaket", "the loan ceiling"),
    "debt_ratio_ceiling": ("skuldsättningstaket", "the debt-ratio ceiling"),
    "liquidity_floor": ("likviditetsgolvet", "the liquidity floor"),
    "result_non_negative": ("balanskravet", "the balance requirement"),
    "result_share_of_revenue": ("resultatandelen", "the result share"),
    "committee_frames": ("en nämnds ram", "a committee frame"),
    "savings_capacity": ("besparingsförmågan", "the savings capacity"),
}


def _budget_year_breaks(f: Finding, _fmt: Format) -> Texts:
    parts = [
        (BREACH_NAMES.get(rule, (rule, rule)), _fmt(f.values[f"{rule}_mkr"]))
        for rule in f.facts["rules"]
    ]
    sv = ", ".join(f"{names[0]} med {amount} Mkr" for names, amount in parts)
    en = ", ".join(f"{names[1]} by {amount} Mkr" for names, amount in parts)
    return (
        f"Den beslutade budgeten {f.year} (låst) bryter {sv} (största avsteg); "
        "planen kan inte ändra det året, så det redovisas som fakta.",
        f"The decided budget {f.year} (locked) breaks {en} (largest shortfall); the "
        "plan cannot change that year, so it is reported as a fact.",
    )


TEMPLATES: dict[str, Callable[[Finding, Format], Texts]] = {
    "printed_prior_result": _printed_prior_result,
    "liabilities_over_loan_ceiling": _liabilities_over_loan_ceiling,
    "debt_ratio_readings": _debt_ratio_readings,
    "cash_below_floor": _cash_below_floor,
    "loan_ceiling_differs": _loan_ceiling_differs,
    "vintage_behind": _vintage_behind,
    "fou_purchasing_power": _fou_purchasing_power,
    "frames_without_uplift": _frames_without_uplift,
    "reported_debt_ratio": _reported_debt_ratio,
    "depreciation_vs_investment_plan": _depreciation_vs_investment_plan,
    "budget_year_breaks": _budget_year_breaks,
}
