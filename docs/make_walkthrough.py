"""docs/walkthrough.md, made by running the commands it shows (`make regen`).

Every output block is the real terminal report (`--format table`, Swedish) of the
command above it, run in this process as the `balans` command runs it; long
sections are cut to the rows the reading needs, with a marker saying how many
lines were left out. The readings between the blocks take their numbers from the
same runs' `--format json`, so they move with the output. `make regen` rewrites
the page (balans.regen); tests/test_regen.py checks that it is current.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from pathlib import Path

from balans.model.registry import REGISTRY


def _lower_first(text: str) -> str:
    """'Loan ceiling' -> 'loan ceiling' inside a sentence; 'FoU ...' stays."""
    return text[0].lower() + text[1:] if text[1:2].islower() else text


ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "walkthrough.md"
DECIDED = "scenarios/rjh-2026-decided.yaml"
STRICT = "scenarios/whatif-strict-loans.yaml"
OVERRIDE = "assumptions.interest_rate_pct.2027=4.5"

# Rule ids of the JSON contract -> the Swedish label the table shows, and English,
# from the registry (the one place a rule's labels live).
RULES = {
    key: (entry.sv_label, _lower_first(entry.en_label))
    for key, entry in REGISTRY.items()
    if entry.kind == "rule"
}
MONTHS = "jan feb mar apr maj jun jul aug sep okt nov dec".split()

# How each section of a report is shown, by its (Swedish) title. Default: in full.
OMIT = ("omit",)


def rows(*labels: str) -> tuple[str, tuple[str, ...]]:
    """Keep the title, the column header and the rows starting with these labels."""
    return ("rows", labels)


def drop(*labels: str) -> tuple[str, tuple[str, ...]]:
    """Keep the section but leave out the rows starting with these labels."""
    return ("drop", labels)


def head(count: int) -> tuple[str, int]:
    """Keep the first `count` lines of the section (title and header included)."""
    return ("head", count)


BALANCE_ROWS = rows(
    "Kassa och bank", "Summa eget kapital", "Långfristiga skulder", "varav lån"
)
KEY_FIGURES = (
    "FoU per invånare",
    "Soliditet",
    "Kassalikviditet",
    "Nettokostnadsutveckling",
    "Bruttokostnadsutveckling",
)
EVALUATE_VIEW = {
    "Balansbudget": BALANCE_ROWS,
    "Nämnder: nettoram och besparing": head(11),
}
SOLVE_VIEW = {
    "Balansbudget": BALANCE_ROWS,
    "Nämnder: nettoram och besparing": head(11),
    "Lån och skuldsättning": OMIT,
    "Målvärden": drop(*KEY_FIGURES),
    "Fynd i underlaget": OMIT,
}
COMPARE_VIEW = {"Målvärden: EJ uppfyllt": head(12), "Fynd i underlaget": OMIT}
STRICT_VIEW: dict[str, tuple] = {}
OVERRIDE_VIEW = {
    title: OMIT
    for title in (
        "Balansbudget",
        "Finansieringsbudget",
        "Nämnder: nettoram och besparing",
        "Likviditet per månad (Mkr)",
        "Lån och skuldsättning",
        "Målvärden",
        "Fynd i underlaget",
    )
}


@dataclass(frozen=True)
class Run:
    """One command and what it printed."""

    args: tuple[str, ...]
    stdout: str
    stderr: str
    code: int


def balans(*args: str) -> Run:
    """Run a `balans` command in this process, from the project root."""
    from click.testing import CliRunner

    from balans.cli import main

    with contextlib.chdir(ROOT):
        done = CliRunner().invoke(main, list(args), prog_name="balans")
    if done.exit_code not in (0, 2):
        command = " ".join(args)
        raise RuntimeError(
            f"balans {command} failed ({done.exit_code}):\n{done.stderr}"
        ) from done.exception
    return Run(args, done.stdout, done.stderr, done.exit_code)


def data(*args: str) -> dict:
    """Return the JSON document of a command."""
    return json.loads(balans(*args, "--format", "json").stdout)


def cut(lines: list[str], kept: list[str], what: str) -> str:
    """Join the kept lines and a marker saying how many were left out."""
    left_out = len(lines) - len(kept)
    marker = [f"[... {left_out} {what} omitted here ...]"] if left_out else []
    return "\n".join(kept + marker)


def trim(text: str, view: dict[str, tuple]) -> str:
    """Cut a terminal report's sections as `view` says, marking every cut."""
    shown = []
    for section in text.strip("\n").split("\n\n"):
        lines = section.splitlines()
        how = view.get(lines[0])
        if how is None:
            shown.append(section)
        elif how[0] == "omit":
            shown.append(cut(lines, lines[:1], "lines"))
        elif how[0] == "rows":
            kept = lines[:2] + [line for line in lines[2:] if line.startswith(how[1])]
            shown.append(cut(lines, kept, "other rows"))
        elif how[0] == "drop":
            kept = [line for line in lines if not line.startswith(how[1])]
            shown.append(cut(lines, kept, "rows of key figures and switched-off rules"))
        elif how[0] == "head":
            shown.append(cut(lines, lines[: how[1]], "more lines"))
    return "\n\n".join(shown)


