# The two commands of the README: `make demo` and `make test`.
# Each bootstraps .venv from a bare python3 (>= 3.11) when missing or stale.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# the search kernels compiled into numba's on-disk cache (minutes once; again when they change)
KERNELS := $(VENV)/.kernels

.PHONY: demo test lint typecheck pytest docs fuzz properties mutate bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "evocompose needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

$(KERNELS): $(STAMP) evocompose/solvers/search/_core.py evocompose/solvers/search/_mdgp_kernels.py evocompose/solvers/search/engine.py
	$(BIN)/python -m evocompose.solvers.search.engine
	@touch $(KERNELS)

demo: $(KERNELS)
	$(BIN)/python -m evocompose.cli demo --out out/stevns

lint: $(STAMP)
	$(BIN)/ruff check evocompose tests benchmarks examples
	$(BIN)/ruff format --check evocompose tests benchmarks examples

typecheck: $(STAMP)
	$(BIN)/mypy

# The suite in two processes (pytest-xdist; CI has two cores), each test sent to
# whichever process is free; tests marked `serial` (wall-clock timings) run alone
# (tests/conftest.py). PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= 2
pytest: $(KERNELS)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal

# The notebook executed once (a cell that raises fails), stamped with a fingerprint of
# what it ran: the site shows this copy, and tests/test_notebook.py checks it instead
# of executing the notebook a second time when the fingerprint is current.
NOTEBOOK := out/notebook/stevns_notebook.ipynb
$(NOTEBOOK): $(KERNELS) examples/stevns_notebook.py tests/notebook_run.py $(shell find evocompose examples/stevns -type f ! -path '*/__pycache__/*')
	$(BIN)/python tests/notebook_run.py $@

# The documentation site (mkdocs-material, API reference from the docstrings,
# the executed notebook), built strictly: any warning fails.
docs: $(NOTEBOOK)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

# ruff and mypy run beside the one-off kernel compile (each of the three uses one core);
# then the site (which executes the notebook) and the suite, one after the other.
test:
	$(MAKE) -j2 lint typecheck $(KERNELS)
	$(MAKE) docs
	$(MAKE) pytest

# The whole fuzz corpus (>= 1,000 damaged files) with a watchdog; writes docs/reliability.md.
fuzz: $(STAMP)
	$(BIN)/python benchmarks/fuzz/run.py

# Every backend on 200 random problems each against brute force; writes docs/reliability.md.
properties: $(KERNELS)
	$(BIN)/python benchmarks/properties/run.py

# Mutation testing of the yardstick (check, objective, metrics, validation):
# slow (about an hour on 2 cores), so not part of `make test` or CI. Results
# stay in mutants/ (`mutmut results`, `mutmut show NAME`); see docs/reliability.md.
mutate: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,mutation]'
	$(BIN)/mutmut run --max-children 2
	$(BIN)/python benchmarks/mutation/report.py --write --survivors

clean:
	rm -rf $(VENV) out mutants .pytest_cache .mypy_cache .ruff_cache
