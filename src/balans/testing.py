"""Helpers shared by the tests: the shipped scenarios and small what-if files."""

from __future__ import annotations

import os
from pathlib import Path

from balans.scenario.load import LoadedScenario, load_scenario

REPO_ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = REPO_ROOT / "scenarios"
DECIDED = SCENARIOS / "rjh-2026-decided.yaml"


def write_whatif(
    folder: Path, body: str, name: str = "whatif.yaml", base: Path = DECIDED
) -> Path:
    """Write a scenario file in `folder` that extends `base` with `body` (YAML)."""
    relative = os.path.relpath(base, folder)
    path = folder / name
    path.write_text(f"extends: {relative}\n{body}", encoding="utf-8")
    return path


def make_scenario(*overrides: str, base: Path = DECIDED) -> LoadedScenario:
    """The decided scenario with `--set`-style overrides, e.g. 'rules.x.enabled=false'."""
    return load_scenario(base, overrides)
