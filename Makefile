# Two commands on a fresh machine with Python 3.11+: `make run` and `make test`.
# Dependencies come from the hash-checked locks in requirements/; `make lock` regenerates them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CHECKOV := $(VENV)/tools/checkov
BUILD_REQUIRES := $(PYTHON) -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")'
COMPILE := $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command 'make lock' $(LOCK_FLAGS)

.PHONY: run test lint unit lock bench screenshots clean

$(BIN)/.installed: pyproject.toml requirements/dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(CHECKOV)/.installed: requirements/checkov.lock
	$(PYTHON) -m venv $(CHECKOV)
	$(CHECKOV)/bin/python -m pip install --quiet --require-hashes -r requirements/checkov.lock
	touch $@

run: $(BIN)/.installed
	$(BIN)/ticketing serve

test: lint $(CHECKOV)/.installed
	$(BIN)/pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

unit: $(BIN)/.installed
	$(BIN)/pytest -q tests/*/test_domain.py

# The app's lock (image), the dev lock (same versions plus the dev tools), checkov's own.
# Kept pins stay unless pyproject.toml needs otherwise; `make lock LOCK_FLAGS=--upgrade` bumps all.
lock: | $(BIN)/uv
	$(BUILD_REQUIRES) | $(COMPILE) pyproject.toml - -o requirements/app.lock
	$(BUILD_REQUIRES) | $(COMPILE) pyproject.toml - --extra dev -c requirements/app.lock \
		-o requirements/dev.lock
	$(COMPILE) requirements/checkov.in -o requirements/checkov.lock

# Only writes the locks, which everything else hash-checks: the version the dev lock names, or the
# latest when there is no lock yet.
$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "$$(grep -so '^uv==[^ ]*' requirements/dev.lock || echo uv)"

bench: $(BIN)/.installed
	$(BIN)/python -m tests.benchmarks.http

# The README's screenshots, from the browser test's own run (needs /usr/bin/chromium).
screenshots: $(BIN)/.installed
	TICKETING_SCREENSHOTS=docs/screenshots $(BIN)/pytest -q tests/browser/test_marketplace.py -k sells

clean:
	rm -rf $(VENV) .ticketing .pytest_cache .ruff_cache
