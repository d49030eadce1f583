"""Structure once, numbers many times: `apply` on a built model equals a fresh build.

Every scenario number reaches the LP through `apply`; a variant applied to one
built model must give HiGHS exactly the LP that a fresh build of the variant
gives (matrix, row and column bounds, objective), and a variant that needs
another structure must be refused, not applied.
"""

from __future__ import annotations

import random

import pytest

from balans.model.build import StructureChanged, apply, build_model
from balans.model.data import build_data
from balans.model.lp import LpSession
from balans.testing import (
    feasible_scenario,
    highs_lp,
    lp_differences,
    make_scenario,
)

YEARS = range(2026, 2031)
PERTURBATIONS_PER_MODEL = 12
LARGEST_DIFFERENCE = 1e-9


def _per_year(key: str, low: float, high: float, rng: random.Random) -> list[str]:
    return [f"{key}.{y}={rng.uniform(low, high):.6f}" for y in YEARS]


def random_variant(rng: random.Random) -> tuple[str, ...]:
    """A valid perturbation of the shipped scenario: every kind of scenario number."""
    overrides = [
        *_per_year("assumptions.interest_rate_pct", 0.5, 7.0, rng),
        *_per_year("assumptions.tax_base_growth_pct", -1.0, 6.0, rng),
        *_per_year("assumptions.lpik_pct", 0.0, 6.0, rng),
        *_per_year("budget.targeted_grants", 100.0, 300.0, rng),
        *_per_year("budget.additional_investments", 0.0, 150.0, rng),
        *_per_year("rules.liquidity_floor.floor", 0.0, 300.0, rng),
        *_per_year("rules.debt_ratio.limit_pct", 10.0, 20.0, rng),
        *_per_year("liquidity.credit_limit", 0.0, 400.0, rng),
        *_per_year("budget.pharma_grant", 500.0, 600.0, rng),
        f"rules.committee_frames.frames.HSN.2026={rng.uniform(3100, 3400):.4f}",
        f"rules.savings_capacity.max_pct={rng.uniform(3, 10):.4f}",
        f"levers.savings_weights.HSN={rng.uniform(0.5, 2.0):.4f}",
        f"levers.max_new_borrowing={rng.uniform(200, 1500):.4f}",
        f"opening.cash={rng.uniform(50, 300):.4f}",
        f"fou.max_tkr={rng.uniform(8000, 20000):.4f}",
        _random_profile("liquidity.profiles.costs", rng),
        f"fou.bas_alf.elasticity={rng.uniform(0, 0.5):.6f}",
    ]
    return tuple(rng.sample(overrides, k=rng.randint(5, len(overrides))))


def _random_profile(key: str, rng: random.Random) -> str:
    """Twelve monthly shares that sum to 1 (to 1e-9, as the schema asks)."""
    shares = [rng.uniform(0.06, 0.11) for _ in range(12)]
    total = sum(shares)
    shares = [round(s / total, 12) for s in shares]
    shares[-1] = round(1 - sum(shares[:-1]), 12)
    return f"{key}=[{', '.join(repr(s) for s in shares)}]"


MODELS = [
    ("decided", None),
    ("optimal", "min-savings"),
    ("optimal", "closest-to-decided"),
    ("optimal", "max-margin"),
    ("optimal", "max-fou"),
]


@pytest.mark.parametrize(("mode", "objective"), MODELS)
def test_apply_gives_the_lp_of_a_fresh_build(mode, objective):
    rng = random.Random(f"{mode}-{objective}")
    m = build_model(build_data(make_scenario().scenario), mode, objective)
    solver = LpSession(m)
    largest = 0.0
    for _ in range(PERTURBATIONS_PER_MODEL):
        variant = build_data(make_scenario(*random_variant(rng)).scenario)
        apply(m, variant)
        applied = highs_lp(m, solver)
        fresh = highs_lp(build_model(variant, mode, objective))
        structural, difference = lp_differences(applied, fresh)
        assert not structural, structural[:5]
        largest = max(largest, difference)
    assert largest <= LARGEST_DIFFERENCE


def test_applied_variant_solves_to_the_fresh_build_objective():
    """Re-solving the session after apply gives the rebuilt optimum."""
    m = build_model(build_data(feasible_scenario().scenario), "optimal")
    session = LpSession(m)
    session.run()
    variant = build_data(
        feasible_scenario(*random_variant(random.Random(7))).scenario,
    )
    apply(m, variant)
    session.refresh()
    updated = session.run()
    fresh = LpSession(build_model(variant, "optimal"))
    rebuilt = fresh.run()
    assert updated == rebuilt
    if rebuilt == "optimal":
        assert session.objective_value() == pytest.approx(
            fresh.objective_value(), rel=1e-9, abs=1e-9
        )


def test_a_changed_number_changes_the_lp():
    """The equality check is not vacuous: one interest rate moves a coefficient."""
    m = build_model(build_data(make_scenario().scenario), "optimal")
    solver = LpSession(m)
    before = highs_lp(m, solver)
    apply(m, build_data(make_scenario("assumptions.interest_rate_pct.2027=6").scenario))
    structural, difference = lp_differences(before, highs_lp(m, solver))
    assert not structural
    assert difference > 1e-3


@pytest.mark.parametrize(
    "override",
    [
        "rules.liquidity_floor.enabled=false",
        "rules.result_share_of_revenue.enabled=true",
        "rules.restoration.enforce_vintage_deadlines=false",
        "rules.committee_frames.frames.HSN={2026: 3267.1, 2027: 3300}",
        "fou.discrete=true",
        "fou.from_year=2028",
        "debt.amortisation_min_pct={2027: 2.0}",
        "objective=max-margin",
    ],
)
def test_a_structural_change_is_refused_not_applied(override):
    m = build_model(build_data(make_scenario().scenario), "optimal")
    variant = build_data(make_scenario(override).scenario)
    with pytest.raises(StructureChanged):
        apply(m, variant)
