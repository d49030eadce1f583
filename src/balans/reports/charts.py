"""The report's charts: matplotlib figures rendered as inline SVG text.

Every chart is a function of plain numbers and labels (no language logic here:
the caller passes the words). The SVG is deterministic: text stays text
(`svg.fonttype` none), ids come from a fixed salt per chart and no date is
written. Each mark that carries data sits in a group whose id is
`<chart>-mark-<series>`, so a test (or the page's own check) can count them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

Format = Callable[
    [float, int], str
]  # (value, decimals) -> text in the report's language

DECIDED_COLOUR = "#8a8f98"
OPTIMAL_COLOUR = "#1f5fa8"
LIMIT_COLOUR = "#c0392b"
CREDIT_COLOUR = "#e6a23c"
COMMITTEE_COLOURS = (  # Tableau 10: distinct also when lightened
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#b07aa1",
    "#76b7b2",
    "#edc948",
    "#9c755f",
    "#ff9da7",
    "#bab0ac",
)
FAN_COLOUR = "#1f5fa8"
WIDTH_INCHES = 9.0

STYLE = {
    "svg.fonttype": "none",
    "svg.image_inline": True,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "sans-serif"],
    "font.size": 9.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#e3e6ea",
    "grid.linewidth": 0.8,
    "legend.frameon": False,
    "text.parse_math": False,  # a `$` in a committee's name stays a dollar sign
    "axes.unicode_minus": False,
}


@dataclass(frozen=True)
class Chart:
    """One rendered chart: its id, title, the SVG text and the number of marks."""

    id: str
    title: str
    svg: str
    marks: int
    note: str = ""


@contextmanager
def _figure(chart_id: str, columns: int = 1, height: float = 3.4):
    with plt.rc_context({**STYLE, "svg.hashsalt": f"balans-{chart_id}"}):
        figure, axes = plt.subplots(
            1, columns, figsize=(WIDTH_INCHES, height), squeeze=False
        )
        try:
            yield figure, list(axes[0])
        finally:
            plt.close(figure)


def _svg(figure, chart_id: str) -> str:
    """The figure as SVG text to inline: no XML prolog, DOCTYPE or metadata."""
    buffer = io.StringIO()
    figure.savefig(
        buffer,
        format="svg",
        metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
    )
    text = buffer.getvalue()
    text = re.sub(r"<\?xml[^>]*\?>\s*", "", text)
    text = re.sub(r"<!DOCTYPE[^>]*>\s*", "", text)
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    text = text.replace("<svg ", f'<svg class="chart-svg" id="{chart_id}-svg" ', 1)
    return text.strip() + "\n"


def _mark(artist, chart_id: str, series: str) -> int:
    """Tag a data artist (or each artist of a container); the number tagged."""
    artists = list(artist) if isinstance(artist, (list, tuple)) else [artist]
    if hasattr(artist, "patches"):
        artists = list(artist.patches)
    for index, item in enumerate(artists):
        item.set_gid(f"{chart_id}-mark-{_slug(series)}-{index}")
    return len(artists)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _number_axis(axes, fmt: Format, decimals: int = 0, suffix: str = "") -> None:
    axes.yaxis.set_major_formatter(
        FuncFormatter(lambda value, _: fmt(value, decimals) + suffix)
    )


def _finish(
    figure, axes_list, chart_id: str, title: str, marks: int, note: str = ""
) -> Chart:
    for axes in axes_list:
        if axes.get_legend_handles_labels()[0]:
            axes.legend(loc="best", fontsize=8.5)
    figure.tight_layout()
    return Chart(chart_id, title, _svg(figure, chart_id), marks, note)


@dataclass(frozen=True)
class Words:
    """The chart words in the report's language."""

    decided: str
    optimal: str
    mkr: str
    year: str


