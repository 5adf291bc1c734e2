# make install: set up only.  make test: every check and test.  make demo: run the app.
# All three work on a fresh machine: the virtual environment goes to .venv/, Python and npm
# packages come from their registries, and (as root on Debian) missing system packages from apt.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export MAUTOMATION_VAR_DIR ?= $(CURDIR)/var

.PHONY: install system-packages python-packages dashboard lint test test-python test-dashboard test-browser demo bench schema docs

install: system-packages python-packages dashboard

system-packages:
	@bash tools/system-packages.sh

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Each step runs again only when what it reads changed, so a second `make demo` starts at once.
python-packages: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

dashboard_extension/node_modules/.package-lock.json: dashboard_extension/package-lock.json
	cd dashboard_extension && npm ci --no-audit --no-fund --loglevel=error

DASHBOARD_SOURCES := $(shell find dashboard_extension/src dashboard_extension/fixtures -type f \
	2>/dev/null) $(wildcard dashboard_extension/*.json dashboard_extension/*.ts \
	dashboard_extension/index.html dashboard_extension/schema.graphql)
dashboard: dashboard_extension/dist/index.html
dashboard_extension/dist/index.html: dashboard_extension/node_modules/.package-lock.json \
		$(DASHBOARD_SOURCES)
	cd dashboard_extension && npm run --silent build
	touch $@

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy saleor_mautomation tests bench
	$(BIN)/lint-imports
	$(BIN)/python -m saleor_mautomation.cli makemigrations --check --dry-run

# Under var/test-python: the tasks the tests hand to the filesystem broker never reach the
# demo's worker, which shares var/ otherwise.
test-python: install
	rm -rf var/test-python && MAUTOMATION_VAR_DIR=$(CURDIR)/var/test-python \
		$(BIN)/python tools/pgserver.py -- $(BIN)/pytest -n 2 -q
	@# The embedded default (SQLite) runs the segment compiler's SQL too.
	rm -rf var/test-sqlite && MAUTOMATION_VAR_DIR=var/test-sqlite \
		$(BIN)/pytest -q -p no:cacheprovider tests/segments/test_compiler.py

test-dashboard: dashboard
	cd dashboard_extension && npm test --silent

# Headless Chromium against the app under `mautomation serve`, on the build `dashboard` made.
test-browser: install
	cd dashboard_extension && E2E_DIST=dist E2E_PYTHON=$(CURDIR)/$(BIN)/python npm run --silent e2e

test: lint test-dashboard test-browser test-python

demo: install
	$(BIN)/mautomation demo

# What the dashboard extension builds against: schema.graphql and the journey fixtures.
schema: python-packages
	$(BIN)/mautomation dump_contract
	@# docs/reference/ is generated from schema.graphql: kept in step with it.
	$(BIN)/python tools/docs_reference.py

# The generated references of docs/: configuration (from the settings) and GraphQL (from the SDL).
docs: python-packages
	$(BIN)/python tools/docs_reference.py

bench: install
	$(BIN)/python bench/ingest.py
