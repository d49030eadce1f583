"""Shared fixtures: the decided scenario evaluated and solved once per session."""

from __future__ import annotations

import pytest

from balans.plan import evaluate, optimise
from balans.testing import feasible_scenario, make_scenario


@pytest.fixture(scope="session")
def decided_scenario():
    return make_scenario()


@pytest.fixture(scope="session")
def decided_plan(decided_scenario):
    return evaluate(decided_scenario)


@pytest.fixture(scope="session")
def optimal_plan(decided_scenario):
    return optimise(decided_scenario)


@pytest.fixture(scope="session")
def feasible():
    """A scenario whose targets can all hold (balans.testing.EVERY_TARGET_HOLDS)."""
    return feasible_scenario()


@pytest.fixture(scope="session")
def feasible_plan(feasible):
    """Its least-savings plan: every target kept, no closest plan needed."""
    return optimise(feasible, "min-savings")
