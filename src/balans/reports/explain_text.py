"""Explanations and diagnoses in words: Swedish (default) or English.

`balans explain` (what each binding rule and lever costs) and `balans
diagnose` (the irreducible set of rules that cannot hold together), as
Sections for the terminal and Markdown, and as JSON documents.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from balans.diagnose import ConflictMember, ScenarioDiagnosis
from balans.explain import Explanation, LeverPrice, RulePrice
from balans.reports.labels import TARGETS, Naming, label, number, word
from balans.reports.sections import Section, diagnosis_section, where

# What the objective is, as the subject of "... ökar/minskar X med", and its unit.
OBJECTIVE_NOUNS: dict[str, tuple[str, str, str]] = {
    "min-savings": ("den sammanlagda besparingen", "the total savings", "Mkr"),
    "min-burden": (
        "den ackumulerade besparingsbördan",
        "the accumulated savings burden",
        "Mkr",
    ),
    "fair-share": (
        "den största besparingsandelen",
        "the largest savings share",
        "procentenheter",
    ),
    "closest-to-decided": (
        "avvikelsen från den beslutade planen",
        "the deviation from the decided plan",
        "Mkr",
    ),
    "max-margin": ("säkerhetsmarginalen", "the safety margin", "Mkr"),
    "max-fou": ("den lägsta FoU-nivån", "the lowest FoU level", "tkr"),
}

UNIT_STEP = {
    "Mkr": ("1 Mkr", "1 Mkr"),
    "tkr": ("1 tkr", "1 tkr"),
    "%": ("1 procentenhet", "1 percentage point"),
    "öre": ("1 öre", "1 öre"),
}

LEVER_NAMES = {
    "savings": ("Besparing", "Savings"),
    "fou_tkr": ("FoU-nivå", "FoU level"),
    "new_debt": ("Nyupplåning", "New borrowing"),
    "repayment": ("Amortering", "Repayment"),
    "pension_purchase": ("Köp till pensionsportföljen", "Pension portfolio purchase"),
    "investment": ("Nettoinvestering", "Net investment"),
    "tax_increase_ore": ("Höjd utdebitering", "Tax-rate increase"),
}

OVERRIDE_REASONS = {
    "no_key": ("(härledd gräns)", "(derived limit)"),
    "shared": ("(nyckeln sätter fler)", "(key sets more)"),
    "not_moving": ("(annan gräns strängare)", "(another limit stricter)"),
}
OVERRIDE_NOTE = (
    "--set: nyckeln som sätter just denna gräns; (härledd gräns): ingen nyckel sätter "
    "den; (nyckeln sätter fler): nyckeln flyttar fler gränser än denna; (annan gräns "
    "strängare): nyckeln flyttar inte gränsen, en annan är strängare.",
    "--set: the key that sets exactly this limit; (derived limit): no key sets it; "
    "(key sets more): the key moves more limits than this one; (another limit "
    "stricter): the key does not move this limit, another is stricter.",
)

PRIORITY_NAMES = {
    "law": ("lagkrav", "law"),
    "council": ("fullmäktiges mål", "council targets"),
}

EXPLAIN_WORDS = {
    "explain_title": ("Vad reglerna kostar", "What the rules cost"),
    "explain_rules": ("Regler som binder", "Binding rules"),
    "explain_levers": ("Styrmedel vid sin gräns", "Levers at a bound"),
    "explain_notes": ("Så läses priserna", "How to read the prices"),
    "rule": ("Regel", "Rule"),
    "year": ("År", "Year"),
    "limit": ("Gräns", "Limit"),
    "price": ("Skuggpris", "Shadow price"),
    "range": ("Gäller för", "Holds for"),
    "breach": ("Brott", "Breach"),
    "override": ("--set", "--set"),
    "lever": ("Styrmedel", "Lever"),
    "value": ("Värde", "Value"),
    "bound": ("Gräns", "Bound"),
    "cost": ("Kostnad per enhet", "Cost per unit"),
    "lower": ("nedre", "lower"),
    "upper": ("övre", "upper"),
    "conflict": (
        "Regler som inte kan hållas samtidigt",
        "Rules that cannot hold together",
    ),
    "identities": (
        "Bokföringssamband i konflikten",
        "Accounting identities in the conflict",
    ),
    "bounds": ("Låsta eller begränsade värden", "Fixed or bounded values"),
    "kind": ("Slag", "Kind"),
    "name": ("Namn i modellen", "Name in the model"),
}


def _w(key: str, lang: str) -> str:
    return label(EXPLAIN_WORDS, key, lang)


def _place(committee: str | None, month: int | None, naming: Naming, lang: str) -> str:
    return where(naming.committee(committee, lang) or None, month, lang)


def rule_sentence(row: RulePrice, e: Explanation, naming: Naming, lang: str) -> str:
    """'1 Mkr högre lånetak 2027 minskar den ackumulerade besparingsbördan med 0,96 Mkr'."""
    sv, en, unit = OBJECTIVE_NOUNS.get(e.objective_name, ("målet", "the objective", ""))
    if lang != "sv" and unit == "procentenheter":
        unit = "percentage points"
    step = label(UNIT_STEP, row.unit, lang)
    rule = label(TARGETS, row.rule, lang)
    rule = rule[0].lower() + rule[1:] if not rule[:2].isupper() else rule
    place = _place(row.committee, row.month, naming, lang)
    subject = f"{step} {'högre' if lang == 'sv' else 'higher'} {rule} {row.year}"
    subject += f" {place}" if place else ""
    rises = row.shadow_price > 0
    if lang == "sv":
        verb = "ökar" if rises else "minskar"
        text = (
            f"{subject} {verb} {sv} med {number(abs(row.shadow_price), lang, 2)} {unit}"
        )
    else:
        verb = "raises" if rises else "lowers"
        text = (
            f"{subject} {verb} {en} by {number(abs(row.shadow_price), lang, 2)} {unit}"
        )
    low, high = row.range_low, row.range_high
    if lang == "sv":
        text += f" (gäller för gränsen {_between(low, high, lang)} {row.unit})"
    else:
        text += f" (holds for limits {_between(low, high, lang)} {row.unit})"
    return text.strip()


def replanned_sentence(
    row: RulePrice, e: Explanation, naming: Naming, lang: str
) -> str | None:
    """What a re-solve (as with --set) gives when the earlier stages re-optimise too."""
    if row.replanned_price is None:
        return None
    moved = {k: v for k, v in row.least_breach_change.items() if v != 0.0}
    if not moved and abs(row.replanned_price - row.shadow_price) < 1e-9:
        return None
    sv, en, unit = OBJECTIVE_NOUNS.get(e.objective_name, ("målet", "the objective", ""))
    if lang != "sv" and unit == "procentenheter":
        unit = "percentage points"
    changes = ", ".join(
        _breach_change(level, change, e, lang) for level, change in moved.items()
    )
    price = number(row.replanned_price, lang, 3)
    if lang == "sv":
        text = f"    omplanerat (som med --set): {sv} ändras med {price} {unit}"
        if changes:
            text += f"; minsta avsteg ändras: {changes}"
    else:
        text = f"    re-planned (as with --set): {en} changes by {price} {unit}"
        if changes:
            text += f"; least breach changes: {changes}"
    return text


def _breach_change(level: str, change: float, e: Explanation, lang: str) -> str:
    """A stage's least breach change, in Mkr where its rules share one penalty."""
    name = label(PRIORITY_NAMES, level, lang)
    penalty = e.stage_penalty.get(level)
    if penalty:
        return f"{name} {number(change / penalty, lang, 3)} Mkr"
    weighted = "viktat" if lang == "sv" else "weighted"
    return f"{name} {number(change, lang, 1)} ({weighted})"


