"""The report in a real browser: headless Chromium, offline, every chart drawn.

Chromium is Debian's `chromium` package; `make install` / `make test` install
it where it is missing (scripts/ensure-chromium). Without it this test skips on
a developer's machine and fails in CI (CI=true), where it must run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from balans.cli import main
from balans.testing import DECIDED, REPO_ROOT

RISK = REPO_ROOT / "tests" / "data" / "risk.json"
CHARTS = {
    "chart-savings",
    "chart-cash",
    "chart-restoration",
    "chart-debt",
    "chart-fou",
    "chart-fan",
    "chart-sobol",
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chromium() -> str:
    """The browser's path; skip (or fail in CI) when there is none."""
    for candidate in (
        os.environ.get("BALANS_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    message = "chromium is missing: run scripts/ensure-chromium (make install)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def headless(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    """Run headless Chromium with no network at all (every host resolves to nothing)."""
    return subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    path = folder / "report.html"
    result = CliRunner().invoke(
        main, ["report", str(DECIDED), "-o", str(path), "--risk", str(RISK)]
    )
    assert result.exit_code == 0, result.output
    return path


def test_every_chart_renders_with_data_in_chromium(report, tmp_path):
    browser = chromium()
    completed = headless(
        browser, tmp_path / "profile", "--dump-dom", report.resolve().as_uri()
    )
    dom = completed.stdout.decode("utf-8")
    assert completed.returncode == 0, completed.stderr.decode()[-2000:]
    # the page's own check ran in the browser and wrote its counts into the DOM
    body = re.search(r"<body([^>]*)>", dom).group(1)
    assert f'data-charts="{len(CHARTS)}"' in body and 'data-empty-charts="0"' in body
    drawn = dict(
        re.findall(r'<figure class="chart" id="([\w-]+)"[^>]*data-drawn="(\d+)"', dom)
    )
    assert set(drawn) == CHARTS
    assert all(int(count) > 0 for count in drawn.values()), drawn


def test_screenshot_is_not_blank(report, tmp_path):
    from PIL import Image

    browser = chromium()
    shot = tmp_path / "report.png"
    completed = headless(
        browser,
        tmp_path / "profile",
        "--window-size=1100,4000",
        f"--screenshot={shot}",
        report.resolve().as_uri(),
    )
    assert completed.returncode == 0, completed.stderr.decode()[-2000:]
    data = shot.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 50_000
    with Image.open(shot) as image:
        assert image.size == (1100, 4000)
        pixels = image.convert("RGB").resize((220, 800))
        colours = pixels.getcolors(maxcolors=1_000_000)
    non_white = sum(count for count, rgb in colours if rgb != (255, 255, 255))
    assert len(colours) > 100  # text, table colours and chart lines
    assert non_white > 0.05 * 220 * 800
    # the traffic-light colours are on the page (green, amber and red cells)
    present = {rgb for _, rgb in colours}
    for rgb in ((0xD8, 0xEF, 0xD9), (0xFB, 0xE7, 0xB5), (0xF6, 0xCF, 0xCB)):
        assert any(
            all(abs(a - b) <= 6 for a, b in zip(rgb, p, strict=True)) for p in present
        )


def test_missing_browser_fails_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.delenv("BALANS_CHROMIUM", raising=False)
    monkeypatch.setattr(os, "access", lambda *_: False)
    monkeypatch.setattr(shutil, "which", lambda *_: None)
    with pytest.raises(pytest.fail.Exception, match="chromium is missing"):
        chromium()


ENSURE = REPO_ROOT / "scripts" / "ensure-chromium"


def _ensure(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """scripts/ensure-chromium with a PATH that has `id` and no apt-get or sudo."""
    tools = tmp_path / "bin"
    tools.mkdir(exist_ok=True)
    if not (tools / "id").exists():
        (tools / "id").symlink_to(shutil.which("id"))
    return subprocess.run(
        ["/bin/bash", str(ENSURE)],
        env={"PATH": str(tools), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_ensure_chromium_does_nothing_when_the_browser_is_there(tmp_path):
    completed = _ensure(tmp_path, BALANS_CHROMIUM=shutil.which("id"))
    assert completed.returncode == 0 and completed.stderr == ""


@pytest.mark.skipif(os.geteuid() != 0, reason="the root path needs root")
def test_ensure_chromium_without_apt_get_fails_in_ci_only(tmp_path):
    missing = str(tmp_path / "no-chromium")
    completed = _ensure(tmp_path, BALANS_CHROMIUM=missing, CI="true")
    assert completed.returncode == 1
    assert f"{missing} is missing and there is no apt-get" in completed.stderr
    completed = _ensure(tmp_path, BALANS_CHROMIUM=missing)
    assert completed.returncode == 0 and "will be skipped" in completed.stderr
