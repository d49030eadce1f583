"""`balans schema` publishes a JSON Schema that every scenario file validates against."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import jsonschema
import pytest
import yaml

from balans.testing import DECIDED, REPO_ROOT, SCENARIOS, make_scenario, run_in_process

MODEL = REPO_ROOT / "models" / "rjh" / "model.yaml"
FILES = [MODEL, *sorted(SCENARIOS.glob("*.yaml"))]


def as_json(value: Any) -> Any:
    """A YAML document as an editor's JSON view has it: every key a string."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value


def read(path) -> Any:
    return as_json(yaml.safe_load(path.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def file_schema(tmp_path_factory):
    """The schema as a user gets it: `balans schema -o FILE` in a real process."""
    out = tmp_path_factory.mktemp("schema") / "scenario.schema.json"
    proc = subprocess.run(
        [sys.executable, "-m", "balans", "schema", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0 and proc.stdout == "", proc.stderr
    schema = json.loads(out.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


@pytest.fixture(scope="module")
def merged_schema():
    """`balans schema --merged`, in-process (file_schema runs the command for real)."""
    proc = run_in_process("schema", "--merged")
    assert proc.returncode == 0, proc.stderr
    schema = json.loads(proc.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_shipped_file_validates_against_the_file_schema(file_schema, path):
    jsonschema.validate(read(path), file_schema)


def test_a_whatif_is_not_a_merged_scenario(merged_schema):
    whatif = read(SCENARIOS / "whatif-getingen-11.yaml")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(whatif, merged_schema)


def test_the_merged_decided_scenario_validates_against_the_merged_schema(
    merged_schema,
):
    merged = make_scenario().scenario.model_dump(mode="json")
    jsonschema.validate(merged, merged_schema)


@pytest.mark.parametrize(
    "body",
    [
        {"assumptions": {"interest_rate_pctt": {"2026": 4.0}}},  # a typo
        {"assumptions": {"interest_rate_pct": {"2026": True}}},  # yes/on/true
        {"rules": {"debt_ratio": {"enabled": 0}}},  # 0 is not a switch
        {"extends": 7},
    ],
    ids=["typo", "switch-as-number", "number-as-switch", "extends-not-a-path"],
)
def test_the_file_schema_still_catches_mistakes(file_schema, body):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"extends": "rjh-2026-decided.yaml", **body}, file_schema)


def test_the_decided_file_names_its_model(file_schema):
    assert "model" in read(DECIDED) and "extends" in file_schema["properties"]
