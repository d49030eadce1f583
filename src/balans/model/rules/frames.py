"""Nämnd ramar: each committee's net cost within its frame."""

from __future__ import annotations

import pyomo.environ as pyo

from balans.model.data import ModelData
from balans.model.rules.common import add_rule
from balans.scenario.schema import Scenario


def define_committee_frames(m: pyo.ConcreteModel, data: ModelData, s: Scenario) -> None:
    """committee_frames[y, c]: net_cost[y, c] <= frame[y, c].

    net_cost = operating costs + depreciation held - revenue (Tabell 11/12),
    the committee's operating net without the financing RS carries.
    """
    frames = {
        (year, committee): frame
        for committee, by_year in s.rules.committee_frames.frames.items()
        for year, frame in by_year.items()
    }
    add_rule(
        m,
        "committee_frames",
        sorted(frames, key=lambda k: (k[0], data.committees.index(k[1]))),
        lambda m, y, c: m.committee_net_cost[y, c],
        frames,
        "max",
    )
