"""Shared fixtures: the decided scenario evaluated and solved once per session.

The session's scenarios and plans are shared by every test that asks for them:
read them, never change them (a test that needs to change one makes its own).
Each is compared with a copy taken when it was made, at the end of the session.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import pytest

from balans.plan import evaluate, optimise
from balans.testing import feasible_scenario, make_scenario, reads_kept


@pytest.fixture(scope="session", autouse=True)
def _scenario_files_read_once():
    """Each unchanged scenario file is parsed once per test process (testing.reads_kept)."""
    with reads_kept():
        yield


def read_only(value):
    """Yield `value`; at teardown, fail if a test changed it."""
    kept = copy.deepcopy(value)
    yield value
    assert value == kept, "a test changed a shared session fixture"


@pytest.fixture(scope="session")
def decided_scenario():
    yield from read_only(make_scenario())


@pytest.fixture(scope="session")
def decided_plan(decided_scenario):
    yield from read_only(evaluate(decided_scenario))


@pytest.fixture(scope="session")
def optimal_plan(decided_scenario):
    yield from read_only(optimise(decided_scenario))


@pytest.fixture(scope="session")
def feasible():
    """A scenario whose targets can all hold (balans.testing.EVERY_TARGET_HOLDS)."""
    yield from read_only(feasible_scenario())


@pytest.fixture(scope="session")
def feasible_plan(feasible):
    """Its least-savings plan: every target kept, no closest plan needed."""
    yield from read_only(optimise(feasible, "min-savings"))


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadgroup` (make test): a module with a module-scoped fixture is one group.

    Its tests run on one worker, so the fixture (a report, a sweep, a priced
    plan) is built once, not once per worker; every other test goes to
    whichever worker is free. Groups go out first, most tests first. (xdist's
    own loadgroup reads `xdist_group` marks from node ids, which pytest 9.2's
    node ids no longer carry.)
    """
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleFixtureGroups(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if _has_module_fixture(config.rootpath / module) else nodeid

    return ModuleFixtureGroups(config, log)


@functools.cache
def _has_module_fixture(path: Path) -> bool:
    return path.is_file() and 'scope="module"' in path.read_text(encoding="utf-8")
