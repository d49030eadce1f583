"""The documentation stays true: the generated pages match, every link resolves."""

from __future__ import annotations

import importlib
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from balans.schema_doc import REGENERATE, render_reference
from balans.testing import REPO_ROOT, run_in_process

DOCS = REPO_ROOT / "docs"
PAGES = [REPO_ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`\n]*`")


def test_scenario_reference_is_generated_from_the_schema():
    committed = (DOCS / "scenario-reference.md").read_text(encoding="utf-8")
    assert committed == render_reference(), (
        "docs/scenario-reference.md is out of date with the schema; "
        "regenerate it with\n"
        f"    {REGENERATE}"
    )


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


def _in_process(argv, *, cwd=None, check=False, **_):
    """`subprocess.run` for the page scripts: their `balans` commands, in this process.

    The scripts start `python -m balans ...` (make_walkthrough.balans) or the
    installed `balans` (make_sweep.table); here the same arguments go to the
    console entry point in-process (balans.testing.run_in_process).
    """
    args = list(map(str, argv))
    args = args[3:] if args[1:3] == ["-m", "balans"] else args[1:]
    done = run_in_process(*args, cwd=cwd)
    if check and done.returncode:
        raise subprocess.CalledProcessError(
            done.returncode, argv, done.stdout, done.stderr
        )
    return subprocess.CompletedProcess(argv, done.returncode, done.stdout, done.stderr)


def page_script(name: str, monkeypatch):
    """A docs/make_*.py script as a module, its `balans` runs kept in-process."""
    monkeypatch.syspath_prepend(str(DOCS))
    for module in ("make_walkthrough", "make_sweep"):  # the two that run balans
        monkeypatch.setattr(
            importlib.import_module(module),
            "subprocess",
            SimpleNamespace(run=_in_process),
        )
    return importlib.import_module(name.removesuffix(".py"))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("page", "script"),
    [
        ("walkthrough.md", "make_walkthrough.py"),
        ("scenarios.md", "make_whatifs.py"),
        ("recommendation.md", "make_recommendation.py"),
        ("sweep.md", "make_sweep.py"),
    ],
)
def test_generated_pages_are_what_their_scripts_produce(
    page, script, monkeypatch, capsys
):
    """Walkthrough and what-if table are real output; refresh them when it changes.

    The script's `main(["--stdout"])` runs here, its `balans` commands in-process
    (`test_the_page_scripts_run_balans_in_a_real_process` checks their own runs).
    """
    committed = (DOCS / page).read_text(encoding="utf-8")
    page_script(script, monkeypatch).main(["--stdout"])
    produced = capsys.readouterr().out
    assert committed == produced, (
        f"docs/{page} differs from the current output; regenerate it with\n"
        f"    .venv/bin/python docs/{script}"
    )


def test_the_page_scripts_run_balans_in_a_real_process(monkeypatch):
    """The page scripts' own way of running balans: a real process, its output kept."""
    monkeypatch.syspath_prepend(str(DOCS))
    walkthrough = importlib.import_module("make_walkthrough")
    assert walkthrough.subprocess is subprocess  # not left patched by a test
    document = walkthrough.data("validate", walkthrough.DECIDED)
    assert document["status"] == "ok"


def test_rule_tables_are_generated_from_the_registry():
    from balans.rule_doc import REGENERATE, page_with_tables

    committed = (DOCS / "model.md").read_text(encoding="utf-8")
    assert committed == page_with_tables(committed), (
        f"the rule tables in docs/model.md are out of date; regenerate them with\n"
        f"    {REGENERATE}"
    )


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
