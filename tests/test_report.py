"""`balans report`: the HTML page, its tables, charts, languages and errors.

Figures quoted here come from the shipped scenario's decided plan (reference/
resultatbudget.csv: verksamhetens kostnader 2026 -7 075,2) and from the
`balans compare` output of the same scenario (likviditetsgolv 2026: lowest
month-end cash 41,4 Mkr in August, see docs/findings.md).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from balans.cli import main
from balans.reports.traffic import AMBER, GREEN, RED, light, tolerance
from balans.results import TargetRow
from balans.testing import DECIDED, REPO_ROOT, write_whatif

RISK = REPO_ROOT / "tests" / "data" / "risk.json"
PLAN_CHARTS = (
    "chart-savings",
    "chart-cash",
    "chart-restoration",
    "chart-debt",
    "chart-fou",
)
RISK_CHARTS = ("chart-fan", "chart-sobol")
NBSP = "\u00a0"
SVG = "{http://www.w3.org/2000/svg}"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The shipped scenario's report: Swedish with the risk fixture, to a file;
    English, to stdout."""
    path = tmp_path_factory.mktemp("report") / "report-sv.html"
    result = run("report", DECIDED, "--output", path, "--risk", RISK)
    assert result.exit_code == 0, result.output
    english = run("report", DECIDED, "--lang", "en")
    assert english.exit_code == 0, english.output
    return {"sv": path.read_text(encoding="utf-8"), "en": english.output}


class _Balance(HTMLParser):
    """Checks that every element that is opened is closed, in order."""

    VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr", "source"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.in_svg = 0

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass  # <path ... /> inside SVG

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
            return
        self.stack.pop()


def _svgs(page: str) -> dict[str, ET.Element]:
    """Each chart's SVG, parsed as XML, by chart id."""
    found = {}
    for match in re.finditer(
        r'<svg class="chart-svg" id="([\w-]+)-svg".*?</svg>', page, re.S
    ):
        found[match.group(1)] = ET.fromstring(match.group(0))
    return found


def _marks(chart_id: str, svg: ET.Element) -> list[ET.Element]:
    """The chart's data marks that draw something (a path with coordinates)."""
    marks = []
    for group in svg.iter(f"{SVG}g"):
        if group.get("id", "").startswith(f"{chart_id}-mark-"):
            paths = [p for p in group.iter(f"{SVG}path") if len(p.get("d", "")) > 10]
            uses = list(group.iter(f"{SVG}use"))
            if paths or uses:
                marks.append(group)
    return marks


def test_report_is_well_formed_html(pages):
    for page in pages.values():
        assert page.startswith("<!DOCTYPE html>")
        checker = _Balance()
        checker.feed(page)
        checker.close()
        assert checker.errors == [] and checker.stack == []
        for svg in _svgs(page).values():
            assert svg.tag == f"{SVG}svg"  # parsed as XML: well formed


def test_report_is_self_contained(pages):
    for page in pages.values():
        assert not re.search(
            r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I
        )
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", page, re.I)
        assert "@import" not in page and "<link" not in page.lower()
        assert "<img" not in page.lower() and "<!DOCTYPE svg" not in page
        # every reference inside the SVG points into the page itself
        for ref in re.findall(r'(?:xlink:)?href="([^"]*)"', page):
            assert ref.startswith("#"), ref


def test_every_chart_is_present_with_data(pages):
    charts = _svgs(pages["sv"])
    assert set(charts) == {*PLAN_CHARTS, *RISK_CHARTS}
    for chart_id, svg in charts.items():
        assert _marks(chart_id, svg), chart_id
        declared = re.search(
            rf'id="{chart_id}" data-chart="{chart_id}" data-marks="(\d+)"', pages["sv"]
        )
        assert int(declared.group(1)) > 0
    assert set(_svgs(pages["en"])) == set(PLAN_CHARTS)  # no --risk, no risk charts


def test_chart_series_are_the_plans(pages):
    ids = " ".join(
        g.get("id", "")
        for svg in _svgs(pages["sv"]).values()
        for g in svg.iter(f"{SVG}g")
    )
    for series in (
        "chart-savings-mark-beslutad-plan-hsn",
        "chart-savings-mark-optimal-plan-hsn",
        "chart-cash-mark-cash-beslutad-plan",
        "chart-cash-mark-floor",
        "chart-restoration-mark-optimal-plan",
        "chart-debt-mark-loans-limit",
        "chart-debt-mark-ratio-limit",
        "chart-fou-mark-level-cost",
        "chart-fan-mark-result-p5-p95",
        "chart-sobol-mark-savings-total-st",
    ):
        assert series in ids, series


