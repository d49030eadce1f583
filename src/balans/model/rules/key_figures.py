"""Key figures (nyckeltal): reported against their targets, never enforced."""

from __future__ import annotations

from collections.abc import Iterator

from balans.model.rules.common import FigureValue, KeyFigure
from balans.scenario.schema import Scenario

QUICK_RATIO_TARGET = (
    100.0  # kassalikviditet exkl. pensionsplaceringar > 100 % (Tabell 1)
)


def opening_total_assets(s: Scenario) -> float:
    """Summa tillgångar of the opening balance sheet."""
    o = s.opening
    return sum(
        (
            o.intangible_assets,
            o.land_buildings,
            o.machinery_equipment,
            o.financial_fixed_assets,
            o.long_term_receivables,
            o.inventories,
            o.short_term_receivables,
            o.pension_investments,
            o.cash,
        )
    )


def _equity_ratio(s: Scenario, r) -> Iterator[FigureValue]:
    """Soliditet each year against the year before (it must improve)."""
    before = 100 * s.opening.equity / opening_total_assets(s)
    for y in r.years:
        ratio = 100 * r.balance["total_equity"][y] / r.balance["total_assets"][y]
        yield FigureValue(y, ratio, before)
        before = ratio


def _equity_ratio_incl_pensions(s: Scenario, r) -> Iterator[FigureValue]:
    """Soliditet with the ansvarsförbindelse (incl. löneskatt) counted as a debt."""
    b = r.balance
    commitments = s.opening.pension_commitments
    before = (
        None
        if commitments is None
        else 100 * (s.opening.equity - commitments) / opening_total_assets(s)
    )
    for y in r.years:
        owed = b["pension_commitments"][y] + b["pension_commitments_payroll_tax"][y]
        ratio = 100 * (b["total_equity"][y] - owed) / b["total_assets"][y]
        if before is not None:
            yield FigureValue(y, ratio, before)
        before = ratio


def _quick_ratio(s: Scenario, r) -> Iterator[FigureValue]:
    """(Short-term receivables + cash) / short-term liabilities, against 100 %."""
    for y in r.years:
        b = r.balance
        quick = (
            100
            * (b["short_term_receivables"][y] + b["cash"][y])
            / b["short_term_liabilities"][y]
        )
        yield FigureValue(y, quick, QUICK_RATIO_TARGET)


def _cost_growth(s: Scenario, r, net: bool) -> Iterator[FigureValue]:
    """Growth of net (or gross) operating costs against Tabell 1's targets."""
    o, targets = s.opening, s.rules.key_figures
    limits = targets.net_cost_growth_pct if net else targets.gross_cost_growth_pct
    before = -o.net_operating_costs if net else -(o.operating_costs + o.depreciation)
    for y in r.years:
        i = r.income
        now = (
            -i["net_operating_costs"][y]
            if net
            else -(i["operating_costs"][y] + i["depreciation"][y])
        )
        if y in limits:
            yield FigureValue(y, 100 * (now / before - 1), limits[y])
        before = now


EQUITY_RATIO = KeyFigure(
    key="equity_ratio",
    unit="%",
    sv_label="Soliditet (förbättras)",
    en_label="Equity ratio (improving)",
    source="Tabell 1; Långsiktig plan",
    description="equity / total assets, higher than the year before",
    values=_equity_ratio,
    higher=True,
)
EQUITY_RATIO_INCL_PENSIONS = KeyFigure(
    key="equity_ratio_incl_pensions",
    unit="%",
    sv_label="Soliditet inkl. pensionsförpliktelser (förbättras)",
    en_label="Equity ratio incl. pension obligations (improving)",
    source="Regionplan, långsiktiga nyckeltal; Tabell 5 (ansvarsförbindelse)",
    description="(equity - ansvarsförbindelse incl. löneskatt) / total assets, "
    "higher than the year before",
    values=_equity_ratio_incl_pensions,
    higher=True,
)
QUICK_RATIO = KeyFigure(
    key="quick_ratio",
    unit="%",
    sv_label="Kassalikviditet exkl. pensionsplaceringar",
    en_label="Quick ratio excl. pension investments",
    source="Tabell 1 (> 100 % på längre sikt)",
    description="(short-term receivables + cash) / short-term liabilities > 100 %",
    values=_quick_ratio,
    higher=True,
)
NET_COST_GROWTH = KeyFigure(
    key="net_cost_growth",
    unit="%",
    sv_label="Nettokostnadsutveckling",
    en_label="Net cost growth",
    source="Tabell 1",
    description="growth of net operating costs at most the target (printed to 0.1)",
    values=lambda s, r: _cost_growth(s, r, net=True),
    higher=False,
    rounding=0.05,
)
GROSS_COST_GROWTH = KeyFigure(
    key="gross_cost_growth",
    unit="%",
    sv_label="Bruttokostnadsutveckling",
    en_label="Gross cost growth",
    source="Tabell 1",
    description="growth of gross costs (incl. depreciation) at most the target",
    values=lambda s, r: _cost_growth(s, r, net=False),
    higher=False,
    rounding=0.05,
)
