# Huddle developer commands. `make help` lists them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

# Translation catalogs: locale/<ll_CC>/LC_MESSAGES/huddle.po (in git) -> huddle.mo (built, ignored).
# The package build compiles them too (setup.py); these rules serve the editable checkout.
PYBABEL := $(BIN)/pybabel
CATALOGS := $(wildcard locale/*/LC_MESSAGES/huddle.po)
COMPILED := $(CATALOGS:.po=.mo)
EXTRACT_OPTS := -F babel.cfg --no-wrap --sort-by-file --add-location=file --project=Huddle --version=0.1.0 \
	--copyright-holder="Huddle contributors" --msgid-bugs-address=""

locale/%/LC_MESSAGES/huddle.mo: locale/%/LC_MESSAGES/huddle.po $(STAMP)
	$(PYBABEL) compile --domain=huddle --directory=locale --locale=$* --statistics

# Mozilla's ical.js, the third independent iCalendar parser the calendar tests compare against;
# installed when npm is there (the tests that need it skip with a reason otherwise).
ICALJS := .cache/icaljs
$(ICALJS)/.installed:
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --silent --no-audit --no-fund --prefix $(ICALJS) ical.js@2.2.1 && touch $@; \
	else echo "npm not found: the ical.js cross-checks will skip"; fi

# vdirsyncer, the sync client the CalDAV tests check Huddle's pushes from, in a venv of its own (its
# click/aiohttp pins are not ours); pinned by constraints-vdirsyncer.txt. Its tests skip without it.
VDIRSYNCER := .cache/vdirsyncer
$(VDIRSYNCER)/.installed: constraints-vdirsyncer.txt
	@if $(PYTHON) -m venv $(VDIRSYNCER) && $(VDIRSYNCER)/bin/pip install --quiet -c constraints-vdirsyncer.txt vdirsyncer==0.21.0; then \
	  touch $@; else echo "vdirsyncer could not be installed: the vdirsyncer tests will skip"; fi

.PHONY: help venv i18n run demo test vdirsyncer check lint format types imports bench snapshots-update clean

help:  ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

venv: $(STAMP) $(COMPILED)  ## Create .venv with pinned dependencies (and compile the catalogs)

i18n: $(STAMP)  ## Translators: extract the strings, update every locale/*.po, compile them
	$(PYBABEL) extract $(EXTRACT_OPTS) -o locale/huddle.pot .
	$(PYBABEL) update --domain=huddle --input-file=locale/huddle.pot --output-dir=locale --no-wrap --ignore-obsolete
	@# No creation date in the files: it would change on every run and make every branch's catalogs conflict.
	sed -i '/^"POT-Creation-Date: /d' locale/huddle.pot $(wildcard locale/*/LC_MESSAGES/huddle.po)
	$(PYBABEL) compile --domain=huddle --directory=locale --statistics

run: $(STAMP) $(COMPILED)  ## Open the TUI (fills a demo DB at .huddle/demo.json on first run)
	@mkdir -p .huddle
	@HUDDLE_DB=$${HUDDLE_DB:-.huddle/demo.json}; \
	  if [ ! -s "$$HUDDLE_DB" ]; then $(BIN)/huddle --db "$$HUDDLE_DB" demo; fi; \
	  $(BIN)/huddle --db "$$HUDDLE_DB"

test: $(STAMP) $(COMPILED) $(ICALJS)/.installed $(VDIRSYNCER)/.installed  ## Run the whole test suite
	ICALJS_DIR=$${ICALJS_DIR:-$(CURDIR)/$(ICALJS)} VDIRSYNCER_DIR=$${VDIRSYNCER_DIR:-$(CURDIR)/$(VDIRSYNCER)} $(BIN)/pytest

vdirsyncer: $(VDIRSYNCER)/.installed  ## Install vdirsyncer (for the CalDAV sync tests) into .cache/vdirsyncer

lint: $(STAMP)  ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)  ## Reformat the code
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

types: $(STAMP)  ## mypy --strict
	$(BIN)/mypy

imports: $(STAMP)  ## Layer contracts (import-linter)
	$(BIN)/lint-imports

check: lint types imports test  ## Lint, types, layer contracts and tests

bench: $(STAMP)  ## Measure the performance budgets of docs/budgets.md
	$(BIN)/python bench/run.py

snapshots-update: $(STAMP)  ## Re-record the SVG snapshots (read the report first)
	$(BIN)/pytest tests/snapshots --snapshot-update

clean:  ## Remove the venv and caches
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