def test_swedish_number_format(pages):
    page = pages["sv"]
    # Verksamhetens kostnader 2026 (reference/resultatbudget.csv): -7 075,2
    assert f"-7{NBSP}075,2" in page
    assert "-7 075,2" not in page and "-7,075.2" not in page
    # chart ticks are Swedish too: the restoration axis passes -1 000
    assert re.search(rf"<text[^>]*>-1{NBSP}000</text>", page)
    assert "Resultatbudget" in page and "Målvärden" in page and 'lang="sv"' in page


def test_english_page(pages):
    page = pages["en"]
    assert 'lang="en"' in page
    assert "Budget report" in page and "Income statement" in page
    assert "-7,075.2" in page
    assert "Resultatbudget" not in page and "Beslutad plan" not in page


def test_target_colours_follow_the_rule(pages):
    page = pages["sv"]
    decided = page[
        page.index('id="targets-decided"') : page.index('id="targets-optimal"')
    ]

    def cell(rule: str, year_index: int) -> str:
        row = re.search(rf'<tr data-rule="{rule}">(.*?)</tr>', decided, re.S).group(1)
        return re.findall(r'<td(?: class="(\w+)")?', row)[year_index]

    assert cell("liquidity_floor", 0) == RED  # 41,4 against 200 Mkr
    assert cell("debt_ratio_ceiling", 0) == AMBER  # 16,36 % against 16 %: 0,36 < 0,8
    assert cell("loan_ceiling", 2) == GREEN  # 891,5 against 950: 58,5 > 47,5
    assert cell("fou_per_inhabitant", 1) == "off"  # switched off in the scenario
    assert "låst år" in page[page.index('id="targets-optimal"') :]


def _row(margin: float, limit: float, unit: str = "Mkr") -> TargetRow:
    return TargetRow(
        "loan_ceiling", 2027, limit - margin, limit, margin >= 0, margin, unit, True
    )


@pytest.mark.parametrize(
    ("margin", "limit", "unit", "expected"),
    [
        (100.0, 850.0, "Mkr", GREEN),
        (42.5, 850.0, "Mkr", GREEN),  # exactly 5 %
        (42.4, 850.0, "Mkr", AMBER),
        (0.0, 850.0, "Mkr", AMBER),  # binding: no room left
        (-42.5, 850.0, "Mkr", AMBER),
        (-42.6, 850.0, "Mkr", RED),
        (0.9, 0.0, "Mkr", AMBER),  # limit 0: at least 1 Mkr of tolerance
        (-1.1, 0.0, "Mkr", RED),
        (0.09, 1.0, "%", AMBER),  # ratios: at least 0,1 percentage point
        (0.8, 16.0, "%", GREEN),
    ],
)
def test_traffic_light_rule(margin, limit, unit, expected):
    row = _row(margin, limit, unit)
    assert light(row) == expected
    assert tolerance(row) >= (0.1 if unit == "%" else 1.0)


def test_scenario_text_is_escaped(tmp_path):
    scenario = write_whatif(
        tmp_path,
        'name: "<script>alert(1)</script>"\ntitle: "A & B <b>bold</b>"\n',
    )
    output = tmp_path / "report.html"
    result = run(
        "report", scenario, "-o", output, "--set", "committees.RS.sv_name=R&S <i> $5$"
    )
    assert result.exit_code == 0, result.output
    page = output.read_text(encoding="utf-8")
    assert (
        "<script>alert(1)" not in page and "<b>bold" not in page and "<i>" not in page
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "A &amp; B &lt;b&gt;bold&lt;/b&gt;" in page
    # the committee's name in the chart legend is SVG text, escaped, no mathtext
    legend = [t.text for t in _svgs(page)["chart-savings"].iter(f"{SVG}text")]
    assert "R&S <i> $5$" in legend


def test_report_is_deterministic(pages, tmp_path):
    path = tmp_path / "again.html"
    result = run("report", DECIDED, "-o", path, "--risk", RISK)
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == pages["sv"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no such file"),
        ("{not json", "line 1: not valid JSON"),
        ("[1, 2]", "not a risk result"),
        ('{"fan": {"result": {}}}', "fan.result: no years"),
        ('{"fan": {"result": {"2026": {"p5": 1}}}}', "fan.result.2026: missing p25"),
    ],
)
def test_bad_risk_file_is_one_line_naming_the_file(tmp_path, content, expected):
    risk = tmp_path / "risk.json"
    if content is not None:
        risk.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["report", str(DECIDED), "-o", str(tmp_path / "r.html"), "--risk", str(risk)],
    )
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and str(risk) in lines[0] and expected in lines[0], lines
    assert "Traceback" not in result.output
    assert not (tmp_path / "r.html").exists()


