"""Units and tolerances, each defined once.

The model's money unit is Mkr; FoU-medel are decided in tkr (FoU bilaga).
"""

from __future__ import annotations

TKR_PER_MKR = 1000.0

TOLERANCE_MKR = 1e-5
"""A rule within this many Mkr of its limit is met, and binding when enforced."""

VERIFY_TOLERANCE_MKR = 1e-4
"""The verifier's tolerance on a reported identity (relative above 1000 Mkr)."""

RELAXED_MKR = 1e-6
"""Slack (in the rule's unit) that the diagnosis counts as a relaxation."""


def tkr_to_mkr(tkr):
    """Thousand kronor -> million kronor (works on numbers and Pyomo expressions)."""
    return tkr / TKR_PER_MKR


UNIT_NAMES: dict[str, tuple[str, str]] = {
    "Mkr": ("Mkr", "Mkr"),
    "tkr": ("tkr", "tkr"),
    "%": ("%", "%"),
    "year": ("år", "year"),
    "years": ("år", "years"),
    "share": ("andel", "share"),
    "weight": ("vikt", "weight"),
    "grants": ("bidrag", "grants"),
    "inhabitants": ("invånare", "inhabitants"),
    "tkr per 100 000 inhabitants": (
        "tkr per 100 000 invånare",
        "tkr per 100 000 inhabitants",
    ),
    "tkr per tkr": ("tkr per tkr", "tkr per tkr"),
    "öre": ("öre", "öre"),
    "per Mkr": ("per Mkr", "per Mkr"),
    "per tkr": ("per tkr", "per tkr"),
    "per Mkr of slack": ("per Mkr avsteg", "per Mkr of slack"),
    "per tkr of slack": ("per tkr avsteg", "per tkr of slack"),
}
"""Every unit a scenario key may declare: its id (the English name) -> (sv, en).

`per Mkr` and `per tkr` are objective units per Mkr (tkr) of a lever or a
shortfall; `per Mkr of slack` the diagnosis penalty of a rule.
"""


def unit_name(unit: str, lang: str) -> str:
    """The unit as a report in `lang` ("sv" or "en") writes it."""
    sv, en = UNIT_NAMES[unit]
    return sv if lang == "sv" else en
