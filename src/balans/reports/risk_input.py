"""The uncertainty part of `balans report`: a risk result or a sweep table.

`--risk` reads the JSON that `balans risk --format json` writes; `--sweep`
reads a `balans sweep` table and summarises it the same way.

The shape is the contract in docs/report.md (and notes/risk-json.md): keys may
be added, never renamed. Only what the report draws is checked, and every
problem is one line naming the file and the key.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from balans.errors import BalansError

FAN_OUTPUTS = ("result", "lowest_cash", "restoration_balance")
PERCENTILES = ("p5", "p25", "p50", "p75", "p95")
MAX_BYTES = 50_000_000


@dataclass(frozen=True)
class Risk:
    """The parts of a risk result the report shows."""

    source: str
    samples: int | None
    fan_plan: str
    fan: dict[str, dict[int, dict[str, float]]]
    probabilities: list[dict[str, Any]]
    savings_needed: dict[str, float] | None
    sobol: list[dict[str, Any]]
    discovery: list[dict[str, Any]]
    driver_labels: dict[str, dict[str, str]]  # driver -> {"sv": ..., "en": ...}
    kind: str = "risk"  # "risk": Monte Carlo draws; "sweep": a designed set of variants


def load_risk(path: str) -> Risk:
    """The risk result in `path`; BalansError naming the file and key otherwise."""
    document = _read(path)
    if not isinstance(document, dict):
        raise BalansError(f"{path}: not a risk result (expected a JSON object)")
    return Risk(
        source=str(document.get("spec", path)),
        samples=_optional_int(path, document, "samples"),
        fan_plan=str(document.get("fan_plan", "optimal")),
        fan=_fan(path, document),
        probabilities=_probabilities(path, document),
        savings_needed=_savings_needed(path, document),
        sobol=_sobol(path, document),
        discovery=_list_of_objects(path, document, "discovery", ("text_sv", "text_en")),
        driver_labels=_driver_labels(document),
    )


def _driver_labels(document: dict) -> dict[str, dict[str, str]]:
    """The drivers' names in words, where the risk result gives them."""
    labels = {}
    for item in document.get("drivers") or []:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            labels[item["name"]] = {
                lang: str(item[f"label_{lang}"])
                for lang in ("sv", "en")
                if isinstance(item.get(f"label_{lang}"), str)
            }
    return labels


def _read(path: str) -> Any:
    file = Path(path)
    try:
        if file.stat().st_size > MAX_BYTES:
            raise BalansError(f"{path}: larger than {MAX_BYTES // 1_000_000} MB")
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BalansError(f"{path}: no such file (--risk)") from None
    except IsADirectoryError:
        raise BalansError(f"{path}: --risk needs a file, not a folder") from None
    except UnicodeDecodeError:
        raise BalansError(f"{path}: not UTF-8 text (--risk needs JSON)") from None
    except OSError as exc:
        raise BalansError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BalansError(
            f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})"
        ) from None


