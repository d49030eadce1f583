"""The terminal lines of `balans sweep` (Swedish by default, English with --lang en)."""

from __future__ import annotations

from balans.reports.labels import label, number

STATUS_WORDS = {
    "evaluated": ("beslutad plan utvärderad", "decided plan evaluated"),
    "optimal": ("optimal plan (alla mål nås)", "optimal plan (every target met)"),
    "closest": (
        "närmaste plan (mål missas, se target.*.met)",
        "closest plan (targets missed, see target.*.met)",
    ),
    "infeasible": (
        "ingen plan (minsta avsteg redovisat)",
        "no plan (least relaxation given)",
    ),
    "invalid": ("ogiltig variant", "invalid variant"),
    "error": ("lösarfel", "solver trouble"),
}


def summary_lines(summary, lang: str) -> list[str]:
    """What a finished sweep did, where its table is, and how fast it went."""
    sv = lang == "sv"
    per_variant = 1000 * summary.seconds / max(summary.variants, 1)
    lines = [
        (
            f"Svep: {summary.variants} varianter, {summary.rows} rader på "
            f"{number(summary.seconds, lang, 1)} s "
            f"({number(per_variant, lang, 2)} ms per variant) -> {summary.output}"
            if sv
            else f"Sweep: {summary.variants} variants, {summary.rows} rows in "
            f"{number(summary.seconds, lang, 1)} s "
            f"({number(per_variant, lang, 2)} ms per variant) -> {summary.output}"
        )
    ]
    if summary.resumed_chunks:
        lines.append(
            f"Återupptaget: {summary.resumed_chunks} av {summary.chunks} delar fanns redan"
            if sv
            else f"Resumed: {summary.resumed_chunks} of {summary.chunks} chunks were saved"
        )
    counts = ", ".join(
        f"{label(STATUS_WORDS, status, lang)} {count}"
        for status, count in sorted(summary.statuses.items())
    )
    lines.append(("Utfall: " if sv else "Outcomes: ") + counts)
    return lines


def interrupted_line(parts: str, saved: int, chunks: int, lang: str) -> str:
    """Ctrl-C: what is kept and how to go on."""
    if lang == "sv":
        return (
            f"avbrutet: {saved} av {chunks} delar sparade i {parts}; "
            "kör samma kommando igen för att fortsätta"
        )
    return (
        f"interrupted: {saved} of {chunks} chunks saved in {parts}; "
        "run the same command again to resume"
    )
