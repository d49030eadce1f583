"""The words of `balans risk`: discovery sentences and the terminal report.

Scenario discovery finds boxes in the drivers' own units, the change a spec
applies (e.g. +0.5 percentage points on the tax base growth). People read
levels, so a sentence gives the level a change leads to where it is one
(`add` or `set` on a per-cent series: "the tax base grows below 3.1 %"), per
year where the scenario's years differ, and the change itself in brackets.
A `relative` change is said as the change ("falls by more than 3 %").
"""

from __future__ import annotations

from typing import Any

from balans.reports.labels import SOBOL_OUTPUTS, label, number

CHANGE_WORDS = {
    "add": ("läggs till varje år", "added every year"),
    "relative": ("ändring i % varje år", "change in % every year"),
    "set": ("nytt värde", "the new value"),
}
PLAN_WORDS = {
    "decided": ("beslutad plan", "decided plan"),
    "optimal": ("optimal plan", "optimal plan"),
}


def _pct(value: float | None, lang: str) -> str:
    """A share in whole per cent; never rounded to 0 % or 100 % unless it is."""
    if value is None:
        return "-"
    if 0 < value < 0.005:
        return "< 1 %"
    if 0.995 <= value < 1:
        return "> 99 %"
    return f"{number(100 * value, lang, 0)} %"


def outcome_labels(key: str, year: int | None, table) -> tuple[str, str]:
    """The outcome as a Swedish and an English clause (the subject of a sentence)."""
    if key == "restoration_goal fails":
        return (
            f"Återställandet {year} misslyckas med den beslutade planen",
            f"The {year} restoration goal fails under the decided plan",
        )
    if key == "result_non_negative fails":
        return (
            "Årets resultat blir negativt något år med den beslutade planen",
            "The result is negative in some year under the decided plan",
        )
    decided = table[table.plan == "decided"]["savings_total"].median()
    return (
        "Den optimala planen behöver mer besparingar än den beslutade budgetens "
        f"{number(decided, 'sv', 0)} Mkr",
        "The optimal plan needs more savings than the decided budget's "
        f"{number(decided, 'en', 0)} Mkr",
    )


def _levels(base, driver, change: float) -> list[tuple[list[int], float]]:
    """The level each year gets from `change`, years with the same level grouped."""
    current = base.value_at(driver.path.split("."))
    if isinstance(current, dict):
        years = driver.years or sorted(current)
        values = {y: current[y] for y in years}
    else:
        values = {0: current}
    groups: list[tuple[list[int], float]] = []
    for year, old in values.items():
        level = change if driver.change == "set" else float(old) + change
        if groups and abs(groups[-1][1] - level) < 5e-3:
            groups[-1][0].append(year)
        else:
            groups.append(([year], level))
    return groups


def _years(years: list[int], lang: str) -> str:
    if years == [0]:
        return ""
    if len(years) == 1:
        return f" {years[0]}" if lang == "sv" else f" in {years[0]}"
    text = f"{years[0]}\u2013{years[-1]}"
    return f" {text}" if lang == "sv" else f" in {text}"


def _unit(driver, lang: str) -> str:
    """The declared unit of the key a driver changes, as `lang` writes it."""
    from balans.scenario.meta import unit_at
    from balans.units import unit_name

    unit = unit_at(driver.path)
    return unit_name(unit, lang) if unit else ""


def _level_text(base, driver, change: float, lang: str) -> str:
    unit = " " + _unit(driver, lang)
    groups = _levels(base, driver, change)
    if len(groups) == 1:
        return number(groups[0][1], lang, 2) + unit
    parts = [number(level, lang, 2) + unit + _years(ys, lang) for ys, level in groups]
    joiner = " och " if lang == "sv" else " and "
    return ", ".join(parts[:-1]) + joiner + parts[-1]