def block(run: Run, view: dict[str, tuple]) -> str:
    """Return a fenced block: the command, its trimmed report and any stderr line."""
    body = trim(run.stdout, view)
    if run.stderr.strip():
        body += "\n" + run.stderr.strip()
    return f"```text\n$ balans {' '.join(run.args)}\n{body}\n```"


def mkr(value: float) -> str:
    """Format Mkr with one decimal, English style."""
    return f"{value:,.1f}"


def rule_name(row: dict) -> str:
    """Name a rule as the table does, with its English name."""
    key = row["rule"] if "rule" in row else row["id"]
    sv, en = RULES.get(key, (key, ""))
    return f"{sv} ({en})" if en else str(sv)


def place(row: dict) -> str:
    """Return ' RS' or ' dec' for a row about a committee or a month, else ''."""
    if row.get("committee"):
        return f" {row['committee']}"
    if row.get("month"):
        return f" {MONTHS[row['month'] - 1]}"
    return ""


def broken(plan: dict) -> list[dict]:
    """Return the rows of enforced rules the plan does not meet."""
    return [t for t in plan["targets"] if t["enforced"] and not t["met"]]


def grouped(rows: list[dict]) -> dict[str, list[dict]]:
    """Group target (or diagnosis) rows by rule, in report order."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row.get("rule") or row["id"], []).append(row)
    return groups


def broken_lines(plan: dict) -> str:
    """Return one bullet per broken rule: where, and the worst shortfall."""
    lines = []
    for rows_of_rule in grouped(broken(plan)).values():
        worst = min(rows_of_rule, key=lambda t: t["margin"])
        unit = worst["unit"]
        at = f"{worst['year']}{place(worst)}"
        if len(rows_of_rule) > 1:
            at = f"{len(rows_of_rule)} times, worst {at}"
        lines.append(
            f"  - {rule_name(worst)}: {at}, {mkr(worst['value'])} against a limit of "
            f"{mkr(worst['limit'])} {unit} ({mkr(-worst['margin'])} {unit} short)"
        )
    return "\n".join(lines) or "  - none"


def binding_lines(plan: dict) -> str:
    """Return one bullet per binding rule, with each binding row's shadow price."""
    lines = []
    for rows_of_rule in grouped([t for t in plan["targets"] if t["binding"]]).values():
        cells = ", ".join(
            f"{t['year']}{place(t)}"
            + (f" {t['shadow_price']:.3f}" if t["shadow_price"] is not None else "")
            for t in rows_of_rule
        )
        lines.append(f"  - {rule_name(rows_of_rule[0])}: {cells}")
    return "\n".join(lines) or "  - none"


def series(plan: dict, table: str, line: str) -> dict[str, float]:
    """Return one line of a statement (or of the restoration table) by year."""
    if table == "restoration":
        return plan[table][line]
    return plan["statements"][table][line]


def savings_by_year(plan: dict, measure: str = "savings") -> dict[str, float]:
    """Return the committees' savings summed per year."""
    years = [str(y) for y in plan["years"]]
    return {y: sum(c[measure][y] for c in plan["committees"].values()) for y in years}


def by_year(values: dict[str, float]) -> str:
    """Format `{year: Mkr}` as '2026: 1.0, 2027: 2.0'."""
    return ", ".join(f"{y}: {mkr(v)}" for y, v in values.items())


def difference(optimal: dict, decided: dict, table: str, line: str) -> dict[str, float]:
    """Return optimal minus decided for one line, by year."""
    left, right = series(decided, table, line), series(optimal, table, line)
    return {y: right[y] - left[y] for y in left}


def switched_off(plan: dict) -> str:
    """Return a sentence naming the rules the scenario switches off, if any."""
    off = {t["id"] for t in plan["targets"] if not t["enforced"] and t["id"] in RULES}
    if not off:
        return ""
    names = ", ".join(f"`{RULES[rule][0]}`" for rule in sorted(off))
    return (
        f" Switched off in this scenario, so only reported: {names} "
        "(`ej uppfyllt (avstängd)` where broken)."
    )


