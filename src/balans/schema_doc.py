"""The scenario key reference (docs/scenario-reference.md), generated from the schema.

`render_reference()` walks `balans.scenario.schema.Scenario` and every nested
model's `model_fields` and writes one Markdown table per section: key path,
type (with its bounds), unit, required or default, and description. The
description is the field's own `description=`; where the schema has none yet,
`FALLBACK_DESCRIPTIONS` below supplies one, so the page has no blank rows.
Units follow the schema's conventions (Mkr unless the key says otherwise) and
are inferred in `_unit`.

Regenerate the page after a schema change:

    .venv/bin/python -c "from balans.schema_doc import render_reference; \
print(render_reference(), end='')" > docs/scenario-reference.md
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from balans.scenario.schema import Scenario

REGENERATE = (
    '.venv/bin/python -c "from balans.schema_doc import render_reference; '
    "print(render_reference(), end='')\" > docs/scenario-reference.md"
)

# How the keys of a `{key: ...}` mapping are written in key paths, by field name.
KEY_PLACEHOLDERS = {
    "committees": "<committee>",
    "frames": "<committee>",
    "savings_weights": "<committee>",
    "per_committee_pct": "<committee>",
    "statements": "<statement>",
    "grant_size_tkr": "<category>",
    "demand": "<category>",
    "cut_shares": "<category>",
    "growth_shares": "<category>",
    "granted": "<category>",
    "benchmarks": "<region>",
}

# Units that the key name alone does not give: by key path (`*` ends a prefix),
# then by key name. Otherwise: *_pct %, *_tkr tkr, years, numbers Mkr.
UNITS = {
    "liquidity.profiles.*": "share",
    "rules.fou_per_inhabitant.penalty": "per tkr of slack",
    "fou.levels": "tkr",
    "fou.population": "inhabitants",
    "fou.benchmarks": "tkr per 100 000 inhabitants",
    "fou.bas_alf.elasticity": "tkr per tkr",
    "fou.allocation.demand": "grants",
    "fou.allocation.cut_shares": "share",
    "fou.allocation.growth_shares": "share",
    "penalty": "per Mkr of slack",
    "savings_weights": "weight",
    "fou_heroma_factor": "share",
    "additional_investment_life_years": "years",
    "lag_years": "years",
    "granted": "grants",
    "max_pct": "%",
    "per_committee_pct": "%",
}

# Descriptions for fields that have no `description=` in the schema yet.
# Placeholders in paths: <committee> for a committee key, [] for a list item.
FALLBACK_DESCRIPTIONS = {
    "region": "Name of the region (set by the region model).",
    "name": "Scenario name in reports; default the file name without .yaml.",
    "title": "One-line title shown in reports.",
    "description": "Free text about the scenario.",
    "horizon": "The planning years.",
    "committees": "The committees (nämnder) of the region model, by short key.",
    "opening": (
        "Balance sheet and flows of the year before the horizon (Tabell 5, Tabell 2)."
    ),
    "opening.year": "The opening year: must be horizon.first_year - 1.",
    "opening.intangible_assets": "Immateriella tillgångar.",
    "opening.land_buildings": "Mark och byggnader.",
    "opening.machinery_equipment": "Maskiner och inventarier.",
    "opening.financial_fixed_assets": "Finansiella anläggningstillgångar.",
    "opening.long_term_receivables": "Långfristiga fordringar.",
    "opening.inventories": "Förråd.",
    "opening.short_term_receivables": "Kortfristiga fordringar.",
    "opening.cash": "Kassa och bank: the cash balance the plan starts from.",
    "opening.equity": "Eget kapital (negative for RJH).",
    "opening.other_provisions": "Övriga avsättningar.",
    "opening.long_term_liabilities": (
        "Långfristiga skulder: loans plus other long-term liabilities."
    ),
    "opening.short_term_liabilities": "Kortfristiga skulder.",
    "opening.depreciation": "Depreciation of the opening year (cost-growth base).",
    "opening.net_operating_costs": (
        "Net operating costs of the opening year (net cost-growth base)."
    ),
    "budget": "The decided budget: published lines and decided amounts.",
    "budget.operating_revenue": "Verksamhetens intäkter (Tabell 2).",
    "budget.targeted_grants": "Riktade statsbidrag (Tabell 2, 10).",
    "budget.operating_costs": (
        "Verksamhetens kostnader, decided (Tabell 2); includes FoU."
    ),
    "budget.depreciation": "Avskrivningar (Tabell 2).",
    "budget.tax_revenue": (
        "Skatteintäkter as decided, under the basis tax-base forecast."
    ),
    "budget.general_grants": "Generella statsbidrag.",
    "budget.pharma_grant": "Statsbidrag läkemedel (läkemedelsbidraget).",
    "budget.financial_income": "Finansiella intäkter.",
    "budget.financial_costs": (
        "Finansiella kostnader, as published (loan interest + pension part)."
    ),
    "budget.pension_liability_increase": (
        "Ökning pensionsskuld (Tabell 6); a source of cash."
    ),
    "budget.net_investments": (
        "Nettoinvesteringar within the investment frame (Tabell 6, 8)."
    ),
    "budget.pension_portfolio_purchases": "Köp till pensionsportföljen (Tabell 6).",
    "budget.new_long_term_debt": (
        "Decided new long-term loans (Tabell 6); the decided lever."
    ),
    "budget.debt_repayment": "Decided repayments (Tabell 6); the decided lever.",
    "budget.land_buildings": "Mark och byggnader at year end (Tabell 5).",
    "budget.intangible_assets": "Immateriella tillgångar at year end (Tabell 5).",
    "budget.financial_fixed_assets": (
        "Finansiella anläggningstillgångar at year end (Tabell 5)."
    ),
    "budget.fou_tkr": "FoU-medel of the plan; the model holds FoU at this level.",
    "budget.committees": "One row per committee for the first year (Tabell 11/12, 10).",
    "budget.basis": "The forecasts the decided figures rest on.",
    "budget.basis.lpik_pct": "LPIK the decided costs assume (cost pressure).",
    "budget.basis.volume_growth_pct": (
        "Volume growth the decided costs assume (cost pressure)."
    ),
    "budget.basis.tax_base_growth_pct": (
        "Tax-base growth the decided tax revenue assumes; includes the opening year."
    ),
    "budget.basis.interest_rate_pct": "Loan rate the published financial costs assume.",
    "assumptions": "The plan's forecasts and readings; what-ifs change these.",
    "assumptions.lpik_pct": "LPIK of the plan (cost pressure).",
    "assumptions.volume_growth_pct": "Volume growth of the plan (cost pressure).",
    "assumptions.tax_base_growth_pct": (
        "Tax-base growth of the plan; includes the opening year."
    ),
    "assumptions.interest_rate_pct": (
        "Loan rate of the plan, on the average loan balance."
    ),
    "assumptions.depreciation_committee": (
        "The committee whose net cost carries depreciation."
    ),
    "assumptions.pension_payroll_tax_pct": "Särskild löneskatt on pension provisions.",
    "assumptions.additional_investment_life_years": (
        "Write-off period of budget.additional_investments (linear, from the year "
        "after)."
    ),
    "rules": "Every målvärde of the plan.",
    "rules.committee_frames": "Nämnd ramar.",
    "rules.result_non_negative": "Balanskravet: årets resultat at least a minimum.",
    "rules.result_non_negative.minimum": "Least result per year (0 = balanskravet).",
    "rules.restoration": "Återställande of unrestored deficits.",
    "rules.restoration.target_year": (
        "Year by whose end every vintage must be restored."
    ),
    "rules.restoration.vintages": "The unrestored negative results, one per year.",
    "rules.restoration.vintages[].year": (
        "The year the deficit arose (before the horizon)."
    ),
    "rules.restoration.enforce_vintage_deadlines": (
        "Also enforce each vintage's deadline (vintage_deadline rule)."
    ),
    "rules.debt_ratio": "Skuldsättningstak.",
    "rules.debt_ratio.limit_pct": "Ceiling on debt / (taxes + general grants).",
    "rules.debt_ratio.numerator": (
        "Which debt counts: the loans, or every long-term liability."
    ),
    "rules.debt_ratio.include_pharma_grant": (
        "Count the pharma grant as a general grant in the denominator."
    ),
    "rules.loan_ceiling": "Lånetak.",
    "rules.loan_ceiling.limit": "Ceiling on the loans at year end.",
    "rules.liquidity_floor": "Likviditetsgolv.",
    "rules.liquidity_floor.floor": "Least cash at year end.",
    "rules.savings_capacity": "Besparingsförmåga.",
    "rules.savings_capacity.max_pct": (
        "Most new savings per committee and year, as a share of its cost pressure."
    ),
    "rules.savings_capacity.per_committee_pct": "Per-committee override of max_pct.",
    "rules.key_figures": "Reported key figures, never enforced.",
    "rules.key_figures.net_cost_growth_pct": (
        "Target for nettokostnadsutveckling (Tabell 1)."
    ),
    "rules.key_figures.gross_cost_growth_pct": (
        "Target for bruttokostnadsutveckling (Tabell 1)."
    ),
    "rules.loan_ceiling.basis": (
        "land_buildings: the ceiling is share_pct of land and buildings each year, "
        "rounded; fixed: the ceilings in limit."
    ),
    "rules.loan_ceiling.share_pct": "Share of land and buildings (Tabell 7: 100 %).",
    "rules.loan_ceiling.rounding": (
        "How the ceiling is rounded to step: nearest (halves up), down, up, or none."
    ),
    "rules.loan_ceiling.step": "Rounding step of the ceiling (Tabell 7: 50 Mkr).",
    "rules.fou_per_inhabitant": "FoU per invånare (off by default).",
    "rules.fou_per_inhabitant.from_year": "First year the rule applies.",
    "liquidity": "The months inside each year: profiles and short-term credit.",
    "debt": "Amortisation policy of long-term loans.",
    "fou": "FoU-medel: bounds of the lever, levels, benchmarks, what a level buys.",
    "fou.min_tkr": "Lower bound of FoU for max-fou.",
    "fou.bas_alf.lag_years": "Years between a FoU level and the premium it earns.",
    "fou.allocation.grant_size_tkr": "Average grant per category.",
    "fou.allocation.cut_shares": (
        "How a cut below the reference level is split over the categories (sum 1)."
    ),
    "fou.allocation.growth_shares": (
        "How an increase above the reference level is split over the categories (sum "
        "1)."
    ),
    "fou.allocation.reference.year": "The year of the reference allocation.",
    "fou.allocation.reference.fou_tkr": "The FoU level of that year.",
    "fou.allocation.reference.granted": "Grants per category in that year.",
    "fou.allocation.calibration[].year": "A year with known grants.",
    "fou.allocation.calibration[].fou_tkr": "Its FoU level.",
    "fou.allocation.calibration[].granted": "The grants it gave per category.",
    "levers": "How free the optimiser is.",
    "objective": "What the optimal plan optimises (see docs/model.md).",
    "enabled": (
        "Whether the rule is enforced in solve (evaluate reports it either way)."
    ),
}


@dataclass(frozen=True)
class Row:
    """One key of the reference."""

    path: str
    type: str
    unit: str
    default: str
    description: str


@dataclass(frozen=True)
class Section:
    """One model of the schema: its path, docstring and rows."""

    path: str
    summary: str
    rows: list[Row]


def render_reference() -> str:
    """Render the Markdown page of every scenario key from the schema."""
    lines = [
        "# Scenario reference",
        "",
        "<!-- Generated by balans.schema_doc.render_reference(); "
        "do not edit by hand. -->",
        "",
        "Every key of a scenario after merging (region model, `extends:` chain, "
        "`--set`), generated from the pydantic schema in "
        "`src/balans/scenario/schema.py`. Regenerate after a schema change:",
        "",
        "```",
        REGENERATE,
        "```",
        "",
        "How to read it:",
        "",
        "- **Key**: the dotted path, as `--set` takes it. `<committee>` stands for a "
        "committee key of the region model (RF, RS, HSN, ...), `<statement>` for a "
        "statement name; `[]` for an item of a list.",
        "- **Type**: `{year: number}` is a mapping from year to value, e.g. "
        "`{2026: 3.1, 2027: 3.2}`; which series must cover every year of the horizon "
        "is in [scenarios.md](scenarios.md#year-keyed-values). "
        "Every number must be finite.",
        "- Types are strict: a `number` must be written as a number (`4.5`, not "
        "`'4.5'`, `4,5`, `yes` or `on`), an `integer` or `year` as a whole number, "
        'and `true/false` only as `true` or `false` (not `0`, `1` or `"false"`). '
        "A decimal comma gets a hint to write a decimal point.",
        "- **Unit**: Mkr are million kronor with the signs of the published tables "
        "(costs negative, revenue positive); tkr thousand kronor; % percent "
        "(3.1 means 3.1 %).",
        "- **Default**: `required` keys must be set by the region model or a scenario "
        "file; the others may be left out.",
        "- Unknown keys are errors (a typo is reported with the closest known key).",
        "",
    ]
    for section in _sections(Scenario, ""):
        title = f"`{section.path}`" if section.path else "Top level"
        lines += [f"## {title}", ""]
        if section.summary:
            lines += [section.summary, ""]
        lines += [
            "| Key | Type | Unit | Default | Description |",
            "|---|---|---|---|---|",
        ]
        for row in section.rows:
            cells = (
                f"`{row.path}`",
                f"`{row.type}`",
                row.unit,
                row.default,
                row.description,
            )
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        lines.append("")
    return "\n".join(lines)


def _sections(model: type[BaseModel], path: str) -> Iterator[Section]:
    """Yield the section of `model` at `path`, then those of its nested models."""
    rows, nested = [], []
    for name, info in model.model_fields.items():
        key = f"{path}.{name}" if path else name
        child, child_path = _nested_model(info.annotation, key, name)
        rows.append(_row(key, name, info, child, child_path))
        if child is not None:
            nested.append((child, child_path))
    yield Section(path, _summary(model), rows)
    for child, child_path in nested:
        yield from _sections(child, child_path)


def _nested_model(
    annotation: Any, key: str, name: str
) -> tuple[type[BaseModel] | None, str]:
    """Find the nested model under a field, through any mappings and lists."""
    if _is_model(annotation):
        return annotation, key
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is dict:
        return _nested_model(args[1], f"{key}.{_key_placeholder(name)}", name)
    if origin is list:
        return _nested_model(args[0], f"{key}[]", name)
    return None, key


def _shape(annotation: Any, path: str, name: str) -> str:
    """Describe the type of a field holding a nested model (e.g. a mapping)."""
    if _is_model(annotation):
        return f"section {path}"
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is dict:
        inner = _shape(args[1], f"{path}.{_key_placeholder(name)}", name)
        return f"{{{_dict_key(args[0], name)}: {inner}}}"
    if origin is list:
        return f"list of {_shape(args[0], f'{path}[]', name)}"
    return _type(annotation, [], name)


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _summary(model: type[BaseModel]) -> str:
    doc = (model.__doc__ or "").strip()
    return doc.splitlines()[0] if doc else ""


def _row(
    key: str,
    name: str,
    info: FieldInfo,
    child: type[BaseModel] | None,
    child_path: str,
) -> Row:
    if child is not None:
        kind = _shape(info.annotation, key, name)
    else:
        kind = _type(info.annotation, list(info.metadata), name)
    return Row(
        path=key,
        type=kind,
        unit="" if child is not None else _unit(key, name, kind),
        default=_default(info),
        description=_description(key, name, info, child),
    )


def _description(
    key: str, name: str, info: FieldInfo, child: type[BaseModel] | None
) -> str:
    if info.description:
        return info.description
    if key in FALLBACK_DESCRIPTIONS:
        return FALLBACK_DESCRIPTIONS[key]
    if name in FALLBACK_DESCRIPTIONS:
        return FALLBACK_DESCRIPTIONS[name]
    if child is not None:
        return _summary(child)
    return ""


def _key_placeholder(name: str) -> str:
    return KEY_PLACEHOLDERS.get(name, "<key>")


def _dict_key(annotation: Any, name: str) -> str:
    """Describe the key of a mapping: year, a placeholder, or the allowed keys."""
    if get_origin(annotation) is Literal:
        return _key_placeholder(name) + " (" + ", ".join(get_args(annotation)) + ")"
    key = _type(annotation, [], name)
    return _key_placeholder(name) if key == "text" else key


def _type(annotation: Any, metadata: list[Any], name: str) -> str:
    """Describe a type readably: base type, bounds, mapping and optional shapes."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _type(args[0], [*metadata, *args[1:]], name)
    if origin in (Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        text = " or ".join(_type(a, metadata, name) for a in inner)
        return f"{text} or null" if len(inner) < len(args) else text
    if origin is Literal:
        return " or ".join(f'"{a}"' for a in args)
    if origin is dict:
        return f"{{{_dict_key(args[0], name)}: {_type(args[1], [], name)}}}"
    if origin is list:
        bounds = _bounds(metadata)
        text = f"list of {_type(args[0], [], name)}"
        return f"{text}, {', '.join(bounds)}" if bounds else text
    bounds = _bounds(metadata)
    if annotation is int and bounds == ["≥ 1900", "≤ 2200"]:
        return "year"
    base = {float: "number", int: "integer", bool: "true/false", str: "text"}.get(
        annotation, getattr(annotation, "__name__", str(annotation))
    )
    return f"{base} {', '.join(bounds)}" if bounds else base


def _bounds(metadata: list[Any]) -> list[str]:
    """Collect bounds from annotated-types constraints and the schema's validators."""
    found: list[str] = []
    for item in metadata:
        if isinstance(item, FieldInfo):
            found += _bounds(list(item.metadata))
        elif isinstance(item, annotated_types.Ge):
            found.append(f"≥ {_num(item.ge)}")
        elif isinstance(item, annotated_types.Gt):
            found.append(f"> {_num(item.gt)}")
        elif isinstance(item, annotated_types.Le):
            found.append(f"≤ {_num(item.le)}")
        elif isinstance(item, annotated_types.Lt):
            found.append(f"< {_num(item.lt)}")
        elif hasattr(item, "func"):
            found += _validator_bounds(item.func)
    return found


def _validator_bounds(func: Any) -> list[str]:
    name = getattr(func, "__name__", "")
    if name == "_non_negative":
        return ["≥ 0"]
    if name == "_non_positive":
        return ["≤ 0"]
    if name == "_monthly_profile":
        return ["12 shares ≥ 0 summing to 1 (January first)"]
    closure = dict(
        zip(
            func.__code__.co_freevars, [c.cell_contents for c in func.__closure__ or ()]
        )
    )
    if "low" in closure and "high" in closure:
        return [f"{_num(closure['low'])} to {_num(closure['high'])}"]
    return []  # _finite: every number is finite, said once in the introduction


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _unit(key: str, name: str, kind: str) -> str:
    for pattern, unit in UNITS.items():
        if pattern == key or (pattern.endswith("*") and key.startswith(pattern[:-1])):
            return unit
    if name in UNITS:
        return UNITS[name]
    if name.endswith("_pct"):
        return "%"
    if name.endswith("_tkr"):
        return "tkr"
    if kind.startswith("year") or kind.startswith("{<committee>: year"):
        return "year"
    if "number" in kind:
        return "Mkr"
    return ""


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    if info.default_factory is not None:
        value = info.default_factory()
        if isinstance(value, BaseModel):
            return "optional section"
        return f"`{value!r}`"
    value = info.default
    if value is PydanticUndefined:
        return "required"
    if value is None:
        return "`null`"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, str):
        return f'`"{value}"`'
    if isinstance(value, float):
        return f"`{_num(value)}`"
    return f"`{value!r}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
