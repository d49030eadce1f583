"""FoU per inhabitant at least another region's level from a year on."""

from __future__ import annotations

from balans.model.rules.common import Rule

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
    limits=lambda data: dict.fromkeys(
        data.rules.fou_benchmark_years, data.rules.fou_benchmark_tkr
    ),
    value=lambda m, y: m.fou_tkr[y],
    recompute=lambda r, s, y: r.fou_tkr[y],
    in_max_margin=False,
    override="fou.benchmarks.{region}",
)