def _between(low: float | None, high: float | None, lang: str) -> str:
    dash = "–"
    low_text = number(low, lang, 2) if low is not None else "−∞"
    high_text = number(high, lang, 2) if high is not None else "∞"
    return f"{low_text} {dash} {high_text}"


def lever_sentence(row: LeverPrice, e: Explanation, naming: Naming, lang: str) -> str:
    """'Besparing 2028 HSN vid nedre gräns 0,0: 1 Mkr mer ökar ... med 0,50 Mkr'."""
    sv, en, unit = OBJECTIVE_NOUNS.get(e.objective_name, ("målet", "the objective", ""))
    name = label(LEVER_NAMES, row.lever, lang)
    place = _place(row.committee, row.month, naming, lang)
    step = label(UNIT_STEP, row.unit, lang)
    more = row.bound == "lower"
    if lang == "sv":
        move = f"{step} {'mer' if more else 'mindre'}"
        verb = "ökar" if row.cost > 0 else "minskar"
        return (
            f"{name} {row.year}{' ' + place if place else ''} vid "
            f"{_w(row.bound, lang)} gräns {number(row.value, lang)} {row.unit}: {move} "
            f"{verb} {sv} med {number(abs(row.cost), lang, 4)} {unit}"
        )
    move = f"{step} {'more' if more else 'less'}"
    verb = "raises" if row.cost > 0 else "lowers"
    return (
        f"{name} {row.year}{' ' + place if place else ''} at its {row.bound} bound "
        f"{number(row.value, lang)} {row.unit}: {move} {verb} {en} by "
        f"{number(abs(row.cost), lang, 4)} {unit}"
    )


