# Clubapp: `make run` serves the demo on 127.0.0.1:5000, `make test` runs the test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-clock lint bench translations install install-dev clean

$(VENV)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

run: $(VENV)/.runtime
	$(FLASK) db upgrade
	$(FLASK) demo-data --if-empty
	$(FLASK) run --host $(HOST) --port $(PORT)

# Real calendar parsers (ical.js, node-ical) for tests/test_feed_clients.py, with the machine's Node.js.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund && touch $@; \
	else echo "npm not found: the feed client tests will be skipped"; fi

test: $(VENV)/.dev node_modules/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The non-browser suite at instants hard for calendars (DST nights, 29 February, New Year), under libfaketime.
test-clock: $(VENV)/.dev node_modules/.installed
	bash tests/clock/run.sh

lint: $(VENV)/.dev
	$(BIN)/ruff check clubapp tests
	$(BIN)/mypy clubapp/core clubapp/services

# Feed throughput under gunicorn and wrk, written to bench/results.md.
bench: $(VENV)/.runtime
	bash bench/run.sh

translations: $(VENV)/.dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -o clubapp/translations/messages.pot .
	$(BIN)/pybabel update -i clubapp/translations/messages.pot -d clubapp/translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d clubapp/translations

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