def intro() -> str:
    """Return the page's heading and introduction."""
    return f"""# Walkthrough

The three commands on the shipped scenario, the decided budget 2026-2030 of Region
Jämtland Härjedalen (`{DECIDED}`), then a scenario with no plan and one
`--set`. Every block below is real output of the command above it (the Swedish
terminal report; `--lang en` gives English). Long sections are cut to the rows the
reading needs; each cut says how many lines it left out. What the lines and rules
mean: [model.md](model.md); the report and its JSON: [results.md](results.md); the
findings: [findings.md](findings.md); Swedish terms: [glossary.md](glossary.md).

This page is generated: `make regen` reruns every command and rewrites it, so
refresh it whenever the output changes."""


def evaluate_part(decided: dict) -> str:
    """Return section 1: evaluate."""
    run = balans("evaluate", DECIDED)
    results = series(decided, "income", "result")
    closing = series(decided, "restoration", "closing")
    last = str(decided["years"][-1])
    implied = savings_by_year(decided, "decided_savings")
    return f"""## 1. `balans evaluate`: the decided plan and every målvärde

{block(run, EVALUATE_VIEW)}

What it says:

- Status `utvärderad` (evaluated): the levers are fixed at the decided values and
  the model only computes the statements; no rule is enforced, every rule is
  reported.
- The resultatbudget reproduces the published Tabell 2: årets resultat
  {by_year(results)} Mkr. The restoration table closes at {mkr(closing[last])} Mkr at
  the end of {last} (Tabell 3 prints 55).
- The decided plan breaks these målvärden (`EJ uppfyllt`):

{broken_lines(decided)}

- The likviditetsgolv applies at every month-end; the monthly table shows where the
  decided plan falls below it, with the months listed above the table.
- The savings in the committee table are the ones the decided operating costs imply
  against the cost pressure (LPIK plus volume, see
  [model.md](model.md#the-decided-levers)): {by_year(implied)} Mkr of new savings,
  {mkr(sum(implied.values()))} Mkr in all.
- Soliditet, kassalikviditet and cost growth are key figures: reported against their
  targets (`uppfyllt` / `EJ uppfyllt`), never enforced.{switched_off(decided)}
- The findings are what the documents say that does not add up
  ([findings.md](findings.md))."""


def solve_part(decided: dict, optimal: dict) -> str:
    """Return section 2: solve."""
    run = balans("solve", DECIDED)
    implied = sum(savings_by_year(decided, "decided_savings").values())
    loans = series(optimal, "balance", "loans")
    cash = series(optimal, "balance", "cash")
    first, last = str(optimal["years"][0]), str(optimal["years"][-1])
    breaches = optimal.get("breaches", [])
    facts = sorted({rule_name(b) for b in breaches if b["locked_year"]})
    conflicts = sorted({rule_name(b) for b in breaches if not b["locked_year"]})
    return f"""## 2. `balans solve`: the optimal plan under the same rules

{block(run, SOLVE_VIEW)}

What it says:

- The budget year {first} is locked at the decided values (`planning.locked_years`);
  the plan chooses {optimal["years"][1]}-{last}. The objective is
  `{optimal["objective_name"]}`: the least accumulated savings burden (a saving counts
  in every year it is carried), {mkr(optimal["objective"])} Mkr-years; see
  [recommendation.md](recommendation.md) for the other objectives.
- New savings per year: {by_year(savings_by_year(optimal))} Mkr,
  {mkr(sum(savings_by_year(optimal).values()))} Mkr in all against the
  {mkr(implied)} Mkr the decided plan implies.
- The documents' targets cannot all hold, so this is the closest plan by priority
  (the balanskrav, then the council's targets). It misses, as facts of the locked
  {first}: {", ".join(facts) or "nothing"}; and from {optimal["years"][1]}:
  {", ".join(conflicts) or "nothing"} (`breaches` in JSON, with the amounts).
- Year-end cash {by_year(cash)} Mkr; loans go from {mkr(loans[first])} Mkr at the end
  of {first} to {mkr(loans[last])} Mkr at the end of {last}.
- Rules that bind (`binder`), with the shadow price of each binding row: the
  objective gained per Mkr the rule is eased (see
  [results.md](results.md#shadow-prices)):

{binding_lines(optimal)}

- Rules indexed by committee or month show one row per year in the table: the
  committee or month with the least margin, and that row's shadow price.
  `--format json` or `csv` has every row. The loans section, the key figures and the
  findings (computed on the decided plan, as in `evaluate`) are left out here."""


