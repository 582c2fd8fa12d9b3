# The two commands of the README's Quick start (`make demo`, `make test`) work on a fresh
# Debian machine with only Python 3.11 and make: they create .venv and install into it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# The domain packages that exist so far (mypy --strict keeps them clean).
DOMAIN := $(wildcard src/ecowarden/standards src/ecowarden/hj212 src/ecowarden/assess \
          src/ecowarden/supervision src/ecowarden/registry src/ecowarden/cases src/ecowarden/noisemap)

.PHONY: install demo test lint format bench clean

install: $(STAMP)

FRONTEND := src/ecowarden/web/frontend

$(STAMP): pyproject.toml $(FRONTEND)/package-lock.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	# The dashboard's chart and map libraries come from the npm registry, never from a CDN.
	if command -v npm >/dev/null 2>&1; then \
		cd $(FRONTEND) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error; \
	else \
		echo "npm not found: the dashboard runs without charts and maps until 'npm ci' runs in $(FRONTEND)"; \
	fi
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/ecowarden demo

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy $(DOMAIN)

format: $(STAMP)
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

bench: $(STAMP)
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
