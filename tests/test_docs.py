"""The documentation stays true: every link resolves, quoted findings are current.

That the generated pages and parts are current is tests/test_regen.py's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from balans.testing import REPO_ROOT

DOCS = REPO_ROOT / "docs"
PAGES = [REPO_ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`\n]*`")


def relative_links(page: Path) -> list[str]:
    """Link targets of a Markdown page, outside code, that are not URLs or anchors."""
    text = CODE_SPAN.sub("", FENCE.sub("", page.read_text(encoding="utf-8")))
    targets = []
    for target in LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith(
            "#"
        ):
            continue
        targets.append(target)
    return targets


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_every_relative_link_points_to_an_existing_file(page):
    missing = [
        target
        for target in relative_links(page)
        if not (page.parent / target.split("#", 1)[0]).exists()
    ]
    assert not missing, (
        f"{page.relative_to(REPO_ROOT)} links to missing files: {missing}"
    )


def test_the_docs_pages_the_readme_links_exist():
    linked = {
        t for t in relative_links(REPO_ROOT / "README.md") if t.startswith("docs/")
    }
    assert linked, "README.md links no docs pages"
    assert all((REPO_ROOT / t.split("#", 1)[0]).is_file() for t in linked)


def test_quoted_findings_are_what_the_program_says():
    """Every finding quoted in docs/findings.md is a current finding text."""
    from balans.plan import evaluate
    from balans.reports.findings_text import finding_texts
    from balans.testing import SCENARIOS, make_scenario

    texts = set()
    for path in sorted(SCENARIOS.glob("*.yaml")):
        findings = evaluate(make_scenario(base=path)).findings
        texts |= set(finding_texts(findings, "sv")) | set(finding_texts(findings, "en"))
    page = (DOCS / "findings.md").read_text(encoding="utf-8")
    quotes = [line[2:] for line in page.splitlines() if line.startswith("> ")]
    assert quotes
    stale = [quote for quote in quotes if quote not in texts]
    assert not stale, (
        f"docs/findings.md quotes findings the program no longer says: {stale}"
    )
