"""Sections -> a Markdown report to send on."""

from __future__ import annotations

from balans.reports.output import safe_cell
from balans.reports.sections import Section


def render_markdown(sections: list[Section], heading: str) -> str:
    """One Markdown document: a heading, then each section."""
    parts = [f"# {heading}", ""]
    for section in sections:
        parts += [f"## {section.title}", ""]
        parts += [f"- {safe_cell(note.strip())}" for note in section.notes]
        if section.notes:
            parts.append("")
        if section.columns:
            parts.append("| " + " | ".join(_cell(c) for c in section.columns) + " |")
            parts.append(
                "|"
                + "|".join(
                    "---" if i == 0 else "---:" for i in range(len(section.columns))
                )
                + "|"
            )
            for row in section.rows:
                parts.append("| " + " | ".join(_cell(c) for c in row) + " |")
            parts.append("")
    return "\n".join(parts)


def _cell(text: str) -> str:
    """A table cell: formula-safe (OWASP), with `|` escaped."""
    return safe_cell(text).replace("|", "\\|")
