"""The line ids of each statement: a contract of the JSON output and the model."""

from __future__ import annotations

INCOME_LINES = (
    "operating_revenue",
    "targeted_grants",
    "operating_costs",
    "depreciation",
    "net_operating_costs",
    "tax_revenue",
    "general_grants",
    "pharma_grant",
    "operating_result",
    "financial_income",
    "financial_costs",
    "result",
    "loan_interest",
)
BALANCE_LINES = (
    "intangible_assets",
    "land_buildings",
    "machinery_equipment",
    "financial_fixed_assets",
    "long_term_receivables",
    "total_fixed_assets",
    "inventories",
    "short_term_receivables",
    "short_term_investments",
    "cash",
    "total_current_assets",
    "total_assets",
    "equity_opening",
    "result",
    "total_equity",
    "pension_provision",
    "pension_payroll_tax",
    "other_provisions",
    "total_provisions",
    "long_term_liabilities",
    "short_term_liabilities",
    "total_liabilities",
    "total_equity_and_liabilities",
    "loans",
    "pension_commitments",
    "pension_commitments_payroll_tax",
)
CASH_FLOW_LINES = (
    "result",
    "depreciation",
    "pension_liability_increase",
    "internal_funds",
    "new_long_term_debt",
    "total_sources",
    "net_investments",
    "pension_portfolio_purchases",
    "debt_repayment",
    "total_uses",
    "cash_change",
)

RESTORATION_LINES = ("opening", "result", "adjustments", "balanskrav_result", "closing")
STATEMENT_LINES = {
    "income": INCOME_LINES,
    "balance": BALANCE_LINES,
    "cash_flow": CASH_FLOW_LINES,
    "restoration": RESTORATION_LINES,
}
