"""Swedish (default) and English labels for every line, rule and heading.

Swedish terms follow the budget document and the glossary in docs/glossary.md.
"""

from __future__ import annotations

LANGS = ("sv", "en")

LINES: dict[str, tuple[str, str]] = {
    # Resultatbudget (Tabell 2/4)
    "operating_revenue": ("Verksamhetens intäkter", "Operating revenue"),
    "targeted_grants": ("Riktade statsbidrag", "Targeted state grants"),
    "operating_costs": ("Verksamhetens kostnader", "Operating costs"),
    "depreciation": ("Avskrivningar", "Depreciation"),
    "net_operating_costs": ("Verksamhetens nettokostnader", "Net operating costs"),
    "tax_revenue": ("Skatteintäkter", "Tax revenue"),
    "general_grants": ("Generella statsbidrag", "General state grants"),
    "pharma_grant": ("Statsbidrag läkemedel", "Pharmaceutical grant"),
    "operating_result": ("Verksamhetens resultat", "Operating result"),
    "financial_income": ("Finansiella intäkter", "Financial income"),
    "financial_costs": ("Finansiella kostnader", "Financial costs"),
    "result": ("Årets resultat", "Result for the year"),
    "loan_interest": ("varav räntor på lån", "of which loan interest"),
    # Balansbudget (Tabell 5)
    "intangible_assets": ("Immateriella tillgångar", "Intangible assets"),
    "land_buildings": ("Mark och byggnader", "Land and buildings"),
    "machinery_equipment": ("Maskiner och inventarier", "Machinery and equipment"),
    "financial_fixed_assets": ("Finansiella anläggningstillgångar", "Financial fixed assets"),
    "long_term_receivables": ("Långfristiga fordringar", "Long-term receivables"),
    "total_fixed_assets": ("Summa anläggningstillgångar", "Total fixed assets"),
    "inventories": ("Förråd", "Inventories"),
    "short_term_receivables": ("Kortfristiga fordringar", "Short-term receivables"),
    "short_term_investments": (
        "Kortfristiga placeringar (pension)", "Short-term investments (pension)"
    ),
    "cash": ("Kassa och bank", "Cash"),
    "total_current_assets": ("Summa omsättningstillgångar", "Total current assets"),
    "total_assets": ("SUMMA TILLGÅNGAR", "TOTAL ASSETS"),
    "equity_opening": ("Eget kapital (ingående)", "Equity (opening)"),
    "total_equity": ("Summa eget kapital", "Total equity"),
    "pension_provision": ("Avsättning pensioner", "Pension provisions"),
    "pension_payroll_tax": ("Särskild löneskatt", "Special payroll tax"),
    "other_provisions": ("Övriga avsättningar", "Other provisions"),
    "total_provisions": ("Summa avsättningar", "Total provisions"),
    "long_term_liabilities": ("Långfristiga skulder", "Long-term liabilities"),
    "short_term_liabilities": ("Kortfristiga skulder", "Short-term liabilities"),
    "total_liabilities": ("Summa skulder", "Total liabilities"),
    "total_equity_and_liabilities": (
        "SUMMA EGET KAPITAL, AVSÄTTNINGAR OCH SKULDER",
        "TOTAL EQUITY, PROVISIONS AND LIABILITIES",
    ),
    "loans": ("varav lån", "of which loans"),
    # Finansieringsbudget (Tabell 6)
    "pension_liability_increase": (
        "Ökning pensionsskuld", "Increase in pension liability"
    ),
    "internal_funds": ("Summa internt tillförda medel", "Internally generated funds"),
    "new_long_term_debt": ("Ökning av långfristiga skulder", "New long-term debt"),
    "total_sources": ("Summa tillförda medel", "Total sources"),
    "net_investments": ("Nettoinvesteringar", "Net investments"),
    "pension_portfolio_purchases": (
        "Köp till pensionsportföljen", "Pension portfolio purchases"
    ),
    "debt_repayment": ("Minskning av långfristiga skulder", "Debt repayment"),
    "total_uses": ("Summa använda medel", "Total uses"),
    "cash_change": ("Förändring likvida medel", "Change in cash"),
    # Återställande (Tabell 3)
    "opening": ("IB ej återställda underskott", "Opening unrestored deficit"),
    "closing": ("UB ej återställda underskott", "Closing unrestored deficit"),
}

TARGETS: dict[str, tuple[str, str]] = {
    "committee_frames": ("Nämnd ram", "Committee frame"),
    "result_non_negative": ("Årets resultat ≥ 0", "Result ≥ 0"),
    "restoration_goal": ("Återställande", "Restoration goal"),
    "vintage_deadline": ("Underskott återställt i tid", "Deficit restored in time"),
    "debt_ratio_ceiling": ("Skuldsättningstak", "Debt-ratio ceiling"),
    "loan_ceiling": ("Lånetak", "Loan ceiling"),
    "liquidity_floor": ("Likviditetsgolv (årets slut)", "Liquidity floor (year end)"),
    "savings_capacity": ("Besparingsförmåga", "Savings capacity"),
    "equity_ratio": ("Soliditet (förbättras)", "Equity ratio (improving)"),
    "net_cost_growth": ("Nettokostnadsutveckling", "Net cost growth"),
    "gross_cost_growth": ("Bruttokostnadsutveckling", "Gross cost growth"),
}

WORDS: dict[str, tuple[str, str]] = {
    "income": ("Resultatbudget", "Income statement"),
    "balance": ("Balansbudget", "Balance sheet"),
    "cash_flow": ("Finansieringsbudget", "Cash-flow budget"),
    "restoration": ("Återställande av underskott", "Restoration of deficits"),
    "committees": ("Nämnder: nettoram och besparing", "Committees: net frame and savings"),
    "targets": ("Målvärden", "Targets"),
    "findings": ("Fynd i underlaget", "Findings in the documents"),
    "diagnosis": ("Varför ingen plan håller alla regler", "Why no plan keeps every rule"),
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
    "relax": ("Minsta avsteg som gör en plan möjlig", "Smallest relaxation that allows a plan"),
    "pressing": ("Regler som avstegen trycker mot", "Rules the relaxation presses against"),
    "alone": ("Var regel för sig", "Each rule on its own"),
    "alone_possible": ("räcker ensam med", "suffices alone with"),
    "alone_impossible": ("räcker inte ensam", "cannot do it alone"),
    "overrides": ("Ändrade värden", "Overrides applied"),
    "total": ("Summa", "Total"),
    "tightest_note": (
        "Regler per nämnd visas med den nämnd som har minst marginal; alla rader i "
        "--format json eller csv. Skuggpris: Mkr mindre i målfunktionen per Mkr regeln lättas.",
        "Rules per committee show the committee with the least margin; every row is in "
        "--format json or csv. Shadow price: Mkr less objective per Mkr the rule is eased.",
    ),
}

OBJECTIVES: dict[str, tuple[str, str]] = {
    "min-savings": ("minsta besparing (viktad, Mkr)", "least savings (weighted, Mkr)"),
    "closest-to-decided": (
        "närmast beslutad plan (Mkr avvikelse)", "closest to the decided plan (Mkr)"
    ),
    "max-margin": ("största säkerhetsmarginal (Mkr)", "largest safety margin (Mkr)"),
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