def savings_chart(
    chart_id: str,
    title: str,
    years: Sequence[int],
    decided: dict[str, dict[int, float]],
    optimal: dict[str, dict[int, float]] | None,
    names: dict[str, str],
    words: Words,
    fmt: Format,
) -> Chart:
    """New savings per committee and year, stacked: decided (left), optimal (right)."""
    with _figure(chart_id, height=3.8) as (figure, (axes,)):
        marks = 0
        plans = [(words.decided, decided, -0.2, 0.5)]
        if optimal is not None:
            plans.append((words.optimal, optimal, 0.2, 1.0))
        legend_plan = plans[-1][0]  # the solid bars name the committees
        x = list(range(len(years)))
        for plan_name, table, offset, alpha in plans:
            bottom = [0.0] * len(years)
            for index, committee in enumerate(table):
                values = [max(table[committee][y], 0.0) for y in years]
                bars = axes.bar(
                    [i + offset for i in x],
                    values,
                    width=0.38,
                    bottom=bottom,
                    color=COMMITTEE_COLOURS[index % len(COMMITTEE_COLOURS)],
                    alpha=alpha,
                    edgecolor="white",
                    linewidth=0.5,
                    label=names[committee] if plan_name == legend_plan else None,
                )
                marks += _mark(bars, chart_id, f"{plan_name}-{committee}")
                bottom = [b + v for b, v in zip(bottom, values, strict=True)]
            for i, total in enumerate(bottom):
                axes.annotate(
                    fmt(total, 0),
                    (i + offset, total),
                    ha="center",
                    va="bottom",
                    fontsize=7.5,
                    xytext=(0, 2),
                    textcoords="offset points",
                )
        labels = [str(y) for y in years]
        axes.set_xticks(x, labels)
        axes.set_ylabel(words.mkr)
        _number_axis(axes, fmt)
        axes.margins(y=0.12)
        axes.legend(
            loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, borderaxespad=0
        )
        figure.tight_layout()
        return Chart(chart_id, title, _svg(figure, chart_id), marks)


def cash_chart(
    chart_id: str,
    title: str,
    months: Sequence[tuple[int, int]],
    decided: dict[tuple[int, int], tuple[float, float]],
    optimal: dict[tuple[int, int], tuple[float, float]] | None,
    floor: dict[tuple[int, int], float | None],
    words: Words,
    floor_word: str,
    credit_word: str,
    fmt: Format,
    no_credit_note: str = "",
) -> Chart:
    """Month-end cash (decided, optimal) against the floor; credit drawn as bars."""
    with _figure(chart_id, height=3.6) as (figure, (axes,)):
        x = list(range(len(months)))
        marks = 0
        plans = [(words.decided, decided, DECIDED_COLOUR, -0.2)]
        if optimal is not None:
            plans.append((words.optimal, optimal, OPTIMAL_COLOUR, 0.2))
        drawn = False
        for plan_name, table, colour, offset in plans:
            credit = [table[k][1] for k in months]
            if any(value > 1e-6 for value in credit):
                bars = axes.bar(
                    [i + offset for i in x],
                    credit,
                    width=0.4,
                    color=colour,
                    alpha=0.35,
                    label=f"{credit_word}, {plan_name.lower()}",
                )
                marks += _mark(bars, chart_id, f"credit-{plan_name}")
                drawn = True
        for plan_name, table, colour, _ in plans:
            (line,) = axes.plot(
                x, [table[k][0] for k in months], color=colour, lw=1.8, label=plan_name
            )
            marks += _mark(line, chart_id, f"cash-{plan_name}")
        floor_x = [i for i, k in enumerate(months) if floor[k] is not None]
        if floor_x:
            (line,) = axes.step(
                floor_x,
                [floor[months[i]] for i in floor_x],
                where="mid",
                color=LIMIT_COLOUR,
                ls="--",
                lw=1.3,
                label=floor_word,
            )
            marks += _mark(line, chart_id, "floor")
        january = [i for i, (_, month) in enumerate(months) if month == 1]
        axes.set_xticks(january, [str(months[i][0]) for i in january])
        axes.set_xlim(-0.8, len(months) - 0.2)
        axes.set_ylabel(words.mkr)
        _number_axis(axes, fmt)
        note = "" if drawn else no_credit_note
        return _finish(figure, [axes], chart_id, title, marks, note)


def lines_chart(
    chart_id: str,
    title: str,
    years: Sequence[int],
    series: list[tuple[str, dict[int, float | None], str]],
    limit: tuple[str, dict[int, float | None]] | None,
    words: Words,
    fmt: Format,
    decimals: int = 0,
    suffix: str = "",
    unit: str | None = None,
    zero_line: bool = False,
) -> Chart:
    """One value per year for each plan, against a limit (dashed) when there is one."""
    with _figure(chart_id, height=3.2) as (figure, (axes,)):
        marks = _year_lines(axes, chart_id, years, series, limit)
        if zero_line:
            axes.axhline(0, color="#333333", lw=0.9)
        axes.set_xticks(list(years), [str(y) for y in years])
        axes.set_ylabel(unit or words.mkr)
        _number_axis(axes, fmt, decimals, suffix)
        axes.margins(y=0.15)
        return _finish(figure, [axes], chart_id, title, marks)


