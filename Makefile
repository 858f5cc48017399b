# The commands of the README, and the pieces they are made of.
# `make run`: install, migrate, load the Gongshu 2020 demo, serve on SQLite.
# `make test`: install (with PostgreSQL and Node), lint, type-check, check and unit-test the front end, run the
# suite on SQLite and on PostgreSQL.
# `make test-fast`: the inner loop, once `make test` has installed: the tests not marked slow, on SQLite, in under a minute.

VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_FLAGS ?= -n 2

.PHONY: run test setup setup-test lint typecheck test-js test-fast test-sqlite test-postgres bench load load-postgres translations

run: setup
	$(BIN)/voting db upgrade
	$(BIN)/voting demo --url http://$(HOST):$(PORT)/
	$(BIN)/voting serve --host $(HOST) --port $(PORT)

test: setup-test lint typecheck test-js test-sqlite test-postgres

setup:
	bash scripts/setup.sh

setup-test:
	bash scripts/setup.sh --test

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

# The front end (static/js, plain ES modules with no build step): TypeScript's compiler checks it against its
# JSDoc types and emits nothing (tsconfig.json), then Node's test runner runs the unit tests of its pure parts.
test-js:
	node_modules/.bin/tsc --noEmit -p tsconfig.json
	node_modules/.bin/tsc --noEmit -p tests/js/tsconfig.json
	node --test tests/js/*.test.mjs

test-sqlite:
	$(BIN)/pytest $(PYTEST_FLAGS)

test-postgres:
	bash scripts/with-postgres.sh $(BIN)/pytest $(PYTEST_FLAGS) --db postgres

# No browser, real server, subprocess, LibreOffice or load run (the `slow` marker); `make test` still runs them all.
test-fast:
	$(BIN)/pytest -m "not slow" -n 2

bench: setup-test
	$(BIN)/python loadtests/bench_tally.py
	$(BIN)/python loadtests/bench_audit.py
	$(BIN)/python loadtests/bench_simulate.py
	$(BIN)/python loadtests/bench_count.py

# The hall surge of DESIGN section 6 (docs/performance.md): 3,000 deputies in 10 s, 100 screens; then the sustained ratio.
LOAD_FLAGS ?=
load: setup-test
	$(BIN)/python -m loadtests.run surge --deputies 3000 --screens 100 --window 10 $(LOAD_FLAGS)
	$(BIN)/python -m loadtests.run sustained --deputies 6000 --users 32 --seconds 8 $(LOAD_FLAGS)

load-postgres: setup-test
	$(BIN)/python -m loadtests.run surge --db postgres --deputies 3000 --screens 100 --window 10 $(LOAD_FLAGS)
	$(BIN)/python -m loadtests.run sustained --db postgres --deputies 6000 --users 32 --seconds 8 $(LOAD_FLAGS)
	$(BIN)/python -m loadtests.run bodies --db postgres --hosts 2 --workers 1 --bodies 20 --deputies 300 --window 10 $(LOAD_FLAGS)

# After changing server-rendered text: collect the messages, merge them into each language's .po, compile.
translations:
	$(BIN)/pybabel extract -F voting/babel.cfg --no-location -o voting/translations/messages.pot .
	$(BIN)/pybabel update --ignore-obsolete -i voting/translations/messages.pot -d voting/translations
	$(BIN)/pybabel compile -d voting/translations
