"""Nämnd ramar: each committee's net cost within its frame."""

from __future__ import annotations

from balans.model.rules.common import Rule


def _frames(data) -> dict[tuple[int, str], float]:
    """Frame per (year, committee), in year and committee order."""
    frames = data.scenario.rules.committee_frames.frames
    cells = {
        (y, c): frame for c, by_year in frames.items() for y, frame in by_year.items()
    }
    return {
        key: cells[key]
        for key in sorted(cells, key=lambda k: (k[0], data.committees.index(k[1])))
    }


COMMITTEE_FRAMES = Rule(
    key="committee_frames",
    setting="committee_frames",
    sense="max",
    unit="Mkr",
    sv_label="Nämnd ram",
    en_label="Committee frame",
    source="Tabell 11",
    formula="committee_net_cost[y,c] <= frames[c][y]",
    index_doc="every (year, committee) in `rules.committee_frames.frames`",
    # net_cost = operating costs + depreciation held - revenue (Tabell 11/12),
    # the committee's operating net without the financing RS carries.
    limits=lambda data: _frames(data),
    value=lambda m, y, c: m.committee_net_cost[y, c],
    recompute=lambda r, s, i: r.committees[i[1]]["net_frame"][i[0]],
    in_max_margin=False,
    override="rules.committee_frames.frames.{committee}.{year}",
)
