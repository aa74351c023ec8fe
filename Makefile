# JSNA report series. The two commands: `make reports` and `make test` (`make test-fast` while editing).
# Everything installs itself into .venv from pinned requirements; only python3 is needed.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
JOBS   ?=
PLACES ?=
TOPICS ?=
TEST_REPORTS ?= build/test-rutland
TEST_WORKERS ?= 2

.PHONY: help venv data data-add reports validate test test-fast lint bench clean distclean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)  ## create .venv with the pinned dependencies

data: $(STAMP)  ## fill data/raw from the mirror or the official URLs, verify checksums (REFRESH=1: live Fingertips values)
	$(PY) -m jsna data $(if $(REFRESH),--refresh)

# A new release of a catalogued file: checked, summarised, copied into the mirror and data/raw, and its
# sha256, period and expect: values written into the catalogue (jsna.release). DRY_RUN=1 writes nothing.
data-add: $(STAMP)  ## take in a new release of a source: make data-add SOURCE=<id> FILE=<path> [DRY_RUN=1]
	@test -n "$(SOURCE)" && test -n "$(FILE)" || { echo "usage: make data-add SOURCE=<catalogue id> FILE=<new release> [DRY_RUN=1]" >&2; exit 2; }
	$(PY) -m jsna data add $(SOURCE) $(FILE) $(if $(DRY_RUN),--dry-run)

# The PDFs are printed by Chromium: installed here as for `make test` (scripts/ensure_chromium.sh); without
# it the HTML reports are complete and the build says how to get the PDFs.
reports: data  ## build the reports that are not up to date into reports/ (PLACES=, TOPICS=, JOBS=, FORCE=1; DRY_RUN=1 lists what is out of date and why)
	$(if $(DRY_RUN),,bash scripts/ensure_chromium.sh)
	$(PY) -m jsna build $(if $(PLACES),--place $(PLACES)) $(if $(TOPICS),--topic $(TOPICS)) $(if $(JOBS),--jobs $(JOBS)) $(if $(FORCE),--force) $(if $(DRY_RUN),--dry-run)
	@$(if $(DRY_RUN),true,echo "Open reports/index.html in a browser.")

# A reviewer's check of one published report: its inputs' checksums against the notebook's
# provenance, then every output re-computed and compared by nbval (tests/nbval_sanitize.cfg).
validate: $(STAMP)  ## re-run a published report and compare every output: make validate PLACE=leicester TOPIC=deprivation
	@test -n "$(PLACE)" && test -n "$(TOPIC)" || { echo "usage: make validate PLACE=<place> TOPIC=<topic> (see python -m jsna build --list)" >&2; exit 2; }
	$(PY) -m jsna.runner.validate --place $(PLACE) --topic $(TOPIC)

# The Rutland reports are built ONCE before pytest (all topics, from data/raw) into TEST_REPORTS;
# the integration and browser tests read that build through JSNA_TEST_REPORTS_DIR. A failed run does
# not stop make here: tests/integration/test_build_rutland.py fails and names it.
test: data  ## lint, unit + integration tests, nbval over the notebooks, browser checks
	$(BIN)/ruff check lib tests bench scripts conftest.py
	bash scripts/ensure_chromium.sh
	rm -rf $(TEST_REPORTS)
	$(PY) -m jsna build --place rutland --reports-dir $(TEST_REPORTS) --no-progress \
	  || echo "make test: some Rutland runs failed; the integration test reports them"
	JSNA_TEST_REPORTS_DIR=$(abspath $(TEST_REPORTS)) $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

# The quick tier, for while editing: no data/raw, no kernel, no build, no browser, no nbval. A test
# that starts a kernel or a build worker must be marked `kernel` (JSNA_TEST_NO_KERNELS=1 fails it if not).
FAST_MARKERS := not kernel and not slow and not integration and not browser
test-fast: $(STAMP)  ## lint, unit and fixture tests only: no build, kernel, browser or nbval (under 3 minutes)
	$(BIN)/ruff check lib tests bench scripts conftest.py
	JSNA_TEST_NO_KERNELS=1 $(BIN)/pytest tests/unit -q -m "$(FAST_MARKERS)"

lint: $(STAMP)  ## ruff
	$(BIN)/ruff check lib tests bench scripts conftest.py

bench: data  ## benchmarks: stats methods vs PHStatsMethods, report series, all-England scale run
	$(PY) -m bench

# clean keeps reports/.build/history (the headline figures of earlier builds, for "Changed since")
clean:  ## remove generated reports, test builds and derived data (keeps data/raw, .venv and reports/.build/history)
	mkdir -p reports && find reports -mindepth 1 -maxdepth 1 ! -name .build ! -name .gitkeep -exec rm -rf {} +
	test ! -d reports/.build || find reports/.build -mindepth 1 -maxdepth 1 ! -name history -exec rm -rf {} +
	rm -rf data/processed .pytest_cache build
	touch reports/.gitkeep

distclean: clean  ## also remove the headline history, data/raw and .venv
	rm -rf reports/.build data/raw $(VENV)
