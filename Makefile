# Two commands for users: `make lab` opens the workbench, `make test` runs every test.
# Both create and reuse .venv; the install reruns only when pyproject.toml changes.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LAB_PORT ?= 8888

.PHONY: lab test lint typecheck unit notebooks browser bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --no-browser --ServerApp.root_dir=notebooks --port=$(LAB_PORT)

test: lint typecheck unit notebooks

lint: $(STAMP)
	$(BIN)/ruff check webfetch_kit tests bench notebooks
	$(BIN)/ruff format --check webfetch_kit tests bench notebooks

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -n 2 tests

notebooks: $(STAMP)
	$(BIN)/pytest -n 2 -p no:randomly --nbval-lax --nbval-current-env \
		--nbval-sanitize-with notebooks/sanitize.cfg notebooks

bench: $(STAMP)
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info