def _year_lines(axes, chart_id, years, series, limit, prefix="") -> int:
    marks = 0
    for number, (name, values, colour) in enumerate(series):
        points = [(y, values[y]) for y in years if values.get(y) is not None]
        # The first plan (decided) is drawn wider underneath, so that it shows
        # where the plans coincide.
        wide = number == 0 and len(series) > 1
        (line,) = axes.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            marker="o",
            color=colour,
            lw=4.0 if wide else 1.8,
            ms=7 if wide else 4.5,
            alpha=0.55 if wide else 1.0,
            label=name,
        )
        marks += _mark(line, chart_id, f"{prefix}{name}")
    if limit is not None:
        name, values = limit
        points = [(y, values[y]) for y in years if values.get(y) is not None]
        if points:
            (line,) = axes.plot(
                [p[0] for p in points],
                [p[1] for p in points],
                color=LIMIT_COLOUR,
                ls="--",
                lw=1.3,
                label=name,
            )
            marks += _mark(line, chart_id, f"{prefix}limit")
    return marks


def debt_chart(
    chart_id: str,
    title: str,
    years: Sequence[int],
    loans: list[tuple[str, dict[int, float | None], str]],
    ceiling: tuple[str, dict[int, float | None]],
    ratio: list[tuple[str, dict[int, float | None], str]],
    ratio_limit: tuple[str, dict[int, float | None]],
    titles: tuple[str, str],
    words: Words,
    fmt: Format,
) -> Chart:
    """Loans against lånetak (left) and the debt ratio against skuldsättningstak."""
    with _figure(chart_id, columns=2, height=3.3) as (figure, (left, right)):
        marks = _year_lines(left, chart_id, years, loans, ceiling, "loans-")
        marks += _year_lines(right, chart_id, years, ratio, ratio_limit, "ratio-")
        for axes, axis_title in zip((left, right), titles, strict=True):
            axes.set_title(axis_title, fontsize=9.5, loc="left")
            axes.set_xticks(list(years), [str(y) for y in years])
            axes.margins(y=0.15)
        left.set_ylabel(words.mkr)
        _number_axis(left, fmt)
        _number_axis(right, fmt, 1, " %")
        return _finish(figure, [left, right], chart_id, title, marks)


def fou_chart(
    chart_id: str,
    title: str,
    years: Sequence[int],
    levels: list[tuple[str, dict[int, float | None], str]],
    costs: list[tuple[float, float | None, bool]],
    titles: tuple[str, str],
    words: Words,
    fmt: Format,
    met_word: str,
    not_met_word: str,
) -> Chart:
    """FoU per year in each plan (tkr), and each level's extra savings (Mkr)."""
    with _figure(chart_id, columns=2, height=3.3) as (figure, (left, right)):
        marks = _year_lines(left, chart_id, years, levels, None)
        left.set_xticks(list(years), [str(y) for y in years])
        left.set_ylabel("tkr")
        _number_axis(left, fmt)
        left.set_ylim(
            0, max(max(v for v in s.values() if v) for _, s, _ in levels) * 1.3
        )
        x = list(range(len(costs)))
        heights = [cost if cost is not None else 0.0 for _, cost, _ in costs]
        colours = [OPTIMAL_COLOUR if met else LIMIT_COLOUR for _, _, met in costs]
        bars = right.bar(x, heights, color=colours, width=0.55)
        marks += _mark(bars, chart_id, "level-cost")
        for i, (_, cost, met) in enumerate(costs):
            text = fmt(cost, 1) if cost is not None else "-"
            right.annotate(
                f"{text}\n{met_word if met else not_met_word}",
                (i, heights[i]),
                ha="center",
                va="bottom",
                fontsize=7.5,
                xytext=(0, 2),
                textcoords="offset points",
            )
        right.set_xticks(x, [f"{fmt(level, 0)} tkr" for level, _, _ in costs])
        right.set_ylabel(words.mkr)
        _number_axis(right, fmt, 1)
        right.margins(y=0.35)
        for axes, axis_title in zip((left, right), titles, strict=True):
            axes.set_title(axis_title, fontsize=9.5, loc="left")
        return _finish(figure, [left], chart_id, title, marks)


