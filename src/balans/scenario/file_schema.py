"""JSON Schemas of the scenario format, for editors and other programs.

`json_schema()` describes one scenario file as written: every key optional
(a what-if gives only what it changes, the region model only the structure),
plus `extends:` and `model:`; unknown keys are still errors. With
`merged=True` it describes the merged scenario that is validated, every
section required. Both come from `balans.scenario.schema.Scenario`.
"""

from __future__ import annotations

from typing import Any

from balans.scenario.schema import Scenario

DRAFT = "https://json-schema.org/draft/2020-12/schema"
FILE_KEYS = {
    "extends": {
        "type": "string",
        "description": "The scenario file this one builds on, relative to this file.",
    },
    "model": {
        "type": "string",
        "description": "The region model folder (holding model.yaml), relative to "
        "this file.",
    },
}


def json_schema(merged: bool = False) -> dict[str, Any]:
    """The schema of one scenario file, or of the merged scenario."""
    document = Scenario.model_json_schema()
    document["$schema"] = DRAFT
    if merged:
        document["title"] = "balans scenario (merged with its region model)"
        return document
    document["title"] = "balans scenario file (a region model, scenario or what-if)"
    for section in [document, *document.get("$defs", {}).values()]:
        section.pop("required", None)
    document["properties"] = {**FILE_KEYS, **document["properties"]}
    return document
