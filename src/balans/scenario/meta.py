"""What a scenario key means, declared once on its schema field: unit, labels, keys.

`field(...)` declares a key in `balans.scenario.schema`: its English
description, its Swedish text (`sv`), its unit (an id of
`balans.units.UNIT_NAMES`) and, for a mapping, what its keys stand for
(`<committee>`). The schema reference, the JSON Schema, the Excel template and
the Excel import read them back with `meta_of` and `meta_at`; nothing guesses
a unit from a key's name.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, Field
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from balans.units import UNIT_NAMES


@dataclass(frozen=True)
class FieldMeta:
    """The declared meaning of one scenario key.

    Attributes:
        description: English description (the schema reference, `--lang en`).
        sv: Swedish description (the Swedish template).
        unit: an id of `balans.units.UNIT_NAMES`; "" for text, switches, choices.
        keys: what the keys of a mapping stand for (`<committee>`); "" otherwise.

    """

    description: str = ""
    sv: str = ""
    unit: str = ""
    keys: str = ""


def field(
    default: Any = PydanticUndefined,
    *,
    description: str,
    sv: str = "",
    unit: str = "",
    keys: str = "",
    **kwargs: Any,
) -> Any:
    """A pydantic `Field` with the key's meaning declared: description, sv, unit, keys.

    Args:
        default: the default value; left out, the key is required.
        description: English description.
        sv: Swedish description.
        unit: an id of `balans.units.UNIT_NAMES` (numbers only).
        keys: the placeholder of a mapping's keys, e.g. `<committee>`.
        **kwargs: passed on to `pydantic.Field` (`default_factory`, bounds).

    Raises:
        ValueError: `unit` is not a known unit id.

    """
    if unit and unit not in UNIT_NAMES:
        raise ValueError(f"unknown unit {unit!r}; add it to balans.units.UNIT_NAMES")
    declared = {"sv": sv, "unit": unit, "keys": keys}
    extra = {name: value for name, value in declared.items() if value}
    return Field(
        default, description=description, json_schema_extra=extra or None, **kwargs
    )


def meta_of(info: FieldInfo) -> FieldMeta:
    """The declared meaning of a schema field (empty parts where none is declared)."""
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    return FieldMeta(
        description=info.description or "",
        sv=str(extra.get("sv", "")),
        unit=str(extra.get("unit", "")),
        keys=str(extra.get("keys", "")),
    )


def field_at(path: str) -> FieldInfo | None:
    """The schema field that a dotted key path of a scenario names or lies inside.

    `budget.committees.RS` lies inside `budget.committees`; list items are
    `.0`, `.1` (`rules.restoration.vintages.0.amount` is `Vintage.amount`).
    None when the path is not a key.
    """
    found = _walk(path)
    return None if found is None else found[0]


def meta_at(path: str) -> FieldMeta:
    """The declared meaning of the key at a dotted path (empty for an unknown path)."""
    info = field_at(path)
    return FieldMeta() if info is None else meta_of(info)


def unit_at(path: str) -> str:
    """The declared unit of the value at a dotted path ("" for text or an unknown path).

    The value of a whole section (a row of the committee table) has the one
    unit all its numbers share.
    """
    found = _walk(path)
    if found is None or found[0] is None:
        return ""
    info, annotation = found
    inner = unwrap(annotation)
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return section_unit(inner)
    return meta_of(info).unit


def _walk(path: str) -> tuple[FieldInfo | None, Any] | None:
    """The last field a dotted path passes and the type at its end; None if no key."""
    from balans.scenario.schema import Scenario

    annotation: Any = Scenario
    info = None
    for part in path.split("."):
        inner = unwrap(annotation)
        fields = getattr(inner, "model_fields", None)
        if fields is not None:
            info = fields.get(part)
            if info is None:
                return None
            annotation = info.annotation
        elif get_origin(inner) is dict:
            annotation = get_args(inner)[1]
        elif get_origin(inner) is list and part.isdigit():
            annotation = get_args(inner)[0]
        else:
            return None
    return info, annotation


def section_unit(model: type[BaseModel]) -> str:
    """The one unit every number of a section shares (a table row), else ""."""
    units = {meta_of(info).unit for info in model.model_fields.values()}
    return units.pop() if len(units) == 1 else ""


def unwrap(annotation: Any) -> Any:
    """The type inside Annotated[...] and Optional[...]."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            inner = [a for a in get_args(annotation) if a is not type(None)]
            annotation = inner[0]
        else:
            return annotation


def is_numeric(annotation: Any) -> bool:
    """Whether a field holds numbers: a number, or a mapping or list of numbers."""
    inner = unwrap(annotation)
    origin = get_origin(inner)
    if origin is dict:
        return is_numeric(get_args(inner)[1])
    if origin is list:
        return is_numeric(get_args(inner)[0])
    if origin is Literal or inner is bool:
        return False
    return inner in (int, float)


def is_section(annotation: Any) -> bool:
    """Whether a field holds a nested model (directly, or in a mapping or list)."""
    inner = unwrap(annotation)
    if get_origin(inner) in (dict, list):
        return is_section(get_args(inner)[-1])
    return isinstance(inner, type) and issubclass(inner, BaseModel)
