# Two commands do all set-up: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint install browser clean bench regen

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP) browser

# Debian's chromium for the report's browser test (tests/test_report_browser.py);
# installs it with apt-get where it is missing (as root, or with sudo).
browser:
	scripts/ensure-chromium

demo: $(STAMP)
	$(BIN)/balans evaluate scenarios/rjh-2026-decided.yaml
	$(BIN)/balans compare scenarios/rjh-2026-decided.yaml

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks docs/*.py
	$(BIN)/ruff format --check src tests benchmarks docs/*.py

# In parallel, one worker per core (pytest-xdist); tests that share an expensive
# module fixture carry one xdist_group and run on one worker (--dist loadgroup).
test: lint browser
	$(BIN)/python -m pytest -q -n auto --dist loadgroup

# Rebuild every generated file (docs pages and tables, the scenario reference,
# the kept --help text, the rules' LP snapshots, the report's screenshots) from
# the current code: balans.regen; tests/test_regen.py checks that each is current.
regen: $(STAMP) browser
	$(BIN)/python -m balans.regen

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/sweep.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .hypothesis
