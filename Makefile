# The two commands a new user needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# uv installs much faster than pip; it is installed into the venv first.
# Where pip is configured with a local wheel folder, uv is pointed at it too.
# --compile-bytecode writes every package's .pyc at install time: where Python may not write
# them itself (PYTHONDONTWRITEBYTECODE), each command would otherwise compile pandas, scikit-learn
# and the rest again (9 s against 3.3 s to import them, measured).
FIND_LINKS := $(shell $(PYTHON) -m pip config get global.find-links 2>/dev/null)
UV_FLAGS := $(if $(FIND_LINKS),--find-links $(FIND_LINKS),)

.PHONY: demo test setup bench lint format clean

# The benchmark scripts `make bench` runs (each prints a table; several need ../shared/data).
BENCHMARKS := ingest.py real_datasets.py clv_fit.py customer_profile.py sentiment.py uplift_hillstrom.py \
	plan_oracle.py worlds.py recsys_movielens.py recsys_uci.py recsys_speed.py recsys_deep.py load.py \
	report_coverage.py live_visitors.py shop_folders.py

$(BIN)/promopilot: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv
	$(BIN)/uv pip install -q --python $(BIN)/python $(UV_FLAGS) --compile-bytecode -e '.[test]'
	touch $(BIN)/promopilot

setup: $(BIN)/promopilot

demo: setup
	$(BIN)/promopilot demo --out demo-out

# The tests run on every core (pytest-xdist); PYTEST_ARGS="-m 'slow or not slow'" runs the
# slow tests too (CI does). Bytecode is written for the tests: where PYTHONDONTWRITEBYTECODE is
# set, every worker of every run would compile promopilot and rewrite the test modules' asserts
# again (collecting took 8.1 s of CPU per worker, 4.4 s from the __pycache__ folders).
test: setup
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

bench: setup
	$(BIN)/uv pip install -q --python $(BIN)/python $(UV_FLAGS) --compile-bytecode -e '.[test,bench,deep]'
	for f in $(BENCHMARKS); do $(BIN)/python bench/$$f || exit 1; done

clean:
	rm -rf $(VENV) demo-out promopilot.duckdb