def explanation_notes(e: Explanation, lang: str) -> list[str]:
    """How to read the prices: objective, closest plan, MILP, what is left out."""
    sv, en, unit = OBJECTIVE_NOUNS.get(e.objective_name, ("målet", "the objective", ""))
    noun = sv if lang == "sv" else en
    notes = []
    if lang == "sv":
        notes.append(
            f"Mål: {e.objective_name}; {noun} är {number(e.objective, lang)} {unit}. "
            "Priserna gäller detta mål utan utjämnings- och särskiljningstermer."
        )
        if e.closest_plan:
            stages = ", ".join(
                f"{label(PRIORITY_NAMES, s.priority, lang)} "
                f"{number(s.weighted_breach, lang)}"
                for s in e.stages
            )
            notes.append(
                "Alla mål kan inte hållas: planen är den närmaste efter prioritet "
                f"(minsta viktade avsteg: {stages}). Priserna gäller med de tidigare "
                "stegens minsta avsteg hållna på dessa nivåer; ett mål som bryts "
                "(kolumnen Brott) prissätts som hur mycket mer eller mindre det "
                "kostar när dess gräns flyttas och avstegen hålls. Raden "
                "'omplanerat' under ett pris säger vad en ny lösning med gränsen "
                "flyttad (som med --set) ger, när även avstegen räknas om: ofta "
                "krymper då avsteget i stället för att bördan ändras."
            )
        if e.integers_fixed:
            notes.append(
                "FoU väljs bland fasta nivåer (heltalsproblem): priserna är LP-problemets "
                "med de valda nivåerna låsta."
            )
        notes.append(
            "Ett pris gäller så länge gränsen stannar inom intervallet; utanför byter "
            "planen hörn och priset kan ändras."
        )
    else:
        notes.append(
            f"Objective: {e.objective_name}; {noun} is {number(e.objective, lang)} "
            f"{unit}. Prices are for this objective without smoothing and tie-break "
            "terms."
        )
        if e.closest_plan:
            stages = ", ".join(
                f"{label(PRIORITY_NAMES, s.priority, lang)} "
                f"{number(s.weighted_breach, lang)}"
                for s in e.stages
            )
            notes.append(
                "Not every target can hold: the plan is the closest by priority (least "
                f"weighted breaches: {stages}). Prices hold with the earlier stages' "
                "least breaches kept at these levels; a breached target (column "
                "Breach) is priced as what moving its limit costs with the breaches "
                "held. The line 're-planned' under a price says what a new solve "
                "with the limit moved (as with --set) gives when the breaches are "
                "re-optimised too: often the breach shrinks instead."
            )
        if e.integers_fixed:
            notes.append(
                "FoU is chosen among fixed levels (a MILP): the prices are those of the "
                "LP with the chosen levels fixed."
            )
        notes.append(
            "A price holds while the limit stays within its range; beyond it the plan "
            "changes vertex and the price may change."
        )
    return notes