def _condition(limit: dict[str, Any], spec, base, lang: str) -> str:
    """'skatteunderlagets tillväxt är under 3,19 % (ändring under -0,41 ...)'."""
    name = limit["driver"]
    driver = spec.parameters[name]
    label = (driver.label_sv if lang == "sv" else driver.label_en) or name
    low, high = limit["low"], limit["high"]
    sv = lang == "sv"
    points = _unit(driver, lang) == "%"
    if driver.change == "relative":
        unit = " %"
    elif points and driver.change == "add":
        unit = " procentenheter" if sv else " percentage points"
    else:
        unit = "" if points else " " + _unit(driver, lang)

    def change(v: float) -> str:
        sign = "+" if v > 0 else ""
        return sign + number(v, lang, 2) + unit

    def bound(words: tuple[str, str], v: float) -> str:
        return (words[0] if sv else words[1]) + " " + _level_text(base, driver, v, lang)

    if driver.change == "relative":
        if low is not None and high is not None:
            return (
                f"{label} ändras med mellan {change(low)} och {change(high)}"
                if sv
                else f"{label} changes by between {change(low)} and {change(high)}"
            )
        if high is not None:
            return (
                f"{label} ändras med under {change(high)}"
                if sv
                else f"{label} changes by less than {change(high)}"
            )
        return (
            f"{label} ändras med över {change(low)}"
            if sv
            else f"{label} changes by more than {change(low)}"
        )
    if low is not None and high is not None:
        level = (
            f"{label} är mellan {_level_text(base, driver, low, lang)} och "
            f"{_level_text(base, driver, high, lang)}"
            if sv
            else f"{label} is between {_level_text(base, driver, low, lang)} and "
            f"{_level_text(base, driver, high, lang)}"
        )
        moved = f"{change(low)} .. {change(high)}"
    elif high is not None:
        level = (
            f"{label} är " + bound(("under", ""), high)
            if sv
            else (f"{label} is below " + _level_text(base, driver, high, lang))
        )
        moved = ("under " if sv else "below ") + change(high)
    else:
        level = (
            f"{label} är " + bound(("över", ""), low)
            if sv
            else (f"{label} is above " + _level_text(base, driver, low, lang))
        )
        moved = ("över " if sv else "above ") + change(low)
    if driver.change == "set":
        return level
    if sv:
        return f"{level} (ändring {moved} mot scenariot)"
    return f"{level} (a change {moved} from the scenario)"


def discovery_texts(entry: dict[str, Any], spec, base) -> tuple[str, str]:
    """The Swedish and English sentence of one discovery entry."""
    texts = []
    for lang in ("sv", "en"):
        sv = lang == "sv"
        subject = entry["label_sv"] if sv else entry["label_en"]
        share = entry["share"] or 0.0
        if not entry["box"]:
            if share == 0:
                text = f"{subject}: i inget fall." if sv else f"{subject}: in no case."
            elif share == 1:
                text = (
                    f"{subject}: i alla fall." if sv else f"{subject}: in every case."
                )
            else:
                text = (
                    f"{subject} i {_pct(share, lang)} av fallen; inget område av "
                    "drivarna samlar fallen tydligt."
                    if sv
                    else f"{subject} in {_pct(share, lang)} of the cases; no region "
                    "of the drivers gathers them clearly."
                )
            texts.append(text)
            continue
        conditions = [_condition(limit, spec, base, lang) for limit in entry["box"]]
        joined = (
            conditions[0]
            if len(conditions) == 1
            else ", ".join(conditions[:-1])
            + (" och " if sv else " and ")
            + conditions[-1]
        )
        density, coverage = _pct(entry["density"], lang), _pct(entry["coverage"], lang)
        if sv:
            text = (
                f"{subject} i {density} av fallen där {joined}. Där finns {coverage} "
                f"av alla fall där det händer (det händer i {_pct(share, lang)} av "
                "alla fall)."
            )
        else:
            text = (
                f"{subject} in {density} of the cases where {joined}. Those hold "
                f"{coverage} of all the cases where it happens (it happens in "
                f"{_pct(share, lang)} of all cases)."
            )
        texts.append(text)
    return texts[0], texts[1]


# -- the terminal report -----------------------------------------------------


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    return [line(header), "  ".join("-" * w for w in widths), *map(line, rows)]


def probability_lines(document: dict[str, Any], plan: str, lang: str) -> list[str]:
    """One row per målvärde: the probability it holds each year and every year."""
    sv = lang == "sv"
    entries = document["probabilities"]
    years = sorted({e["year"] for e in entries if e["year"] is not None})
    rules: dict[str, dict[Any, dict[str, Any]]] = {}
    for e in entries:
        rules.setdefault(e["target"], {})[e["year"]] = e
    header = ["Målvärde" if sv else "Target", *map(str, years)]
    header.append("alla år" if sv else "every year")
    rows = []
    for by_year in rules.values():
        first = next(iter(by_year.values()))
        label = first["label_sv"] if sv else first["label_en"]
        cells = [label]
        for year in years:
            e = by_year.get(year)
            cells.append(_pct(e[plan], lang) if e else "")
        every = by_year.get(None)
        cells.append(_pct(every[plan], lang) if every else cells[-1])
        rows.append(cells)
    word = PLAN_WORDS[plan][0 if sv else 1]
    title = (
        f"Sannolikhet att målvärdet håller, {word}"
        if sv
        else f"Probability that the target holds, {word}"
    )
    return [title, *_table(header, rows)]


