# The two commands of the README: `make demo` and `make test`. Each creates its own
# virtual environment and installs the locked dependencies (uv.lock) into it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
TOOLS := .venv-tools
UV := $(TOOLS)/bin/uv
VENV := .venv
SYNCED := $(VENV)/.synced-$(shell cat uv.lock pyproject.toml | cksum | cut -d' ' -f1)
# axe-core for the browser tests (tests/browser), from the npm lock file. Without npm (or
# without /usr/bin/chromium) those tests are skipped, saying why.
BROWSER_DEPS := tests/browser/node_modules/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/hanoinet
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Bytecode is compiled at install time: many machines run with PYTHONDONTWRITEBYTECODE,
# and every `hanoinet` command would otherwise recompile Django on each start (3x slower).
export UV_COMPILE_BYTECODE := 1

.PHONY: demo test test-postgres compile check lint types contracts messages clean venv

venv: $(SYNCED)

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(SYNCED): pyproject.toml uv.lock | $(UV)
	rm -f $(VENV)/.synced-*
	$(UV) sync --locked --python $(PYTHON)
	touch $@

demo: compile
	$(VENV)/bin/hanoinet demo

compile: $(SYNCED)
	$(VENV)/bin/python -m compileall -q -j 0 src tests > /dev/null

$(BROWSER_DEPS): tests/browser/package.json tests/browser/package-lock.json
	@if command -v npm > /dev/null; then \
	  npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the browser tests (tests/browser) will be skipped"; fi

# One pytest worker per core (pytest-xdist). A test module stays on one worker, so the
# multi-node flows that share a network per module set it up once.
PYTEST := $(VENV)/bin/pytest -n auto --dist loadfile

test: compile $(BROWSER_DEPS)
	$(PYTEST)

# The same suite on PostgreSQL, less the pure core (tests/core and its doctests): it
# never touches a database, and has just run on the SQLite pass.
test-postgres: compile $(BROWSER_DEPS)
	DATABASE_URL=$(PG_URL) $(PYTEST) tests/node tests/flows tests/browser

check: lint types contracts

lint: $(SYNCED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: $(SYNCED)
	$(VENV)/bin/mypy src tests $(wildcard bench/*.py) $(wildcard tools/*.py)

contracts: $(SYNCED)
	$(VENV)/bin/lint-imports

# Translators: after editing templates, refresh the catalogues, translate, then compile.
messages: $(SYNCED)
	$(VENV)/bin/python tools/messages.py

clean:
	rm -rf $(VENV) $(TOOLS) .hanoinet-demo .mypy_cache .ruff_cache .coverage tests/browser/node_modules
