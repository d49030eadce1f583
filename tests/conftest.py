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


def pytest_collection_modifyitems(config, items):
    """Tests that use a module-scoped fixture run on one xdist worker.

    `make test` runs with `--dist loadgroup`: each test goes to whichever worker
    is free, except that the tests sharing a module's fixture (a report, a
    sweep, a priced plan) form one group, so that fixture is built once, not
    once per worker.
    """
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        if any(defs[-1].scope == "module" for defs in info.name2fixturedefs.values()):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))
