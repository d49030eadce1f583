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
