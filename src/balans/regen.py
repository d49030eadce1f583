"""Every generated file of the project, rebuilt by one command: `make regen`.

Each artefact is a file of the source checkout and a function returning what
the file should contain, made from the current code: the scenario reference,
the rule tables of docs/model.md, the kept `--help` text, one LP snapshot per
rule, the generated parts of the docs pages (docs/make_*.py) and the report's
screenshots. `make regen` (`python -m balans.regen`) writes the ones that
changed; tests/test_regen.py checks that every file on disk is current.
"""

from __future__ import annotations

import argparse
import difflib
import functools
import importlib
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCS = REPO_ROOT / "docs"
SNAPSHOTS = "tests/snapshots/rules"
COMMAND = "make regen"


@dataclass(frozen=True)
class Artefact:
    """A generated file and the function that makes it.

    Attributes:
        path: the file, relative to the checkout.
        render: () -> the text (or bytes) the file should contain.
        quick: made in a few seconds, in this process; tests/test_regen.py
            checks the others too, marked `slow`.
        checked: compared with the file by the tests; screenshots are not (their
            pixels depend on the browser's version and fonts).

    """

    path: str
    render: Callable[[], str | bytes]
    quick: bool = True
    checked: bool = True

    def stale(self, root: Path = REPO_ROOT) -> str:
        """Why the file under `root` is not current (a diff), or "" when it is."""
        target = root / self.path
        wanted = self.render()
        if not target.exists():
            return f"{self.path} is missing"
        if isinstance(wanted, bytes):
            return "" if target.read_bytes() == wanted else f"{self.path} differs"
        have = target.read_text(encoding="utf-8")
        if have == wanted:
            return ""
        diff = difflib.unified_diff(
            have.splitlines(),
            wanted.splitlines(),
            self.path,
            "regenerated",
            lineterm="",
        )
        return "\n".join(list(diff)[:40])


def scenario_reference() -> str:
    """docs/scenario-reference.md: every key of the scenario schema."""
    from balans.schema_doc import render_reference

    return render_reference()


def rule_tables() -> str:
    """docs/model.md with its rule tables made from the registry."""
    from balans.rule_doc import PAGE, page_with_tables

    return page_with_tables(PAGE.read_text(encoding="utf-8"))


def help_text() -> str:
    """src/balans/help_text.py with TOP_HELP what click prints for `balans --help`."""
    import balans.help_text

    path = Path(balans.help_text.__file__)
    text = path.read_text(encoding="utf-8")
    line = f"TOP_HELP = {balans.help_text.render()!r}  # noqa: E501\n"
    return re.sub(r"^TOP_HELP = .*\n", lambda _: line, text, count=1, flags=re.M)


@functools.cache
def _snapshot_model():
    from balans.testing import snapshot_model

    return snapshot_model()


def rule_snapshot(key: str) -> str:
    """tests/snapshots/rules/KEY.txt: the rule's rows in the tiny fixture."""
    from balans.testing import rule_rows_text

    return rule_rows_text(_snapshot_model(), key)


def docs_page(script: str) -> str:
    """A docs page with the parts docs/SCRIPT.py generates (running balans)."""
    return _docs_script(script).render()


@functools.cache
def screenshots() -> dict[str, bytes]:
    """docs/img/*.png: the report in headless Chromium, by file name."""
    return _docs_script("make_report_screenshots").render()


def screenshot(name: str) -> bytes:
    """docs/img/NAME: one picture of `screenshots()`."""
    return screenshots()[name]


def _docs_script(name: str):
    """A docs/make_*.py module (they import each other by name from docs/)."""
    if str(DOCS) not in sys.path:
        sys.path.insert(0, str(DOCS))
    return importlib.import_module(name)


def artefacts() -> list[Artefact]:
    """Every generated file, the quick ones first."""
    from balans.model.registry import LP_RULES

    snapshots = [
        Artefact(
            f"{SNAPSHOTS}/{rule.key}.txt", functools.partial(rule_snapshot, rule.key)
        )
        for rule in LP_RULES
    ]
    pages = (
        ("docs/recommendation.md", "make_recommendation", True),
        ("docs/sweep.md", "make_sweep", True),
        ("docs/walkthrough.md", "make_walkthrough", False),
        ("docs/scenarios.md", "make_whatifs", False),
    )
    images = ("report-overview.png", "report-charts.png")
    return [
        Artefact("docs/scenario-reference.md", scenario_reference),
        Artefact("docs/model.md", rule_tables),
        Artefact("src/balans/help_text.py", help_text),
        *snapshots,
        *(
            Artefact(path, functools.partial(docs_page, script), quick=quick)
            for path, script, quick in pages
        ),
        *(
            Artefact(
                f"docs/img/{name}",
                functools.partial(screenshot, name),
                quick=False,
                checked=False,
            )
            for name in images
        ),
    ]


def orphans(chosen: Iterable[Artefact], root: Path = REPO_ROOT) -> list[Path]:
    """Rule snapshots no registered rule makes any more (a removed rule's)."""
    made = {root / a.path for a in chosen}
    return [p for p in sorted((root / SNAPSHOTS).glob("*.txt")) if p not in made]


def regenerate(chosen: Iterable[Artefact], root: Path = REPO_ROOT) -> list[str]:
    """Write every chosen artefact whose file differs; return what was written."""
    written = []
    for artefact in chosen:
        wanted = artefact.render()
        target = root / artefact.path
        data = wanted if isinstance(wanted, bytes) else wanted.encode("utf-8")
        if target.exists() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(artefact.path)
    return written


def main(argv: list[str] | None = None) -> int:
    """`python -m balans.regen [--check] [--quick] [PATH ...]`; the exit code."""
    parser = argparse.ArgumentParser(prog="python -m balans.regen", description=__doc__)
    parser.add_argument("paths", nargs="*", help="only artefacts whose path has this")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if stale"
    )
    parser.add_argument("--quick", action="store_true", help="only the quick artefacts")
    options = parser.parse_args(argv)
    every = artefacts()
    chosen = [
        a
        for a in every
        if (not options.quick or a.quick)
        and (not options.paths or any(p in a.path for p in options.paths))
    ]
    if options.check:
        stale = [a.path for a in chosen if a.checked and a.stale()]
        for path in stale:
            print(f"stale: {path}")
        return 1 if stale else 0
    for path in regenerate(chosen):
        print(f"wrote {path}")
    if not options.paths and not options.quick:
        for path in orphans(every):
            path.unlink()
            print(f"removed {path.relative_to(REPO_ROOT)} (no rule makes it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
