"""FoU-medel: max-fou, discrete levels (MILP), the per-level table, grants, BAS-ALF."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from balans.cli import main
from balans.fou import allocate_grants, fou_table, per_100k
from balans.plan import evaluate, optimise
from balans.testing import DECIDED, feasible_scenario, make_scenario

# FoU bilaga (seed 000), table "FoU-medel 2025 ... per 100 000 invånare":
# 5000 tkr = 3764; if 6000 tkr: 4516; if 7000 tkr: 5270. The bilaga's 4516 and
# 5270 are 3764 x 6/5 = 4516.8 and x 7/5 = 5269.6, rounded differently, so one
# population reproduces them within 1 tkr.
BILAGA_PER_100K = {5000: 3764, 6000: 4516, 7000: 5270}
BENCHMARKS = {"Västernorrland": 5436, "Norrbotten": 4851}
# Follow-up to FoU-rådet 2025-09-16: granted (PhD part-time, postdoc, projects).
GRANTED = {5000: (14, 5, 6), 7000: (16, 5, 12)}


@pytest.fixture(scope="module")
def table(decided_scenario):
    return fou_table(decided_scenario)


@pytest.mark.parametrize(("level", "published"), BILAGA_PER_100K.items())
def test_per_100k_table_of_the_bilaga_is_reproduced(decided_scenario, level, published):
    assert per_100k(decided_scenario.scenario, level) == pytest.approx(
        published, abs=1.0
    )


@pytest.mark.parametrize(("level", "counts"), GRANTED.items())
def test_allocation_reproduces_the_granted_counts(decided_scenario, level, counts):
    grants, unallocated = allocate_grants(
        decided_scenario.scenario.fou.allocation, level
    )
    assert tuple(grants.values()) == counts
    assert abs(unallocated) < 1.0


def test_allocation_protects_phd_posts_and_cuts_projects_most(decided_scenario):
    allocation = decided_scenario.scenario.fou.allocation
    previous = None
    for level in range(3000, 12001, 500):
        grants, _ = allocate_grants(allocation, level)
        if previous is not None:
            assert all(
                grants[c] >= previous[c] for c in grants
            )  # more money, no fewer grants
        previous = grants
    low, _ = allocate_grants(allocation, 5000)
    high, _ = allocate_grants(allocation, 7000)
    assert (
        high["project_funds"] - low["project_funds"]
        > high["phd_parttime"] - low["phd_parttime"]
    )
    assert high["postdoc_parttime"] == low["postdoc_parttime"]


def test_fou_table_levels_and_contract(table):
    levels = [row.fou_tkr for row in table.levels]
    assert levels == [5000, 6000, 7000]
    # The shipped plan is the closest plan: no level keeps every target (the
    # decided 2026 breaks the lånetak), and each row names what it breaks.
    assert not any(row.feasible for row in table.levels)
    assert all("loan_ceiling" in row.broken for row in table.levels)
    assert table.levels[0].extra_savings == pytest.approx(0.0, abs=1e-6)
    assert table.benchmarks == BENCHMARKS
    assert [p.difference for p in table.calibration] == [
        {"phd_parttime": 0, "postdoc_parttime": 0, "project_funds": 0}
    ] * 2


def test_more_fou_never_lowers_the_required_savings(table):
    extra = [row.extra_savings for row in table.levels]
    assert extra == sorted(extra)
    for row in table.levels:
        assert sum(row.extra_savings_by_committee.values()) == pytest.approx(
            row.extra_savings, abs=1e-4
        )


def test_salary_after_payroll_overhead(table):
    # Tabell 24: PO-pålägg 45.82 % in 2026.
    assert table.levels[0].salary_tkr == pytest.approx(5000 / 1.4582)
    # Heroma change: 7 Mkr buys what 5 Mkr bought before 2021.
    assert table.levels[2].pre_2021_equivalent_tkr == pytest.approx(5000, abs=0.01)


def _levels_fit_as_max_fou_says(loaded):
    fou = fou_table(loaded)
    highest = optimise(loaded, "max-fou", findings=False)
    assert fou.max_fou_tkr == pytest.approx(highest.objective)
    for row in fou.levels:
        below = row.fou_tkr <= highest.objective + 1e-6
        assert row.within_savings_limit == below, (row.fou_tkr, highest.objective)
    return fou, highest


def test_fou_and_max_fou_agree_on_the_shipped_scenario(decided_scenario):
    """`balans fou` and `--objective max-fou` answer one question the same way.

    The shipped plan is the closest plan: within the decided plan's savings, every
    Mkr of FoU above the floor would deepen the council's breaches, so max-fou
    holds FoU at the floor and none of the levels 5 000-7 000 fits; `fou` says so
    level by level (each solved separately with FoU held at the level).
    """
    fou, highest = _levels_fit_as_max_fou_says(decided_scenario)
    assert highest.solver["priorities"]  # the closest plan
    assert highest.objective == pytest.approx(0.0, abs=1e-6)  # a value, no tolerance
    assert not any(row.within_savings_limit for row in fou.levels)


def test_fou_and_max_fou_agree_where_every_target_holds():
    loaded = feasible_scenario("fou.savings_limit=840", "fou.max_tkr=100000")
    fou, highest = _levels_fit_as_max_fou_says(loaded)
    assert highest.objective > 7000
    assert all(row.within_savings_limit for row in fou.levels)


def test_max_fou_keeps_every_rule_within_the_savings_limit(feasible):
    plan = optimise(feasible, "max-fou")
    assert plan.status == "optimal"
    assert not plan.broken_targets()
    decided = sum(sum(c["decided_savings"].values()) for c in plan.committees.values())
    assert (
        sum(sum(c["savings"].values()) for c in plan.committees.values())
        <= decided + 1e-6
    )
    assert min(plan.fou_tkr.values()) == pytest.approx(plan.objective)


def test_max_fou_is_limited_by_the_savings_it_may_use():
    # The least savings that keep every target are 809.5 Mkr at 5000 tkr of FoU.
    low = optimise(
        feasible_scenario("fou.savings_limit=815", "fou.max_tkr=100000"), "max-fou"
    )
    high = optimise(
        feasible_scenario("fou.savings_limit=840", "fou.max_tkr=100000"), "max-fou"
    )
    assert low.status == high.status == "optimal"
    assert 5000 < low.objective < high.objective < 100000


def test_milp_and_continuous_agree_where_the_optimum_falls_on_a_level():
    continuous = optimise(feasible_scenario("fou.max_tkr=6000"), "max-fou")
    discrete = optimise(
        feasible_scenario("fou.max_tkr=6000", "fou.discrete=true"), "max-fou"
    )
    assert continuous.solver["problem_type"] == "LP"
    assert discrete.solver["problem_type"] == "MILP"
    assert continuous.objective == pytest.approx(6000)
    assert discrete.objective == pytest.approx(6000)
    assert discrete.fou_tkr == pytest.approx(continuous.fou_tkr)


def test_discrete_levels_pick_the_highest_affordable_level(feasible, feasible_plan):
    """A savings limit between what 6000 and 7000 tkr need: 6000 every year."""
    levels = fou_table(feasible).levels
    need_6000, need_7000 = levels[1].extra_savings, levels[2].extra_savings
    limit = feasible_plan.objective + (need_6000 + need_7000) / 2
    plan = optimise(
        feasible_scenario(
            "fou.discrete=true",
            f"fou.savings_limit={limit}",
            "fou.levels=[5000, 6000, 7000, 9000]",
        ),
        "max-fou",
    )
    assert plan.status == "optimal"
    assert plan.solver["problem_type"] == "MILP"
    assert {round(v, 6) for v in plan.fou_tkr.values()} <= {5000, 6000, 7000, 9000}
    assert plan.objective == 6000


def test_benchmark_rule_raises_fou_to_norrbottens_level():
    plan = optimise(make_scenario("rules.fou_per_inhabitant.enabled=true"))
    level = 4851 * 132837 / 100_000
    assert plan.fou_tkr[2026] == pytest.approx(5000)
    for y in (2027, 2028, 2029, 2030):
        assert plan.fou_tkr[y] == pytest.approx(level)
        assert plan.target("fou_per_inhabitant", y).binding


def test_bas_alf_feedback_pays_part_of_fou_back():
    """With an elasticity, FoU three years earlier raises RS's revenue."""
    base = evaluate(make_scenario(base=DECIDED.parent / "whatif-fou-7000.yaml"))
    feedback = evaluate(
        make_scenario(
            "fou.bas_alf.elasticity=0.3", base=DECIDED.parent / "whatif-fou-7000.yaml"
        )
    )
    assert feedback.fou.bas_alf_premium_mkr[2028] == pytest.approx(0.0)
    assert feedback.fou.bas_alf_premium_mkr[2029] == pytest.approx(0.3 * 2000 / 1000)
    gain = feedback.income["result"][2029] - base.income["result"][2029]
    assert gain == pytest.approx(0.6)


def test_fou_command_json_contract():
    result = CliRunner().invoke(main, ["fou", str(DECIDED), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert set(doc["benchmarks"]) == set(BENCHMARKS)
    first = doc["levels"][0]
    assert {"fou_tkr", "feasible", "extra_savings", "per_100k", "grants"} <= set(first)
    assert "within_savings_limit" in first and "max_fou_tkr" in doc
    assert set(first["grants"]) == {"phd_parttime", "postdoc_parttime", "project_funds"}


def test_fou_command_terminal_and_markdown(tmp_path):
    result = CliRunner().invoke(main, ["fou", str(DECIDED)])
    assert result.exit_code == 0
    assert "FoU-medel" in result.output and "Norrbotten" in result.output
    out = tmp_path / "fou.md"
    assert (
        CliRunner()
        .invoke(main, ["fou", str(DECIDED), "--format", "md", "-o", str(out)])
        .exit_code
        == 0
    )
    assert "| 7 000 |" in out.read_text()
