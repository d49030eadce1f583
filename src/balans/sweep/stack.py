"""A chunk of validated variants as one scenario, its differing numbers as arrays.

A sweep changes a few numbers of one scenario; the model data of each variant
is the same computation (`build_data`, then `apply`) on slightly different
numbers. `stack` lays the validated scenarios of a chunk on top of each other:
a number that differs between them becomes a numpy array with one element
per variant, everything else stays as it is. `build_data` and `apply` then run
once on that scenario, and every number they compute from a swept one comes
out as an array of the variants' numbers (IEEE arithmetic, element by element,
is the arithmetic Python does on each variant's floats).

Code that branches on a swept number (`if`, `min`, `max`, `float()`, a
comparison, a dictionary key) cannot take an array: numpy refuses, `Unstackable`
is raised, and the caller solves that chunk one variant at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from pydantic import BaseModel


class Unstackable(Exception):
    """The chunk cannot be computed as one: do it one variant at a time."""


def stack(items: list[Any]) -> Any:
    """One value standing for `items` (same structure), differing floats as arrays.

    Raises Unstackable when the items differ in anything but float values
    (a key, a length, a text, a whole number, a type).
    """
    first = items[0]
    if all(item is first for item in items):
        return first
    kind = type(first)
    if any(type(item) is not kind for item in items):
        raise Unstackable(f"{kind.__name__} and another type")
    if kind is float:
        if all(item == first for item in items):
            return first
        return np.array(items, dtype=float)
    if isinstance(first, BaseModel):
        update = {}
        for name in kind.model_fields:
            value = getattr(first, name)
            stacked = stack([getattr(item, name) for item in items])
            if stacked is not value:
                update[name] = stacked
        return first.model_copy(update=update) if update else first
    if kind is dict:
        keys = list(first)
        if any(list(item) != keys for item in items):
            raise Unstackable("dictionaries with other keys")
        out = {key: stack([item[key] for item in items]) for key in keys}
        return first if all(out[key] is first[key] for key in keys) else out
    if kind in (list, tuple):
        if any(len(item) != len(first) for item in items):
            raise Unstackable("sequences of other lengths")
        out = [stack([item[n] for item in items]) for n in range(len(first))]
        if all(a is b for a, b in zip(out, first, strict=True)):
            return first
        return kind(out)
    if all(item == first for item in items):
        return first
    raise Unstackable(f"a {kind.__name__} that differs between variants")


def stacked_call(function: Callable[..., Any], *args: Any) -> Any:
    """`function(*args)` on stacked values; a branch on an array is Unstackable."""
    try:
        # Python raises on a division by zero; an overflow or a NaN made from
        # numbers is taken one variant at a time too (Python keeps inf, nan)
        with np.errstate(divide="raise", over="raise", invalid="raise"):
            return function(*args)
    except (TypeError, ValueError, IndexError, ArithmeticError) as exc:
        raise Unstackable(f"{type(exc).__name__}: {exc}") from None


def has_arrays(value: Any) -> bool:
    """True when an array of a stacked scenario reached `value` (dicts, lists, dataclasses)."""
    if isinstance(value, np.ndarray):
        return True
    if isinstance(value, dict):
        return any(has_arrays(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(has_arrays(v) for v in value)
    fields = getattr(value, "__dataclass_fields__", None)
    if fields is not None:
        return any(has_arrays(getattr(value, name)) for name in fields)
    return False