def compare_part(decided: dict, optimal: dict) -> str:
    """Return section 3: compare."""
    run = balans("compare", DECIDED)
    costs = difference(optimal, decided, "income", "operating_costs")
    result = difference(optimal, decided, "income", "result")
    first = str(decided["years"][0])
    new_optimal, new_decided = savings_by_year(optimal), savings_by_year(decided)
    optimal_rows = {
        (o["id"], o["year"], o["committee"], o["month"]): o for o in optimal["targets"]
    }
    fixed = [
        t
        for t in broken(decided)
        if optimal_rows.get((t["id"], t["year"], t["committee"], t["month"]), {}).get(
            "met", False
        )
    ]
    return f"""## 3. `balans compare`: decided against optimal

{block(run, COMPARE_VIEW)}

What it says:

- `Skillnad` is always optimal minus decided. Operating costs (published sign, so
  positive is lower costs): {by_year(costs)} Mkr; the result: {by_year(result)} Mkr.
- New savings in all: {mkr(sum(new_optimal.values()))} Mkr optimal against
  {mkr(sum(new_decided.values()))} Mkr decided; in {first} the optimal plan saves
  {mkr(new_optimal[first])} Mkr against {mkr(new_decided[first])} Mkr.
- `Målvärden: EJ uppfyllt` lists every target row the decided plan does not meet
  (switched-off rules and key figures included), with the optimal plan's value beside
  it. Of the {len(broken(decided))} rows of enforced rules the decided plan breaks,
  the optimal plan meets {len(fixed)}.
- `--format json` gives both plans and a `differences` block (savings per committee
  and every statement line), see [results.md](results.md#compare)."""


def strict_part(plan: dict, decided: dict) -> str:
    """Return section 4: the infeasible strict-loans scenario."""
    run = balans("solve", STRICT)
    diagnosis = plan["diagnosis"] or {}
    relaxations = "\n".join(
        f"  - {rule_name(r)} {r['year']}{place(r)}: {mkr(r['amount_mkr'])} Mkr "
        f"(limit {mkr(r['limit'])})"
        for r in diagnosis.get("relaxations", [])
    )
    pressing = "; ".join(
        f"{rule_name(rs[0])} {', '.join(sorted({str(r['year']) for r in rs}))}"
        for rs in grouped(diagnosis.get("pressing", [])).values()
    )
    alone = "; ".join(
        f"{rule_name(a)} {mkr(a['amount_mkr'])} Mkr"
        for a in diagnosis.get("alone", [])
        if a["possible"]
    )
    return f"""## 4. No plan: `whatif-strict-loans.yaml`

Strict mode (`planning.strict: true`, or `--strict`): a plan must keep every target, so
instead of the closest plan the answer is "no plan" and why.

{block(run, STRICT_VIEW)}

What it says:

- No plan keeps every rule: exit code {run.code}, the report with its diagnosis on
  stdout, and one red line on stderr (the last line above).
- The decided plan itself breaks (`balans evaluate` on the same file):

{broken_lines(decided)}

- `Minsta avsteg som gör en plan möjlig`: the cheapest relaxation when every enabled
  rule may give at its penalty per Mkr (1000 by default, 5000 for the savings
  capacity in this scenario):

{relaxations or "  - none"}

- `Regler som avstegen trycker mot`: the rules held exactly at their limit in that
  relaxed plan, the ones the conflict is with: {pressing or "none"}.
- `Var regel för sig`: relaxing one rule family alone is enough for
  {alone or "none"}; the others cannot make a plan possible on their own."""


def override_part(optimal: dict, changed: dict) -> str:
    """Return section 5: one --set."""
    run = balans("solve", DECIDED, "--set", OVERRIDE)
    year = OVERRIDE.split("=")[0].rsplit(".", 1)[1]
    before = series(optimal, "income", "loan_interest")[year]
    after = series(changed, "income", "loan_interest")[year]
    return f"""## 5. One `--set`: a higher interest rate in 2027

`--set KEY.PATH=VALUE` changes one value of the merged scenario for this run only;
year keys are written as path parts ([scenarios.md](scenarios.md#--set)).

{block(run, OVERRIDE_VIEW)}

What it says:

- `Ändrade värden` lists the override as `key: old -> new`; the JSON report carries
  the same list as `applied_overrides`.
- Loan interest in {year} rises from {mkr(before)} to {mkr(after)} Mkr, and the least
  savings that keep every rule rise from {mkr(optimal["objective"])} to
  {mkr(changed["objective"])} Mkr."""


def render() -> str:
    """Run every command and return the page."""
    decided = data("evaluate", DECIDED)
    optimal = data("solve", DECIDED)
    parts = [
        intro(),
        evaluate_part(decided),
        solve_part(decided, optimal),
        compare_part(decided, optimal),
        strict_part(data("solve", STRICT), data("evaluate", STRICT)),
        override_part(optimal, data("solve", DECIDED, "--set", OVERRIDE)),
    ]
    return "\n\n".join(parts) + "\n"


def between(page: Path, begin: str, end: str, body: str) -> str:
    """The text of `page` with what stands between `begin` and `end` replaced."""
    before, rest = page.read_text(encoding="utf-8").split(begin, 1)
    _, after = rest.split(end, 1)
    return f"{before}{begin}\n{body}\n{end}{after}"
