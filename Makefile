# Rapport: `make run` starts the app with a demo organisation, `make test` runs every check.
# Both set themselves up on first use and reuse what is there afterwards.

VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= $(shell scripts/find-python)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck pytest fast hostile-times demo bench soak scale drills clean help messages compilemessages i18n-check

help:
	@echo "make run    set up, migrate, create the demo organisation, serve on http://$(HOST):$(PORT)"
	@echo "make test   set up, then lint, type check and the whole test suite"
	@echo "make fast   the fast tier only (no browser tests, no large-data tests, one process per core)"
	@echo "make hostile-times  the fast tier again as of instants that once broke tests (CI runs it)"
	@echo "make bench  load the main pages under gunicorn, small and 10,000-person organisations,"
	@echo "            SQLite and PostgreSQL; prints a table, writes bench/results/*.json"
	@echo "make soak   50 clients autosaving notes for 30 s on SQLite and PostgreSQL; counts lost saves"
	@echo "make scale  two app instances behind HAProxy on loopback, two workers, PostgreSQL and"
	@echo "            Redis: shared sign-in, writes, autosaves and emails checked (docs/deployment.md)"
	@echo "make messages     extract the strings into rapport/locale/*/django.po and compile them"
	@echo "make i18n-check   every string translated, every template string wrapped (needs GNU gettext)"
	@echo "make drills fault drills (SMTP slow/down, kill -9, PostgreSQL restarts, full disk, Redis"
	@echo "            down) on loopback with their own servers; DRILLS_ARGS=--short for the CI subset"

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "No Python 3.12+ found; see the message above." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps record what was installed, so a second run skips pip unless pyproject.toml changed.
$(VENV)/.runtime-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,rq]'
	@touch $(VENV)/.runtime-installed $@

# The worker (reminders, emails) runs beside the web server and stops with it: the trap ends it
# when runserver ends, and --exit-with-parent ends it if this shell is killed outright.
# Its output, and with the console backend every email, goes to worker.log in the var folder.
run: $(VENV)/.runtime-installed
	$(BIN)/rapport migrate --no-input
	RAPPORT_BASE_URL=$${RAPPORT_BASE_URL:-http://$(HOST):$(PORT)} $(BIN)/rapport demo --if-absent
	@export RAPPORT_BASE_URL=$${RAPPORT_BASE_URL:-http://$(HOST):$(PORT)}; \
	log=$${RAPPORT_VAR_DIR:-var}/worker.log; \
	PYTHONUNBUFFERED=1 $(BIN)/rapport worker --exit-with-parent > "$$log" 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	echo "Worker started (reminders and emails); its output is in $$log"; \
	RAPPORT_DEBUG=$${RAPPORT_DEBUG:-true} $(BIN)/rapport runserver $(HOST):$(PORT)

demo: $(VENV)/.runtime-installed
	$(BIN)/rapport migrate --no-input
	$(BIN)/rapport demo --if-absent

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy rapport tests bench

# The whole suite, one test process per core (pytest-xdist): each has its own test database,
# its own live server and Chromium for the browser tests.
pytest: $(VENV)/.dev-installed
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

# Benchmarks (see docs/performance.md). The first run builds the synthetic organisations under
# var/bench/ and in PostgreSQL databases rapport_bench_*; later runs reuse them.
bench: $(VENV)/.dev-installed
	$(BIN)/python -m bench.run $(BENCH_ARGS)

soak: $(VENV)/.dev-installed
	$(BIN)/python -m bench.soak $(SOAK_ARGS)

# Scale-out on loopback (docs/deployment.md#proven-on-loopback): HAProxy on 127.0.0.1 (installed
# with apt-get if missing), app instances on 127.0.0.2 and .3, a fresh database rapport_scale on
# 127.0.0.1:5432 and Redis database 7 on 127.0.0.1:6379 (emptied). SCALE_ARGS="--seconds 10".
scale: $(VENV)/.dev-installed
	$(BIN)/python -m bench.scale $(SCALE_ARGS)

# Fault drills (docs/operations.md#fault-drills). Each starts its own PostgreSQL cluster (initdb
# in a temporary folder), Redis and SMTP sink on free loopback ports, never the shared servers.
# DRILLS_ARGS="--short" is the CI subset; "--only kill-worker,redis-down" picks drills; "--list".
drills: $(VENV)/.dev-installed
	$(BIN)/python -m bench.drills $(DRILLS_ARGS)

# Translations (docs/translating.md). The .mo files are committed and compiled in pure Python
# (rapport/translations.py), so running Rapport needs no gettext tools; extracting strings and
# the CI check do (xgettext, msgmerge: Debian's `gettext` package).
messages: $(VENV)/.dev-installed
	cd rapport && ../$(BIN)/rapport makemessages -l de -l es -l pt --no-location --no-obsolete
	$(BIN)/python -m rapport.translations compile

compilemessages: $(VENV)/.runtime-installed
	$(BIN)/python -m rapport.translations compile

i18n-check: $(VENV)/.dev-installed
	$(BIN)/python -m rapport.translations check

# One test process per core (pytest-xdist), each with its own test database.
fast: $(VENV)/.dev-installed
	$(BIN)/pytest -m "not browser and not slow" -n auto $(PYTEST_ARGS)

# Every test starts at a pinned instant (tests/clock.py); these runs move it to instants that
# once broke tests or that break date arithmetic: just after the cast's Tuesday 10:00 1:1, the
# Sundays the clocks go forward in Europe and in the US, New Year's Eve at 23:30 for a manager
# in UTC+13, and 29 February. Each entry is INSTANT or INSTANT@MANAGER_ZONE.
HOSTILE_TIMES := 2026-12-01T10:45:00+00:00 \
	2027-03-28T00:30:00+00:00 \
	2027-03-14T06:30:00+00:00 \
	2026-12-31T10:30:00+00:00@Pacific/Tongatapu \
	2028-02-29T09:00:00+00:00

hostile-times: $(VENV)/.dev-installed
	@set -e; for entry in $(HOSTILE_TIMES); do \
		instant=$${entry%@*}; zone=$$(echo "$$entry" | grep -o '@.*' | tr -d @ || true); \
		echo "=== the fast tier as of $$instant$${zone:+, the cast's manager in $$zone}"; \
		RAPPORT_TEST_NOW=$$instant RAPPORT_TEST_MANAGER_ZONE=$$zone \
			$(BIN)/pytest -m "not browser and not slow" -n auto -q -p no:cacheprovider $(PYTEST_ARGS); \
	done

test: lint typecheck pytest

clean:
	rm -rf $(VENV) build *.egg-info