def fan_chart(
    chart_id: str,
    title: str,
    panels: list[tuple[str, str, dict[int, dict[str, float]], float | None]],
    words: Words,
    band_words: tuple[str, str, str],
    reference_word: str,
    fmt: Format,
) -> Chart:
    """Per output and year: the 5-95 and 25-75 percentile bands and the median."""
    with _figure(chart_id, columns=len(panels), height=3.2) as (figure, axes_list):
        marks = 0
        for axes, (series, panel_title, fan, reference) in zip(
            axes_list, panels, strict=True
        ):
            years = sorted(fan)
            outer = axes.fill_between(
                years,
                [fan[y]["p5"] for y in years],
                [fan[y]["p95"] for y in years],
                color=FAN_COLOUR,
                alpha=0.18,
                lw=0,
                label=band_words[0],
            )
            inner = axes.fill_between(
                years,
                [fan[y]["p25"] for y in years],
                [fan[y]["p75"] for y in years],
                color=FAN_COLOUR,
                alpha=0.38,
                lw=0,
                label=band_words[1],
            )
            (median,) = axes.plot(
                years,
                [fan[y]["p50"] for y in years],
                color=FAN_COLOUR,
                lw=1.8,
                marker="o",
                ms=3.5,
                label=band_words[2],
            )
            marks += _mark(outer, chart_id, f"{series}-p5-p95")
            marks += _mark(inner, chart_id, f"{series}-p25-p75")
            marks += _mark(median, chart_id, f"{series}-p50")
            if reference is not None:
                axes.axhline(
                    reference, color=LIMIT_COLOUR, ls="--", lw=1.1, label=reference_word
                )
            axes.set_title(panel_title, fontsize=9.5, loc="left")
            axes.set_xticks(years, [str(y) for y in years])
            axes.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
            axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}"))
            _number_axis(axes, fmt)
        axes_list[0].set_ylabel(words.mkr)
        figure.tight_layout()
        handles, labels = axes_list[0].get_legend_handles_labels()
        figure.legend(
            handles, labels, loc="lower center", ncol=len(labels), fontsize=8.5
        )
        figure.subplots_adjust(bottom=0.22)
        return Chart(chart_id, title, _svg(figure, chart_id), marks)


def sobol_chart(
    chart_id: str,
    title: str,
    panels: list[tuple[str, str, list[tuple[str, float, float, float, float]]]],
    index_words: tuple[str, str],
    fmt: Format,
) -> Chart:
    """Sobol' first-order and total indices per driver, one panel per output."""
    rows = max(len(drivers) for _, _, drivers in panels)
    height = 1.3 + 0.42 * rows
    with _figure(chart_id, columns=len(panels), height=height) as (figure, axes_list):
        marks = 0
        for axes, (output, panel_title, drivers) in zip(axes_list, panels, strict=True):
            ordered = sorted(drivers, key=lambda row: row[3])
            y = list(range(len(ordered)))
            first = axes.barh(
                [i + 0.18 for i in y],
                [row[1] for row in ordered],
                height=0.36,
                xerr=[row[2] for row in ordered],
                color=OPTIMAL_COLOUR,
                label=index_words[0],
                error_kw={"lw": 0.8, "ecolor": "#555555"},
            )
            total = axes.barh(
                [i - 0.18 for i in y],
                [row[3] for row in ordered],
                height=0.36,
                xerr=[row[4] for row in ordered],
                color=CREDIT_COLOUR,
                label=index_words[1],
                error_kw={"lw": 0.8, "ecolor": "#555555"},
            )
            marks += _mark(first, chart_id, f"{output}-s1")
            marks += _mark(total, chart_id, f"{output}-st")
            axes.set_yticks(y, [row[0] for row in ordered])
            axes.set_xlim(0, 1.05)
            axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt(v, 1)))
            axes.set_title(panel_title, fontsize=9.5, loc="left")
            axes.grid(axis="y", visible=False)
        return _finish(figure, axes_list[:1], chart_id, title, marks)
