"""Every scenario key says once what it means: unit, Swedish and English text, keys.

The schema reference, the Excel template and its import read these declarations
(`balans.scenario.meta`); a new numeric key without a unit or a description
fails here, and no code may guess a unit from a key's name instead.
"""

from __future__ import annotations

import io
import re
from typing import get_args, get_origin

import openpyxl
import pytest
from pydantic import BaseModel

from balans.excel_input import write_template
from balans.model.registry import KEY_FIGURES, LP_RULES
from balans.scenario.meta import (
    field_at,
    is_numeric,
    is_section,
    meta_at,
    meta_of,
    unit_at,
    unwrap,
)
from balans.scenario.schema import Scenario
from balans.schema_doc import _sections
from balans.testing import DECIDED, REPO_ROOT
from balans.units import UNIT_NAMES


def schema_fields(model: type[BaseModel] = Scenario, path: str = ""):
    """(dotted path, FieldInfo) of every field of the schema, nested ones too."""
    for name, info in model.model_fields.items():
        key = f"{path}.{name}" if path else name
        yield key, info
        inner = unwrap(info.annotation)
        while get_origin(inner) in (dict, list):
            inner = unwrap(get_args(inner)[-1])
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            yield from schema_fields(inner, key)


FIELDS = list(schema_fields())
LEAVES = [(key, info) for key, info in FIELDS if not is_section(info.annotation)]
NUMERIC = [(key, info) for key, info in LEAVES if is_numeric(info.annotation)]


def test_the_schema_has_numeric_keys_to_check():
    assert len(NUMERIC) > 100
    assert "budget.operating_costs" in dict(NUMERIC)
    assert "rules.debt_ratio.enabled" not in dict(NUMERIC)  # a switch, no unit


def test_every_numeric_key_declares_its_unit():
    missing = [key for key, info in NUMERIC if not meta_of(info).unit]
    assert not missing, f"numeric keys without a declared unit: {missing}"


def test_every_key_has_an_english_and_a_swedish_description():
    meta = {key: meta_of(info) for key, info in LEAVES}
    no_en = [key for key, m in meta.items() if not m.description]
    no_sv = [key for key, m in meta.items() if not m.sv]
    assert not no_en, f"keys without description=: {no_en}"
    assert not no_sv, f"keys without sv=: {no_sv}"


def test_text_and_switches_declare_no_unit():
    wrong = [
        key
        for key, info in LEAVES
        if not is_numeric(info.annotation) and meta_of(info).unit
    ]
    assert not wrong


def test_every_mapping_by_name_says_what_its_keys_are():
    """A mapping not keyed by year names its keys (`<committee>`) in the reference."""
    missing = []
    for key, info in FIELDS:
        inner = unwrap(info.annotation)
        if get_origin(inner) is dict and unwrap(get_args(inner)[0]) is not int:
            if not meta_of(info).keys:
                missing.append(key)
    assert not missing


@pytest.mark.parametrize(
    ("path", "unit"),
    [
        ("budget.operating_costs", "Mkr"),
        ("budget.fou_tkr", "tkr"),
        ("rules.restoration.vintages.0.amount", "Mkr"),
        ("rules.restoration.vintages.1.deadline", "year"),
        ("fou.benchmarks.Norrbotten", "tkr per 100 000 inhabitants"),
        ("budget.committees.RS", "Mkr"),  # a table row: the unit its numbers share
        ("levers.tax_rate.max_increase_ore", "öre"),
        ("rules.fou_per_inhabitant.penalty", "per tkr of slack"),
        ("rules.debt_ratio.numerator", ""),
        ("no.such.key", ""),
    ],
)
def test_the_unit_at_a_key_path_is_its_fields(path, unit):
    assert unit_at(path) == unit


def test_a_path_inside_a_mapping_or_list_finds_its_field():
    assert field_at("rules.committee_frames.frames.RS") is not None
    assert meta_at("rules.committee_frames.frames.RS").keys == "<committee>"
    assert field_at("budget.operating_costs.2027") is not None
    assert field_at("budget.no_such_line") is None


def test_the_schema_reference_shows_every_numbers_unit_and_description():
    rows = {
        re.sub(r"\.<[^>]+>|\[\]", "", row.path): row
        for section in _sections(Scenario, "")
        for row in section.rows
    }
    assert set(rows) == {key for key, _ in FIELDS}
    for key, _ in NUMERIC:
        assert rows[key].unit and rows[key].description, key
    assert all(row.description for row in rows.values())


@pytest.fixture(scope="module", params=["sv", "en"])
def template_rows(request):
    """(key, description, unit, first value) of every row of the template."""
    lang = request.param
    book = openpyxl.load_workbook(io.BytesIO(write_template(DECIDED, "t.xlsx", lang)))
    header = {"sv": "Nyckel", "en": "Key"}[lang]
    rows = []
    for sheet in book:
        keyed = False
        for row in sheet.iter_rows(values_only=True):
            if row[0] == header:
                keyed = True
            elif keyed and row[0]:
                rows.append((str(row[0]).removesuffix("[]"), *row[1:4]))
            else:
                keyed = False
    return lang, rows


def test_every_numeric_template_row_shows_its_unit_and_a_description(template_rows):
    lang, rows = template_rows
    numbers = [
        r for r in rows if isinstance(r[3], int | float) and not isinstance(r[3], bool)
    ]
    assert len(numbers) > 100
    for key, description, unit, _ in numbers:
        declared = unit_at(key)
        assert declared, key
        assert unit == UNIT_NAMES[declared][0 if lang == "sv" else 1], key
        assert description, key


def test_the_swedish_template_describes_keys_in_swedish(template_rows):
    lang, rows = template_rows
    described = {key: description for key, description, *_ in rows}
    if lang == "sv":
        assert described["levers.max_new_borrowing"] == "Högsta nyupplåning per år."
        assert described["rules.debt_ratio.limit_pct"].startswith(
            "Skuldsättningstak: tak för skuld"
        )
    else:
        assert described["levers.max_new_borrowing"].startswith("Upper bound")


def test_every_rule_and_key_figure_declares_unit_and_labels():
    for entry in (*LP_RULES, *KEY_FIGURES):
        assert entry.unit in UNIT_NAMES, entry.key
        assert entry.sv_label and entry.en_label, entry.key
    assert all(figure.description for figure in KEY_FIGURES)


# Suffix tests on key names: how units used to be guessed (`*_pct` -> %).
GUESSES = re.compile(
    r"""endswith\(\(?\s*["']_?(pct|tkr|years?|deadline)["']"""
    r"""|["']_(pct|tkr)\.?["']\s+in\s"""
)


def test_no_code_guesses_a_unit_from_a_key_name():
    sources = sorted((REPO_ROOT / "src" / "balans").rglob("*.py"))
    found = [
        f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()}"
        for path in sources
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if GUESSES.search(line)
    ]
    assert not found, "units are declared on the schema, not guessed:\n" + "\n".join(
        found
    )
    for path in sources:
        text = path.read_text("utf-8")
        assert "FALLBACK_DESCRIPTIONS" not in text, path


def test_the_guess_detector_catches_the_old_guesses():
    assert GUESSES.search('if last.endswith("_pct") or ".limit_pct" in path:')
    assert GUESSES.search('if last.endswith(("year", "years", "deadline")):')
    assert GUESSES.search('    if name.endswith("_tkr"):')
    assert not GUESSES.search('if not output.lower().endswith(".xlsx"):')
