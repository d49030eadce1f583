"""Swedish (default) and English labels for every rule and heading.

Line and committee names come from the region model (`Naming`); Swedish terms
follow the budget document and the glossary in docs/glossary.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from balans.model.registry import REGISTRY
from balans.scenario.schema import Scenario

LANGS = ("sv", "en")

TARGETS: dict[str, tuple[str, str]] = {
    key: (entry.sv_label, entry.en_label) for key, entry in REGISTRY.items()
}

WORDS: dict[str, tuple[str, str]] = {
    "income": ("Resultatbudget", "Income statement"),
    "balance": ("Balansbudget", "Balance sheet"),
    "cash_flow": ("Finansieringsbudget", "Cash-flow budget"),
    "restoration": ("Återställande av underskott", "Restoration of deficits"),
    "committees": (
        "Nämnder: nettoram och besparing",
        "Committees: net frame and savings",
    ),
    "targets": ("Målvärden", "Targets"),
    "findings": ("Fynd i underlaget", "Findings in the documents"),
    "diagnosis": (
        "Varför ingen plan håller alla regler",
        "Why no plan keeps every rule",
    ),
    "decided": ("Beslutad plan", "Decided plan"),
    "optimal": ("Optimal plan", "Optimal plan"),
    "difference": ("Skillnad", "Difference"),
    "met": ("uppfyllt", "met"),
    "not_met": ("EJ uppfyllt", "NOT met"),
    "binding": ("binder", "binding"),
    "reported": ("redovisas", "reported"),
    "off": ("ej uppfyllt (avstängd)", "not met (switched off)"),
    "line": ("Rad (Mkr)", "Line (Mkr)"),
    "committee": ("Nämnd", "Committee"),
    "where": ("Nämnd/månad", "Committee/month"),
    "liquidity": ("Likviditet per månad (Mkr)", "Liquidity by month (Mkr)"),
    "cash_month": ("kassa", "cash"),
    "credit_month": ("kredit", "credit"),
    "floor_broken": ("Månader under golvet", "Months below the floor"),
    "floor_binding": ("Månader där golvet binder", "Months where the floor binds"),
    "credit_used": ("Månader med checkkredit", "Months using short-term credit"),
    "none": ("inga", "none"),
    "debt": ("Lån och skuldsättning", "Loans and debt"),
    "debt_loans": ("Lån (Mkr)", "Loans (Mkr)"),
    "debt_ceiling": ("Lånetak (Mkr)", "Loan ceiling (Mkr)"),
    "debt_published_ceiling": (
        "Lånetak enligt budget (Mkr)",
        "Published loan ceiling (Mkr)",
    ),
    "debt_ratio": ("Skuldsättningsgrad (%)", "Debt ratio (%)"),
    "debt_ratio_limit": ("Skuldsättningstak (%)", "Debt-ratio ceiling (%)"),
    "debt_interest": ("Räntekostnad lån (Mkr)", "Loan interest (Mkr)"),
    "debt_credit_interest": ("Räntekostnad checkkredit (Mkr)", "Credit interest (Mkr)"),
    "readings": ("Läsningar", "Readings"),
    "fou": (
        "FoU-medel: vad varje nivå kostar och ger",
        "FoU funds: what each level costs and buys",
    ),
    "fou_level": ("Nivå (tkr)", "Level (tkr)"),
    "fou_all_targets": ("Alla målvärden", "All targets"),
    "fou_extra_savings": ("Extra besparing (Mkr)", "Extra savings (Mkr)"),
    "fou_per_100k": ("tkr per 100 000 inv.", "tkr per 100,000 inh."),
    "fou_salary": ("Lön efter PO (tkr)", "Salary after PO (tkr)"),
    "fou_pre_2021": ("Motsvarar före 2021 (tkr)", "Pre-2021 equivalent (tkr)"),
    "fou_phd": ("Doktorand", "PhD"),
    "fou_postdoc": ("Postdok", "Postdoc"),
    "fou_projects": ("Projekt", "Projects"),
    "fou_base": ("Scenariots nivå", "The scenario's level"),
    "fou_within_limit": (
        "Högsta nivå inom sparramen fou.savings_limit utan större avsteg (max-fou); "
        "ryms",
        "Highest level within the savings limit fou.savings_limit with no larger "
        "breach (max-fou); fits",
    ),
    "from_year": ("från", "from"),
    "fou_benchmarks": (
        "Jämförelse, tkr per 100 000 invånare",
        "Benchmarks, tkr per 100,000 inhabitants",
    ),
    "fou_extra_by_committee": (
        "Extra besparing per nämnd, hela perioden (Mkr)",
        "Extra savings per committee, whole horizon (Mkr)",
    ),
    "fou_calibration": (
        "Fördelningsmodellen mot utfallet (modell / beviljat)",
        "Allocation model against the outcome (model / granted)",
    ),
    "used": ("scenariots läsning", "the scenario's reading"),
    "target": ("Målvärde", "Target"),
    "year": ("År", "Year"),
    "value": ("Utfall", "Value"),
    "limit": ("Gräns", "Limit"),
    "margin": ("Marginal", "Margin"),
    "status": ("Status", "Status"),
    "shadow_price": ("Skuggpris", "Shadow price"),
    "net_frame": ("Nettoram", "Net frame"),
    "savings": ("Ny besparing", "New savings"),
    "cumulative_savings": ("Ackumulerad besparing", "Cumulative savings"),
    "decided_savings": ("Besparing enligt beslut", "Decided savings"),
    "fou_tkr": ("FoU-medel (tkr)", "FoU funds (tkr)"),
    "objective": ("Målfunktion", "Objective"),
    "status_optimal": ("optimal", "optimal"),
    "status_evaluated": ("utvärderad", "evaluated"),
    "side_by_side": ("Beslutad och optimal plan", "Decided and optimal plan"),
    "status_infeasible": ("ingen plan håller alla regler", "no plan keeps every rule"),
    "status_unbounded": ("obegränsad", "unbounded"),
    "relax": (
        "Minsta avsteg som gör en plan möjlig",
        "Smallest relaxation that allows a plan",
    ),
    "pressing": (
        "Regler som avstegen trycker mot",
        "Rules the relaxation presses against",
    ),
    "alone": ("Var regel för sig", "Each rule on its own"),
    "alone_possible": ("räcker ensam med", "suffices alone with"),
    "alone_impossible": ("räcker inte ensam", "cannot do it alone"),
    "overrides": ("Ändrade värden", "Overrides applied"),
    "report_written": (
        "rapporten med diagnosen skrevs till",
        "the report with the diagnosis was written to",
    ),
    "total": ("Summa", "Total"),
    # balans report (the HTML page)
    "report_title": ("Budgetrapport", "Budget report"),
    "contents": ("Innehåll", "Contents"),
    "scenario": ("Scenario", "Scenario"),
    "horizon": ("Period", "Horizon"),
    "solver": ("Lösare", "Solver"),
    "targets_not_met": (
        "Målvärden ej uppfyllda (regel och år)",
        "Targets not met (rule and year)",
    ),
    "statements": (
        "Resultat-, balans- och finansieringsbudget",
        "Income statement, balance sheet and cash-flow budget",
    ),
    "traffic_heading": (
        "Målvärden i grönt, gult och rött",
        "Targets in green, amber and red",
    ),
    "traffic_rule": (
        "Grönt: uppfyllt med mer marginal än toleransen. Gult: inom toleransen från "
        "gränsen, på endera sidan (uppfyllt med liten marginal, eller missat med högst "
        "toleransen). Rött: missat med mer än toleransen. Toleransen är 5 % av gränsen, "
        "minst 1 Mkr (1 tkr) för belopp och 0,1 procentenhet för andelar. Regler per "
        "nämnd eller månad visar den nämnd eller månad som har minst marginal. "
        'Ett låst år (budgetåret, som ingen plan kan ändra) markeras "låst år". Grått: '
        "regeln är avstängd i scenariot och visas bara som information. Besparingsförmåga "
        "och besparingstakt (vad nämnderna kan leverera) är inga målvärden och visas inte.",
        "Green: met with more room than the tolerance. Amber: within the tolerance of "
        "the limit on either side (met narrowly, or missed by no more than the "
        "tolerance). Red: missed by more than the tolerance. The tolerance is 5 % of the "
        "limit, at least 1 Mkr (1 tkr) for amounts and 0.1 percentage point for ratios. "
        "Rules per committee or month show the committee or month with the least "
        "margin. A locked year (the budget year, which no plan can change) is marked "
        '"locked year". Grey: the scenario switches the rule off; shown for '
        "information only.",
    ),
    "light_green": ("uppfyllt", "met"),
    "light_amber": ("nära gränsen", "close to the limit"),
    "light_red": ("ej uppfyllt", "not met"),
    "light_off": (
        "avstängd regel, visas som information",
        "rule switched off, for information",
    ),
    "tolerance": ("tolerans", "tolerance"),
    "switched_off": ("regeln är avstängd", "the rule is switched off"),
    "locked_year": ("låst år", "locked year"),
    "locked_column": ("Låst år", "Locked year"),
    "breaches": ("Den närmaste planens avsteg", "The closest plan's breaches"),
    "breach_amount": ("Avsteg", "Breach"),
    "breach_mkr": ("Avsteg (Mkr)", "Breach (Mkr)"),
    "priority": ("Prioritet", "Priority"),
    "priority_law": ("lag", "law"),
    "priority_council": ("fullmäktige", "council"),
    "priority_aim": ("ambition", "aim"),
    "priority_capacity": ("förmåga", "capacity"),
    "no_breaches": (
        "Den optimala planen håller alla målvärden som scenariot slår på.",
        "The optimal plan keeps every target the scenario switches on.",
    ),
    "charts": ("Diagram", "Charts"),
    "compare_lines": ("Utvalda rader (Mkr)", "Selected lines (Mkr)"),
    "no_credit": (
        "Ingen checkkredit dras i någon av planerna.",
        "Neither plan draws credit.",
    ),
    "chart_savings": (
        "Ny besparing per nämnd och år (Mkr): beslutad (ljus, vänster) och optimal (mörk, höger)",
        "New savings per committee and year (Mkr): decided (light, left) and optimal (dark, right)",
    ),
    "chart_cash": (
        "Likviditet vid månadens slut mot likviditetsgolvet, och checkkredit",
        "Month-end cash against the liquidity floor, and credit drawn",
    ),
    "credit_drawn": ("Checkkredit", "Credit drawn"),
    "chart_restoration": (
        "Ej återställda underskott vid årets slut (Mkr): målet är 0 senast 2030",
        "Unrestored deficits at year end (Mkr): the goal is 0 by 2030",
    ),
    "chart_debt": (
        "Lån mot lånetak och skuldsättningsgrad mot skuldsättningstak",
        "Loans against the loan ceiling and debt ratio against its ceiling",
    ),
    "chart_fou": ("FoU-medel: nivå och kostnad", "FoU funds: level and cost"),
    "risk": ("Risk: osäkra framtider", "Risk: uncertain futures"),
    "sweep": ("Svep: många varianter", "Sweep: many variants"),
    "variants": ("Varianter", "Variants"),
    "shares": (
        "Andel varianter där målvärdet uppfylls",
        "Share of the variants in which the target is met",
    ),
    "sweep_note": (
        "Percentiler och andelar är över svepets varianter, inte sannolikheter.",
        "Percentiles and shares are over the sweep's variants, not probabilities.",
    ),
    "risk_source": ("Underlag", "Source"),
    "samples": ("Dragningar", "Samples"),
    "fan_plan": ("Plan i solfjädern", "Plan in the fan"),
    "chart_fan": (
        "Utfall per år i de osäkra framtiderna: percentiler",
        "Outcome per year across the uncertain futures: percentiles",
    ),
    "fan_result": ("Årets resultat", "Result"),
    "fan_lowest_cash": ("Lägsta likviditet", "Lowest cash"),
    "fan_restoration": ("Ej återställda underskott", "Unrestored deficits"),
    "band_outer": ("5-95 %", "5-95 %"),
    "band_inner": ("25-75 %", "25-75 %"),
    "median": ("median", "median"),
    "reference_line": ("gräns", "limit"),
    "probabilities": (
        "Sannolikhet att målvärdet uppfylls",
        "Probability that the target is met",
    ),
    "savings_needed": ("Besparing som behövs (Mkr)", "Savings needed (Mkr)"),
    "percentile": ("Percentil", "Percentile"),
    "drivers": ("Vad som driver utfallet", "What drives the outcome"),
    "chart_sobol": (
        "Sobol-index per osäker faktor (andel av variansen)",
        "Sobol' indices per uncertain driver (share of the variance)",
    ),
    "sobol_first": ("första ordningen (S1)", "first order (S1)"),
    "sobol_total": ("totalt (ST)", "total (ST)"),
    "discovery": ("När målen faller", "When the targets fail"),
    "made_by": ("Skapad av balans", "Made by balans"),
    "every_year": ("alla år", "every year"),
    "mean": ("medel", "mean"),
    "no_chart_data": ("inga data", "no data"),
    # The xlsx report's sheets and columns (reports/excel.py).
    "summary": ("Sammanfattning", "Summary"),
    "title": ("Titel", "Title"),
    "mode": ("Plan", "Plan"),
    "solver_status": ("Lösarens status", "Solver status"),
    "problem_type": ("Problemtyp", "Problem type"),
    "solve_seconds": ("Lösningstid (s)", "Solve time (s)"),
    "language": ("Språk", "Language"),
    "no_overrides": ("inga (--set)", "none (--set)"),
    "key": ("Nyckel", "Key"),
    "measure": ("Mått", "Measure"),
    "month": ("Månad", "Month"),
    "cash": ("Kassa (Mkr)", "Cash (Mkr)"),
    "credit": ("Checkkredit (Mkr)", "Credit drawn (Mkr)"),
    "floor": ("Likviditetsgolv (Mkr)", "Liquidity floor (Mkr)"),
    "unit": ("Enhet", "Unit"),
    "rule": ("Regel", "Rule"),
    "amount": ("Avsteg", "Relaxation"),
    "possible": ("Möjligt", "Possible"),
    "yes": ("ja", "yes"),
    "no": ("nej", "no"),
    "statement": ("Tabell", "Statement"),
    "reading": ("Läsning", "Reading"),
    "unallocated": ("Ej fördelat (tkr)", "Unallocated (tkr)"),
    "calibration_model": ("Modell", "Model"),
    "calibration_granted": ("Beviljat", "Granted"),
    "grant_category": ("Kategori", "Category"),
    "benchmark_region": ("Region", "Region"),
    "diagnosis_relax": ("Diagnos - minsta avsteg", "Diagnosis - least relaxation"),
    "diagnosis_pressing": ("Diagnos - trycker mot", "Diagnosis - rules pressed"),
    "diagnosis_alone": ("Diagnos - var regel för sig", "Diagnosis - each rule alone"),
    "sheet_committees": ("Nämnder", "Committees"),
    "sheet_fou": ("FoU-medel per nivå", "FoU funds by level"),
    "sheet_fou_committees": (
        "FoU extra besparing per nämnd",
        "FoU extra savings by committee",
    ),
    "sheet_fou_calibration": ("FoU fördelningsmodellen", "FoU allocation model"),
    "percent_note": (
        "Procent lagras som andelar (0,164 visas 16,4 %).",
        "Percentages are stored as fractions (0.164 shows as 16.4%).",
    ),
    "tightest_note": (
        "Regler per nämnd visas med den nämnd som har minst marginal; alla rader i "
        "--format json eller csv. Skuggpris: Mkr mindre i målfunktionen per Mkr regeln lättas.",
        "Rules per committee show the committee with the least margin; every row is in "
        "--format json or csv. Shadow price: Mkr less objective per Mkr the rule is eased.",
    ),
}

MONTHS: dict[str, tuple[str, str]] = {
    str(number): pair
    for number, pair in enumerate(
        [
            ("jan", "Jan"),
            ("feb", "Feb"),
            ("mar", "Mar"),
            ("apr", "Apr"),
            ("maj", "May"),
            ("jun", "Jun"),
            ("jul", "Jul"),
            ("aug", "Aug"),
            ("sep", "Sep"),
            ("okt", "Oct"),
            ("nov", "Nov"),
            ("dec", "Dec"),
        ],
        start=1,
    )
}

OBJECTIVES: dict[str, tuple[str, str]] = {
    "min-savings": ("minsta besparing (viktad, Mkr)", "least savings (weighted, Mkr)"),
    "closest-to-decided": (
        "närmast beslutad plan (Mkr avvikelse)",
        "closest to the decided plan (Mkr)",
    ),
    "max-margin": ("största säkerhetsmarginal (Mkr)", "largest safety margin (Mkr)"),
    "max-fou": ("högsta FoU-nivå varje år (tkr)", "highest FoU level every year (tkr)"),
}


def label(table: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    """The label of `key` in `lang`; the key itself when it has none."""
    pair = table.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "sv" else pair[1]


def word(key: str, lang: str) -> str:
    """A heading or status word."""
    return label(WORDS, key, lang)


def number(value: float | None, lang: str, decimals: int = 1) -> str:
    """1 050,0 in Swedish, 1,050.0 in English; '-' for no value."""
    if value is None:
        return "-"
    if abs(value) < 0.5 * 10 ** (-decimals):
        value = 0.0
    text = f"{value:,.{decimals}f}"
    if lang == "sv":
        text = text.replace(",", " ").replace(".", ",")
    return text


@dataclass(frozen=True)
class Naming:
    """The region's own names: committees and statement lines, both languages."""

    committees: dict[str, tuple[str, str]]
    lines: dict[str, dict[str, tuple[str, str]]]

    def committee(self, key: str | None, lang: str) -> str:
        """A committee's name in `lang` (the key for an unknown one)."""
        if key is None:
            return ""
        return label(self.committees, key, lang)

    def line(self, statement: str, key: str, lang: str) -> str:
        """A statement line's label in `lang`."""
        return label(self.lines.get(statement, {}), key, lang)

    def order(self, statement: str) -> list[str]:
        """The lines of a statement in report order."""
        return list(self.lines.get(statement, {}))


def naming_from(s: Scenario) -> Naming:
    """The naming a scenario's region model gives."""
    return Naming(
        committees={key: (c.sv_name, c.en_name) for key, c in s.committees.items()},
        lines={
            statement: {line.id: (line.sv, line.en) for line in lines}
            for statement, lines in s.statements.items()
        },
    )


# What a sweep output (a column of the table) is, for Sobol' indices and fan charts.
SOBOL_OUTPUTS: dict[str, tuple[str, str]] = {
    "savings_total": ("Besparing som behövs", "Savings needed"),
    "result": ("Årets resultat", "Result"),
    "lowest_cash": ("Lägsta likviditet", "Lowest cash"),
    "restoration_balance": ("Ej återställda underskott", "Unrestored deficits"),
}
