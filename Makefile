# Two commands for users: `make lab` opens the workbench, `make test` runs every test.
# Both create and reuse .venv; the install reruns only when pyproject.toml changes.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LAB_PORT ?= 8888
LAB_ARGS ?=
# JupyterLab refuses to run as root (CI and containers do) unless told so.
ROOT_ARGS := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test lint typecheck unit notebooks browser browser-deps bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

lab: $(STAMP)
	@echo "Starting JupyterLab on notebooks/ (no browser); open the http://127.0.0.1:$(LAB_PORT)/lab?token=... URL printed below."
	$(BIN)/jupyter lab --no-browser --ip=127.0.0.1 --ServerApp.root_dir=notebooks --port=$(LAB_PORT) $(ROOT_ARGS) $(LAB_ARGS)

test: lint typecheck unit notebooks browser

lint: $(STAMP)
	$(BIN)/ruff check webfetch_kit tests bench notebooks
	$(BIN)/ruff format --check webfetch_kit tests bench notebooks

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -n 2 tests --ignore=tests/browser

notebooks: $(STAMP)
	$(BIN)/pytest -n 2 --dist loadfile --nbval-lax --nbval-current-env \
		--nbval-sanitize-with notebooks/sanitize.cfg notebooks

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
