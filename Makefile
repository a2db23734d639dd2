# One command to set up and run, one to test. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint lock audit bench demo-data clean

# Installs the exact versions, checked against their hashes, from the lock file; the ranges in
# requirements*.txt are what `make lock` resolves from.
$(BIN)/.installed: requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

run: $(BIN)/.installed
	$(BIN)/python -m segdash serve

test: $(BIN)/.installed
	$(BIN)/python -m pytest

# ruff: the linter and the formatter's check (the configuration is in pyproject.toml).
lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Resolve requirements*.txt again into the lock files (newest versions within the ranges), with
# pip-tools in a venv of its own; then `make test`, and commit the lock files.
lock:
	$(PYTHON) -m venv $(VENV)-tools
	$(VENV)-tools/bin/pip install --quiet pip-tools
	for name in requirements requirements-dev; do \
	    $(VENV)-tools/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	        --no-emit-index-url --no-emit-trusted-host --no-emit-find-links \
	        --output-file=$$name.lock $$name.txt || exit 1; \
	done

# Every pinned version against PyPI's vulnerability data (pip-audit, in the tools venv); says
# plainly when the service cannot be reached or has no data. Fails on a known vulnerability.
audit:
	$(PYTHON) -m venv $(VENV)-tools
	$(VENV)-tools/bin/pip install --quiet pip-audit
	$(VENV)-tools/bin/python scripts/audit.py $(VENV)-tools/bin/pip-audit requirements.lock requirements-dev.lock

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/bench_import.py
	$(BIN)/python benchmarks/bench_import.py --national
	$(BIN)/python benchmarks/bench_pages.py --scale municipality,large,national

demo-data: $(BIN)/.installed
	$(BIN)/python -m segdash.demo

clean:
	rm -rf $(VENV) $(VENV)-tools .pytest_cache
