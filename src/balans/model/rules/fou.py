"""FoU per inhabitant at least another region's level from a year on."""

from __future__ import annotations

from balans.model.rules.common import Rule


def _benchmark(data) -> dict[int, float]:
    """The benchmark region's tkr per 100 000 inhabitants, at our population."""
    s = data.scenario
    rule = s.rules.fou_per_inhabitant
    level = s.fou.benchmarks.get(rule.region, 0.0) * s.fou.population / 100_000
    return {y: level for y in data.years if y >= rule.from_year}


FOU_PER_INHABITANT = Rule(
    key="fou_per_inhabitant",
    setting="fou_per_inhabitant",
    sense="min",
    unit="tkr",
    sv_label="FoU per invånare",
    en_label="FoU per inhabitant",
    source="FoU bilaga (Norrbotten, Västernorrland)",
    formula="fou_tkr[y] >= benchmark x population / 100000",
    index_doc="years `>= from_year`",
    # FoU bilaga: Norrbotten 4851 and Västernorrland 5436 tkr per 100 000 (2025).
    limits=lambda data: _benchmark(data),
    value=lambda m, y: m.fou_tkr[y],
    recompute=lambda r, s, y: r.fou_tkr[y],
    in_max_margin=False,
    override="fou.benchmarks.{region}",
)
