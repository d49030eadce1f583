"""Every registered rule, pinned down: an LP snapshot each, and the registry complete.

The snapshots are the rules' rows in a tiny fixture (the decided scenario cut
to 2026-2027, every rule switched on), written out readably
(tests/snapshots/rules). A change to a rule's formula, sense, index or limit
changes its snapshot: `make regen` rewrites them, tests/test_regen.py checks
them; say in the commit why the rows changed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from balans.model.registry import KEY_FIGURES, LP_RULES, REGISTRY
from balans.plan import optimise
from balans.reports.labels import TARGETS
from balans.scenario.schema import Rules
from balans.testing import make_scenario, rule_rows_text, snapshot_model

SNAPSHOTS = Path(__file__).parent / "snapshots" / "rules"


@pytest.fixture(scope="module")
def tiny_model():
    return snapshot_model()


def test_every_registered_rule_has_a_snapshot_and_every_snapshot_a_rule():
    snapshots = {path.stem for path in SNAPSHOTS.glob("*.txt")}
    assert snapshots == {rule.key for rule in LP_RULES}


def test_every_rule_has_rows_in_the_tiny_fixture(tiny_model):
    assert all(rule_rows_text(tiny_model, r.key).strip() for r in LP_RULES)


def test_every_rule_setting_is_a_scenario_section():
    sections = set(Rules.model_fields)
    assert {rule.setting for rule in LP_RULES} <= sections


def test_keys_are_unique_and_every_entry_is_labelled():
    keys = [entry.key for entry in (*LP_RULES, *KEY_FIGURES)]
    assert len(keys) == len(set(keys)) == len(REGISTRY)
    for key, entry in REGISTRY.items():
        assert entry.sv_label and entry.en_label and entry.source
        assert TARGETS[key] == (entry.sv_label, entry.en_label)


# The rule added to show that one registry entry is a whole rule: the result at
# least a share of skatter och generella statsbidrag (god ekonomisk hushållning).


def test_result_share_rule_is_off_by_default_and_has_no_rows(optimal_plan):
    assert not any(t.id == "result_share_of_revenue" for t in optimal_plan.targets)


SHARE_ON = (
    "rules.result_share_of_revenue.enabled=true",
    "rules.result_target.enabled=false",
)


def test_result_share_rule_is_reported_in_percent_and_verified():
    plan = optimise(make_scenario(*SHARE_ON), "min-savings")
    rows = {t.year: t for t in plan.targets if t.id == "result_share_of_revenue"}
    assert sorted(rows) == [2026, 2027, 2028, 2029, 2030]
    assert all(r.unit == "%" and r.limit == pytest.approx(2.0) for r in rows.values())
    # 2026 is the decided budget (result 0, Tabell 2): a fact, reported as a breach.
    assert not rows[2026].met
    locked = [b for b in plan.breaches if b.rule == "result_share_of_revenue"]
    assert [(b.year, b.locked_year) for b in locked] == [(2026, True)]
    # From 2027 the plan keeps it (restoration asks more than 2 % here).
    assert all(rows[y].enforced and rows[y].met for y in range(2027, 2031))


def test_a_share_rule_in_percent_binds_with_a_price():
    """4.5 % a year is more than restoration needs: it binds, like any Mkr rule."""
    plan = optimise(
        make_scenario(*SHARE_ON, "rules.result_share_of_revenue.share_pct=4.5"),
        "min-savings",
    )
    later = [
        t for t in plan.targets if t.id == "result_share_of_revenue" and t.year > 2026
    ]
    assert all(r.met for r in later)
    assert any(r.binding and r.shadow_price for r in later)


def test_a_higher_share_needs_more_savings():
    low = optimise(
        make_scenario(*SHARE_ON, "rules.result_share_of_revenue.share_pct=4"),
        "min-savings",
    )
    high = optimise(
        make_scenario(*SHARE_ON, "rules.result_share_of_revenue.share_pct=4.5"),
        "min-savings",
    )
    assert high.objective > low.objective + 1.0
