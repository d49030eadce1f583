"""Screenshots of the shipped scenario's report for docs/report.md (`make regen`).

docs/img/report-overview.png (scenario, status and the målvärde tables) and
docs/img/report-charts.png (the first charts), from the Swedish report of
scenarios/rjh-2026-decided.yaml, through headless Chromium (scripts/ensure-chromium).
`make regen` writes them (balans.regen); no test compares them, as the pixels
depend on the browser's version and fonts.
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from balans.cli import main

ROOT = Path(__file__).resolve().parents[1]
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


def render() -> dict[str, bytes]:
    """Render the report, measure where its parts start, cut the two pictures.

    Returns:
        The PNG bytes by file name in docs/img.

    """
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
            raise RuntimeError(result.output)
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
            overview = (0, 0, WIDTH, top["targets-optimal"] - 10)
            charts = (0, top["charts"] - 10, WIDTH, top["chart-restoration"] - 10)
            return {
                "report-overview.png": _png(image.crop(overview)),
                "report-charts.png": _png(image.crop(charts)),
            }


def _png(image: Image.Image) -> bytes:
    """The picture as a small PNG (256 colours)."""
    small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