def explanation_sections(e: Explanation, lang: str, naming: Naming) -> list[Section]:
    """The explanation as report sections."""
    if e.status != "optimal":
        text = (
            "Ingen plan håller alla regler: se `balans diagnose`."
            if lang == "sv"
            else "No plan keeps every rule: see `balans diagnose`."
        )
        return [Section(_w("explain_title", lang), notes=[text])]
    rules = Section(
        _w("explain_rules", lang),
        columns=[
            _w("rule", lang),
            _w("year", lang),
            word("where", lang),
            _w("limit", lang),
            _w("price", lang),
            _w("range", lang),
            _w("breach", lang),
            _w("override", lang),
        ],
    )
    for row in e.rules:
        rules.rows.append(
            [
                label(TARGETS, row.rule, lang),
                str(row.year),
                _place(row.committee, row.month, naming, lang),
                f"{number(row.limit, lang)} {row.unit}",
                number(row.shadow_price, lang, 3),
                _between(row.range_low, row.range_high, lang),
                number(row.breach, lang) if row.breach > 1e-6 else "",
                row.override
                or label(OVERRIDE_REASONS, row.override_reason or "", lang),
            ]
        )
    rules.notes = []
    for row in e.priced_rules():
        rules.notes.append(rule_sentence(row, e, naming, lang))
        replanned = replanned_sentence(row, e, naming, lang)
        if replanned:
            rules.notes.append(replanned)
    rules.notes.append(OVERRIDE_NOTE[0] if lang == "sv" else OVERRIDE_NOTE[1])
    free = len(e.rules) - len(e.priced_rules())
    if free:
        rules.notes.append(
            f"{free} regel/regler ligger på sin gräns utan att kosta något (pris 0)."
            if lang == "sv"
            else f"{free} rules sit at their limit at no cost (price 0)."
        )
    levers = Section(
        _w("explain_levers", lang),
        notes=[lever_sentence(row, e, naming, lang) for row in e.priced_levers()]
        or [word("none", lang)],
    )
    notes = Section(_w("explain_notes", lang), notes=explanation_notes(e, lang))
    return [notes, rules, levers]


def explanation_to_dict(e: Explanation) -> dict[str, Any]:
    """The JSON document of `balans explain` (rules: the documented row contract)."""
    return {
        "schema_version": 1,
        "scenario": e.scenario,
        "title": e.title,
        "status": e.status,
        "objective_name": e.objective_name,
        "objective": e.objective,
        "problem_type": e.problem_type,
        "integers_fixed": e.integers_fixed,
        "closest_plan": e.closest_plan,
        "stages_held": [asdict(stage) for stage in e.stages],
        "stage_penalty": e.stage_penalty,
        "rules": [row.contract() for row in e.rules],
        "breaches": [
            {
                "rule": r.rule,
                "year": r.year,
                "month": r.month,
                "committee": r.committee,
                "breach": r.breach,
                "unit": r.unit,
            }
            for r in e.rules
            if r.breach > 1e-6
        ],
        "replanned": [
            {
                "rule": r.rule,
                "year": r.year,
                "month": r.month,
                "committee": r.committee,
                "replanned_price": r.replanned_price,
                "least_breach_change": r.least_breach_change,
            }
            for r in e.rules
            if r.replanned_price is not None
        ],
        "override_reasons": {
            f"{r.rule}[{_index_text(r)}]": r.override_reason
            for r in e.rules
            if r.override is None
        },
        "levers": [asdict(lever) for lever in e.levers],
        "applied_overrides": e.applied_overrides,
    }


