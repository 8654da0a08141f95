# Two commands for users: `make lab` opens the workbench, `make test` runs every test.
# Both create and reuse .venv; the install reruns only when pyproject.toml changes.
# With a wheelhouse/ of wheels (`make wheelhouse`, on a machine that reaches a package index) both
# install from it alone, with no package index: the offline classroom.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS := test
WHEELHOUSE ?= wheelhouse
# What `make wheelhouse` adds beside the project's dependencies and its build backend.
WHEELHOUSE_TOOLS ?= pip wheel
# pip's source: the wheelhouse alone when it holds wheels, else the package index.
PIP_SOURCE = $(if $(wildcard $(WHEELHOUSE)/*.whl),--no-index --find-links $(WHEELHOUSE))
STALE_WHEELHOUSE = { echo "$(WHEELHOUSE)/ lacks a wheel this install needs: run 'make wheelhouse' again on a machine that reaches a package index (same Python), or move $(WHEELHOUSE)/ away to install from the index."; exit 1; }
# Empty: any free port. Lab prints the address it really serves once it answers.
LAB_PORT ?=
LAB_ARGS ?=
# The kernels of the notebook suite never reach the real API, whatever the shell exports.
OFFLINE_ENV := env -u ANTHROPIC_API_KEY -u ANTHROPIC_AUTH_TOKEN -u ANTHROPIC_BASE_URL WEBFETCH_BACKEND=offline
NOTEBOOKS ?= notebooks

.PHONY: lab test lint typecheck unit notebooks browser browser-deps bench wheelhouse clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	@echo "Installing the kit into $(VENV) from $(if $(PIP_SOURCE),$(WHEELHOUSE)/ (no package index),the package index; the first time takes a few minutes)."
	$(BIN)/python -m pip install --quiet $(PIP_SOURCE) --upgrade pip $(if $(PIP_SOURCE),|| $(STALE_WHEELHOUSE))
	$(BIN)/python -m pip install --quiet $(PIP_SOURCE) -e '.[$(EXTRAS)]' $(if $(PIP_SOURCE),|| $(STALE_WHEELHOUSE))
	@touch $(STAMP)

# Run on a connected machine with the classroom's Python; copy wheelhouse/ to the class (a USB stick).
wheelhouse: | $(BIN)/python
	$(BIN)/python scripts/wheelhouse.py --dir $(WHEELHOUSE) --extras $(EXTRAS) $(WHEELHOUSE_TOOLS)

lab: $(STAMP)
	$(BIN)/python scripts/lab.py --port '$(LAB_PORT)' -- $(LAB_ARGS)

test: lint typecheck unit notebooks browser

lint: $(STAMP)
	$(BIN)/ruff check webfetch_kit tests bench notebooks scripts
	$(BIN)/ruff format --check webfetch_kit tests bench notebooks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -n 2 tests --ignore=tests/browser

notebooks: $(STAMP)
	$(OFFLINE_ENV) $(BIN)/pytest -n 2 --dist loadfile --nbval-lax --nbval-current-env \
		--nbval-sanitize-with notebooks/sanitize.cfg $(NOTEBOOKS)

# Browser tests drive JupyterLab in Debian's chromium (installed with apt when missing; never downloaded).
# Under CI (CI=true) a chromium that cannot be installed fails the run; elsewhere the tests skip and say why.
browser-deps:
	@bash scripts/ensure_chromium.sh || { [ "$${CI:-}" != "true" ] && echo "chromium unavailable: the browser tests will skip"; }

browser: $(STAMP) browser-deps
	$(BIN)/pytest -p no:randomly tests/browser

bench: $(STAMP)
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info