def _number(path: str, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BalansError(f"{path}: {key}: expected a number, got {value!r:.40}")
    if not math.isfinite(value):
        raise BalansError(f"{path}: {key}: expected a finite number")
    return float(value)


def _optional_int(path: str, document: dict, key: str) -> int | None:
    value = document.get(key)
    return None if value is None else int(_number(path, key, value))


def _object(path: str, key: str, value: Any) -> dict:
    if not isinstance(value, dict):
        raise BalansError(f"{path}: {key}: expected an object")
    return value


def _fan(path: str, document: dict) -> dict[str, dict[int, dict[str, float]]]:
    fans = _object(path, "fan", document.get("fan"))
    result = {}
    for output in FAN_OUTPUTS:
        if output not in fans:
            raise BalansError(f"{path}: fan.{output}: missing")
        years = _object(path, f"fan.{output}", fans[output])
        if not years:
            raise BalansError(f"{path}: fan.{output}: no years")
        result[output] = {}
        for year, band in years.items():
            key = f"fan.{output}.{year}"
            if not str(year).isdigit():
                raise BalansError(f"{path}: {key}: a year must be a number like 2026")
            band = _object(path, key, band)
            missing = [p for p in PERCENTILES if p not in band]
            if missing:
                raise BalansError(f"{path}: {key}: missing {', '.join(missing)}")
            result[output][int(year)] = {
                p: _number(path, f"{key}.{p}", band[p]) for p in PERCENTILES
            }
    return result


def _list_of_objects(
    path: str, document: dict, key: str, required: tuple[str, ...]
) -> list[dict]:
    items = document.get(key, [])
    if not isinstance(items, list):
        raise BalansError(f"{path}: {key}: expected a list")
    for index, item in enumerate(items):
        item = _object(path, f"{key}[{index}]", item)
        for field in required:
            if field not in item:
                raise BalansError(f"{path}: {key}[{index}].{field}: missing")
    return items


def _probabilities(path: str, document: dict) -> list[dict[str, Any]]:
    items = _list_of_objects(path, document, "probabilities", ("target", "year"))
    for index, item in enumerate(items):
        for plan in ("decided", "optimal"):
            if item.get(plan) is not None:
                value = _number(path, f"probabilities[{index}].{plan}", item[plan])
                if not 0 <= value <= 1:
                    raise BalansError(
                        f"{path}: probabilities[{index}].{plan}: {value} is not "
                        "a probability (0..1)"
                    )
    return items


def _savings_needed(path: str, document: dict) -> dict[str, float] | None:
    value = document.get("savings_needed")
    if value is None:
        return None
    value = _object(path, "savings_needed", value)
    return {
        key: _number(path, f"savings_needed.{key}", value[key])
        for key in (*PERCENTILES, "mean")
        if key in value
    }


def _sobol(path: str, document: dict) -> list[dict[str, Any]]:
    items = _list_of_objects(path, document, "sobol", ("driver", "output", "S1", "ST"))
    for index, item in enumerate(items):
        for key in ("S1", "ST", "S1_conf", "ST_conf"):
            if item.get(key) is not None:
                _number(path, f"sobol[{index}].{key}", item[key])
    return items


def load_sweep(path: str) -> Risk:
    """A `balans sweep` table read as the report's fans and shares of variants.

    Percentiles and shares are over the variants of the design (not draws
    from distributions): the page says so.
    """
    from balans.sweep import analysis

    table = _sweep_table(path)
    plans = [plan for plan in ("decided", "optimal") if (table.plan == plan).any()]
    fan_plan = "optimal" if "optimal" in plans else plans[0]
    document = {
        "fan": analysis.fan(table, fan_plan),
        "probabilities": analysis.probabilities(table, plans),
        "savings_needed": analysis.savings_needed(table)
        if "optimal" in plans
        else None,
    }
    document = json.loads(json.dumps(document, default=str))  # as the risk JSON reads
    return Risk(
        source=path,
        samples=int(table.variant.nunique()),
        fan_plan=fan_plan,
        fan=_fan(path, document),
        probabilities=_probabilities(path, document),
        savings_needed=_savings_needed(path, document),
        sobol=[],
        discovery=[],
        driver_labels={},
        kind="sweep",
    )


def _sweep_table(path: str):
    import pandas as pd

    try:
        table = pd.read_parquet(path)
    except FileNotFoundError:
        raise BalansError(f"{path}: file not found") from None
    except (OSError, ValueError) as exc:
        reason = str(exc).split(". ")[0]
        raise BalansError(
            f"{path}: not a balans sweep table (Parquet): {reason}"
        ) from None
    missing = [c for c in ("variant", "plan", "status") if c not in table.columns]
    if missing:
        raise BalansError(f"{path}: not a balans sweep table (no column {missing[0]})")
    if table.empty:
        raise BalansError(f"{path}: the sweep table has no rows")
    return table