def _index_text(row: RulePrice) -> str:
    parts = [str(row.year)]
    if row.committee:
        parts.append(row.committee)
    if row.month is not None:
        parts.append(str(row.month))
    return ",".join(parts)


IDENTITY_NAMES = {
    "annual_flow_definition": ("årets kassaflöde per rad", "annual cash flow by line"),
    "own_funds_definition": ("egna likvida medel per månad", "own funds by month"),
    "cash_balance": ("kassans förändring", "cash roll-forward"),
    "loan_balance": ("lånens förändring", "loan roll-forward"),
    "result_definition": ("årets resultat", "result of the year"),
    "minimum_repayment": ("minsta amortering", "minimum repayment"),
    "investment_total": ("investeringsramen", "investment frame"),
    "account_not_overdrawn": ("kontot övertrasseras inte", "account not overdrawn"),
}


def conflict_sections(d: ScenarioDiagnosis, lang: str, naming: Naming) -> list[Section]:
    """`balans diagnose`: feasible, or the conflict and the least relaxations."""
    if d.feasible:
        text = (
            "Scenariot har en plan som håller alla regler: inget att diagnostisera."
            if lang == "sv"
            else "The scenario has a plan that keeps every rule: nothing to diagnose."
        )
        return [Section(word("diagnosis", lang), notes=[text])]
    conflict = Section(
        _w("conflict", lang),
        columns=[
            _w("rule", lang),
            _w("year", lang),
            word("where", lang),
            _w("limit", lang),
        ],
    )
    for member in d.conflicting_rules():
        conflict.rows.append(
            [
                label(TARGETS, member.rule or "", lang),
                str(member.year),
                _place(member.committee, member.month, naming, lang),
                number(member.limit, lang),
            ]
        )
    conflict.notes = [
        "Mängden är irreducibel: släpps en av reglerna kan resten hållas samtidigt."
        if lang == "sv"
        else "The set is irreducible: drop any one of these rules and the rest can hold."
    ]
    identities = Section(
        _w("identities", lang),
        notes=[_member_text(m, lang) for m in d.conflict if m.kind == "identity"]
        or [word("none", lang)],
    )
    bounds = Section(
        _w("bounds", lang),
        notes=[_member_text(m, lang) for m in d.conflict if m.kind == "bound"]
        or [word("none", lang)],
    )
    sections = [conflict, identities, bounds]
    if d.diagnosis is not None:
        sections.append(diagnosis_section(d.diagnosis, lang, naming))
    return sections


def _member_text(member: ConflictMember, lang: str) -> str:
    base = member.name.split("[")[0]
    described = label(IDENTITY_NAMES, base, lang)
    if member.kind == "bound":
        side = (
            _w(member.bound, lang)
            if member.bound in ("lower", "upper")
            else member.bound
        )
        limit = number(member.limit, lang) if member.limit is not None else ""
        return f"{member.name}: {side} {'gräns' if lang == 'sv' else 'bound'} {limit}"
    return f"{member.name}" + (f" ({described})" if described != base else "")


def conflict_to_dict(d: ScenarioDiagnosis) -> dict[str, Any]:
    """The JSON document of `balans diagnose`."""
    return {
        "schema_version": 1,
        "scenario": d.scenario,
        "title": d.title,
        "status": "feasible" if d.feasible else "infeasible",
        "conflict": [asdict(member) for member in d.conflict],
        "relaxations": (
            [asdict(row) for row in d.diagnosis.relaxations] if d.diagnosis else []
        ),
        "alone": [asdict(row) for row in d.diagnosis.alone] if d.diagnosis else [],
    }


def conflict_frame(d: ScenarioDiagnosis):
    """One row per IIS member (CSV)."""
    import pandas as pd

    columns = ["kind", "name", "rule", "year", "committee", "month", "bound", "limit"]
    frame = pd.DataFrame([asdict(member) for member in d.conflict], columns=columns)
    for name in ("year", "month"):
        frame[name] = pd.to_numeric(frame[name]).astype("Int64")
    return frame