def test_bad_probability_and_missing_output(tmp_path):
    document = json.loads(RISK.read_text(encoding="utf-8"))
    document["probabilities"][0]["optimal"] = 1.7
    risk = tmp_path / "risk.json"
    risk.write_text(json.dumps(document), encoding="utf-8")
    result = CliRunner().invoke(main, ["report", str(DECIDED), "--risk", str(risk)])
    assert result.exit_code == 1
    assert (
        f"{risk}: probabilities[0].optimal: 1.7 is not a probability" in result.output
    )
    del document["fan"]["lowest_cash"]
    risk.write_text(json.dumps(document), encoding="utf-8")
    result = CliRunner().invoke(main, ["report", str(DECIDED), "--risk", str(risk)])
    assert "fan.lowest_cash: missing" in result.output


def test_output_may_not_overwrite_the_risk_file(tmp_path):
    risk = tmp_path / "risk.json"
    risk.write_text(RISK.read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(
        main, ["report", str(DECIDED), "-o", str(risk), "--risk", str(risk)]
    )
    assert result.exit_code == 1
    assert "would overwrite" in result.output
    assert json.loads(risk.read_text(encoding="utf-8"))["samples"] == 4096


def test_html_suffix_belongs_to_report(tmp_path):
    result = CliRunner().invoke(
        main, ["evaluate", str(DECIDED), "-o", str(tmp_path / "x.html")]
    )
    assert result.exit_code == 1
    assert "--format html is available for report" in result.output


def test_report_to_stdout(pages):
    assert pages["en"].startswith("<!DOCTYPE html>") and pages["en"].endswith(
        "</html>\n"
    )


def test_infeasible_scenario_still_writes_the_report(tmp_path):
    output = tmp_path / "strict.html"
    strict = REPO_ROOT / "scenarios" / "whatif-strict-loans.yaml"
    result = CliRunner().invoke(main, ["report", str(strict), "-o", str(output)])
    assert result.exit_code == 2
    page = output.read_text(encoding="utf-8")
    assert "Varför ingen plan håller alla regler" in page
    assert set(_svgs(page)) == set(PLAN_CHARTS)  # the decided plan's charts


def test_report_through_a_real_process(tmp_path):
    output = tmp_path / "report.html"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "balans",
            "report",
            str(DECIDED),
            "-o",
            str(output),
            "--risk",
            str(RISK),
        ],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=180,
    )
    assert completed.returncode == 0, completed.stderr
    page = output.read_text(encoding="utf-8")
    assert set(_svgs(page)) == {*PLAN_CHARTS, *RISK_CHARTS}
    assert "Återställt senast 2030" in page  # the fixture's probability label


def test_report_reads_a_real_balans_risk_result(tmp_path):
    """The page takes what `balans risk --format json` writes, not only the fixture."""
    risk_json, table = tmp_path / "risk.json", tmp_path / "risk.parquet"
    spec = REPO_ROOT / "scenarios" / "sweeps" / "risk-drivers.yaml"
    result = run(
        "risk",
        str(spec),
        "--samples",
        "20",
        "--no-sensitivity",
        "--workers",
        "1",
        "--format",
        "json",
        "-o",
        str(risk_json),
        "--output-table",
        str(table),
    )
    assert result.exit_code == 0, result.output
    document = json.loads(risk_json.read_text(encoding="utf-8"))
    document["sobol"] = [
        {"driver": "lpik", "output": "savings_total", "S1": 0.6, "ST": 0.65},
        {"driver": "tax_base", "output": "savings_total", "S1": 0.3, "ST": 0.35},
    ]
    risk_json.write_text(json.dumps(document), encoding="utf-8")
    page = tmp_path / "r.html"
    result = run("report", str(DECIDED), "--risk", str(risk_json), "-o", str(page))
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    assert "alla år" in text and ">None<" not in text  # every-year rows
    assert "Skatteunderlagets tillväxt" in text  # drivers by their names
    assert 'id="chart-fan"' in text and 'id="chart-sobol"' in text


def test_report_takes_a_sweep_table(tmp_path):
    table = tmp_path / "grid.parquet"
    spec = REPO_ROOT / "scenarios" / "sweeps" / "grid-tax-base-interest.yaml"
    result = run("sweep", spec, "-o", table, "--workers", "1")
    assert result.exit_code == 0, result.output
    page = tmp_path / "s.html"
    result = run("report", DECIDED, "--sweep", table, "-o", page)
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    assert "Svep: många varianter" in text and "Andel varianter" in text
    assert 'id="chart-fan"' in text and "inte sannolikheter" in text
    svg = _svgs(text)["chart-fan"]
    assert _marks("chart-fan", svg)


def test_report_refuses_a_file_that_is_not_a_sweep_table_and_two_sources(tmp_path):
    bad = tmp_path / "not.parquet"
    bad.write_text("variant,plan\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["report", str(DECIDED), "--sweep", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}: not a balans sweep table" in result.output
    assert "Traceback" not in result.output
    both = CliRunner().invoke(
        main, ["report", str(DECIDED), "--sweep", str(bad), "--risk", RISK]
    )
    assert both.exit_code == 1 and "give one of them" in both.output
