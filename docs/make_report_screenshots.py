"""Screenshots of the shipped scenario's report for docs/report.md.

    .venv/bin/python docs/make_report_screenshots.py

Writes docs/img/report-overview.png (scenario, status and the målvärde tables)
and docs/img/report-charts.png (the first charts), from the Swedish report of
scenarios/rjh-2026-decided.yaml, through headless Chromium (scripts/ensure-chromium).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from balans.cli import main

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "img"
WIDTH, HEIGHT = 1100, 12000
# Written into a copy of the page only: where each part starts, in pixels.
OFFSETS = """<script>
["status", "targets-optimal", "comparison", "charts", "chart-restoration"].forEach(
  function (id) {
    var top = document.getElementById(id).getBoundingClientRect().top + window.scrollY;
    document.body.setAttribute("data-top-" + id, String(Math.round(top)));
  });
</script>
</body>"""


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    """Headless Chromium, offline."""
    return subprocess.run(
        [
            "/usr/bin/chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--window-size={WIDTH},{HEIGHT}",
            *args,
        ],
        capture_output=True,
        check=True,
        timeout=120,
    )


def main_() -> None:
    """Render the report, measure where its parts start, cut the two pictures."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        page = work / "report.html"
        result = CliRunner().invoke(
            main,
            [
                "report",
                str(ROOT / "scenarios" / "rjh-2026-decided.yaml"),
                "-o",
                str(page),
            ],
        )
        if result.exit_code != 0:
            sys.exit(result.output)
        measured = work / "measured.html"
        measured.write_text(
            page.read_text(encoding="utf-8").replace("</body>", OFFSETS, 1),
            encoding="utf-8",
        )
        dom = chromium(work / "p1", "--dump-dom", measured.as_uri()).stdout.decode()
        top = {k: int(v) for k, v in re.findall(r'data-top-([\w-]+)="(\d+)"', dom)}
        shot = work / "page.png"
        chromium(work / "p2", f"--screenshot={shot}", page.as_uri())
        with Image.open(shot) as image:
            _save(
                image.crop((0, 0, WIDTH, top["targets-optimal"] - 10)),
                "report-overview.png",
            )
            _save(
                image.crop(
                    (0, top["charts"] - 10, WIDTH, top["chart-restoration"] - 10)
                ),
                "report-charts.png",
            )


def _save(image: Image.Image, name: str) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(IMAGES / name, optimize=True)
    print(f"wrote docs/img/{name} ({image.width}x{image.height})")


if __name__ == "__main__":
    main_()
