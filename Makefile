# insats — make targets. `make` alone lists them.
# Everything runs in a project virtual environment (.venv) built from requirements.lock,
# so a fresh machine with only Python 3.11 and the package registries is enough.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PARAMS ?= parameters/forsta_steget.yaml
PERIOD ?=
OUT    ?= reports/example

.DEFAULT_GOAL := help
.PHONY: help report test test-unit test-e2e lab lint format lock bench sample chromium clean

help: ## Show this help
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; run e.g. 'make PYTHON=python3 ...'"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Re-install when the lock file or the package metadata change.
$(STAMP): $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 | grep -v "is ignored" || true
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock 2>&1 | grep -v "is ignored" || true
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e . 2>&1 | grep -v "is ignored" || true
	$(BIN)/python -c "import insats, papermill, nbconvert, statsmodels" 
	@# The project kernel, inside the venv: notebooks never run on a machine kernel.
	$(BIN)/python -m ipykernel install --sys-prefix --name insats --display-name "insats (project environment)" >/dev/null
	@touch $(STAMP)

report: $(STAMP) ## Run the example report on the bundled sample data and print the HTML path
	$(BIN)/insats run $(PARAMS) $(if $(PERIOD),--period $(PERIOD)) --out $(OUT)

test: $(STAMP) chromium lint ## Lint, then the whole test suite (unit, notebooks, end-to-end, browser), on every core
	$(BIN)/python -m pytest -n auto --dist loadfile

test-unit: $(STAMP) ## The fast tests only (no kernels, nbconvert or browser; about 2 min)
	$(BIN)/python -m pytest -m "not e2e"

test-e2e: $(STAMP) chromium ## The end-to-end tests (real papermill, nbconvert, chromium)
	$(BIN)/python -m pytest -m e2e

# JupyterLab asks the internet for news and updates unless told not to: an evaluator's
# machine with participant data has no business calling out (tests/e2e/test_lab_browser.py
# runs this very command).
LAB_FLAGS := --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate --LabApp.extension_manager=readonly
# as root (containers, CI) JupyterLab refuses to start without being told it is meant
LAB_FLAGS += $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP) ## Start JupyterLab in the project environment with the project kernel
	$(BIN)/jupyter lab $(LAB_FLAGS) notebooks/

lint: $(STAMP) ## ruff (lint + format), the layers contract (import-linter) and mypy on src/
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

format: $(STAMP) ## Format the code with ruff
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: $(STAMP) ## Run the benchmarks in bench/ (prints ratios against in-run baselines)
	$(BIN)/python bench/run_all.py

sample: $(STAMP) ## Regenerate the fictitious sample data in data/sample/
	$(BIN)/insats sample data/sample

lock: ## Re-resolve the newest versions into requirements.lock (review the diff!)
	rm -rf /tmp/insats-lock-venv && $(PYTHON) -m venv /tmp/insats-lock-venv
	/tmp/insats-lock-venv/bin/pip install --quiet -e '.[dev,dask]'
	/tmp/insats-lock-venv/bin/pip freeze --exclude-editable | grep -v '^insats' > requirements.lock.new
	@echo "wrote requirements.lock.new; add the header comment and move it over requirements.lock"

# chromedriver (Debian's chromium-driver, same version as chromium) lets selenium drive
# JupyterLab in tests/e2e/test_lab_browser.py; nothing is downloaded besides Debian packages.
chromium: ## Install Debian's chromium and chromedriver for the browser tests, if missing
	@{ command -v chromium && command -v chromedriver; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium and chromium-driver for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) ; \
	  else echo "chromium or chromedriver not found and cannot install them (need root and apt-get); the browser tests will fail"; fi; }

clean: ## Remove generated reports and caches (keeps .venv)
	rm -rf reports .pytest_cache .hypothesis