def savings_line(document: dict[str, Any], lang: str) -> list[str]:
    """The savings the optimal plan needs, by percentile."""
    s = document.get("savings_needed")
    if not s or s.get("p50") is None:
        return []
    sv = lang == "sv"
    cells = ", ".join(
        f"{'median' if p == 50 else f'p{p}'} {number(s[f'p{p}'], lang, 0)}"
        for p in (5, 25, 50, 75, 95)
    )
    decided = s.get("decided")
    tail = (
        (
            f"; beslutad budget {number(decided, lang, 0)}"
            if sv
            else f"; decided budget {number(decided, lang, 0)}"
        )
        if decided is not None
        else ""
    )
    return [
        (
            "Besparing som den optimala planen behöver (Mkr, summa): "
            if sv
            else "Savings the optimal plan needs (Mkr, total): "
        )
        + cells
        + (
            f", medel {number(s['mean'], lang, 0)}"
            if sv
            else f", mean {number(s['mean'], lang, 0)}"
        )
        + tail
    ]


def sobol_lines(document: dict[str, Any], lang: str) -> list[str]:
    """The drivers, most important first (Sobol' total index)."""
    entries = document.get("sobol") or []
    if not entries:
        return []
    sv = lang == "sv"
    labels = {
        d["name"]: d["label_sv" if sv else "label_en"] for d in document["drivers"]
    }
    first = entries[0]
    output = label(SOBOL_OUTPUTS, first["output"], lang).lower()
    title = (
        f"Vad driver {output} ({PLAN_WORDS[first['plan']][0]}), Sobol'-index:"
        if sv
        else f"What drives {output} ({PLAN_WORDS[first['plan']][1]}), Sobol' indices:"
    )
    header = [
        "Drivare" if sv else "Driver",
        "ST",
        "±",
        "S1",
        "±",
    ]
    rows = [
        [
            labels.get(e["driver"], e["driver"]),
            number(e["ST"], lang, 2),
            number(e["ST_conf"], lang, 2),
            number(e["S1"], lang, 2),
            number(e["S1_conf"], lang, 2),
        ]
        for e in entries
    ]
    return [title, *_table(header, rows)]


def risk_lines(
    document: dict[str, Any],
    lang: str,
    seconds: float,
    table: str,
    sobol_table: str | None,
) -> list[str]:
    """The whole terminal report of `balans risk`."""
    sv = lang == "sv"
    n = number(document["samples"], lang, 0)
    lines = [
        (
            f"Risk: {n} dragningar (frö {document['seed']}) på "
            f"{number(seconds, lang, 1)} s"
            if sv
            else f"Risk: {n} draws (seed {document['seed']}) in "
            f"{number(seconds, lang, 1)} s"
        )
    ]
    for d in document["drivers"]:
        label = d["label_sv"] if sv else d["label_en"]
        change = CHANGE_WORDS.get(d["change"], (d["change"],) * 2)[0 if sv else 1]
        shape = d["distribution"]
        if sv:
            shape = shape.replace("empirical(", "empirisk(").replace(
                "outcomes", "utfall"
            )
            shape = shape.replace("triangular(", "triangel(").replace(
                "uniform(", "likformig("
            )
        lines.append(f"  {d['name']}: {shape} ({label}; {change})")
    for plan in ("decided", "optimal"):
        if plan in document["statuses"]:
            lines += ["", *probability_lines(document, plan, lang)]
    savings = savings_line(document, lang)
    if savings:
        lines += ["", *savings]
    sobol = sobol_lines(document, lang)
    if sobol:
        lines += ["", *sobol]
    if document["discovery"]:
        lines += [
            "",
            "Scenarioupptäckt (PRIM):" if sv else "Scenario discovery (PRIM):",
        ]
        for entry in document["discovery"]:
            lines.append("  " + (entry["text_sv"] if sv else entry["text_en"]))
    lines += ["", ("Tabell: " if sv else "Table: ") + table]
    if sobol_table:
        lines.append(("Sobol'-tabell: " if sv else "Sobol' table: ") + sobol_table)
    return lines
