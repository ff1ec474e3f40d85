# The two commands of the README: `make run` and `make test`. Everything installs itself.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test test-postgres install lock chromium postgresql wrk bench bench-dos bench-web eval clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --require-hashes -r requirements.txt -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

# Regenerate requirements.txt and requirements-dev.txt (every transitive dependency pinned and hashed) from
# requirements.in and requirements-dev.in: edit an .in file, run `make lock`, commit all four files.
# `make lock UPGRADE=1` moves the unpinned transitive dependencies to their newest releases.
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	--no-emit-find-links $(if $(UPGRADE),--upgrade)
lock:
	@test -x $(BIN)/pip || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q pip-tools==7.6.2
	$(PIP_COMPILE) -o requirements.txt requirements.in
	$(PIP_COMPILE) -o requirements-dev.txt requirements-dev.in

# Migrate the SQLite database under instance/, load the demo data (once), build the index, then serve with
# the task queue's worker (imports, periodic duties) running alongside; it stops when the server stops.
run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) worker & worker=$$!; trap 'kill $$worker 2>/dev/null' INT TERM EXIT; \
	  $(FLASK) run --host 127.0.0.1 --port $${PORT:-5000}

# Debian's chromium for the browser tests (Playwright drives it; no browser download), with a CJK font
# (fonts-wqy-microhei) so that the screenshots under tests/e2e/screenshots/ show Chinese text, not boxes.
chromium:
	@{ command -v chromium >/dev/null 2>&1 && [ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; } || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; }

# Two test processes (pytest-xdist; each has its own temp dirs, databases and browser). PYTEST_WORKERS=0: one.
PYTEST_WORKERS ?= 2
XDIST := -n $(PYTEST_WORKERS) --dist worksteal

test: install chromium
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

# Debian's PostgreSQL server binaries (the test script starts its own throwaway cluster, not the service).
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null; }

# The suite against a real PostgreSQL server (DESIGN §7), less what cannot differ between engines: the browser
# tests (the pages' SQL runs in the page and service tests) and tests marked engine_neutral (setup.cfg).
POSTGRES_SELECT ?= not e2e and not engine_neutral
test-postgres: install postgresql
	PYTHON=$(BIN)/python bash .ci/postgres-tests.sh $(XDIST) -m "$(POSTGRES_SELECT)" $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench.speed
	$(BIN)/python -m bench.repairing

# The site under hostile requests: gunicorn -w 2 in production mode on a free loopback port (bench/dos.py).
bench-dos: install
	$(BIN)/python -m bench.dos

# Pages under load at 10k and 100k listings, SQLite and PostgreSQL (bench/web.py; about an hour).
# Quick: make bench-web BENCH_WEB_ARGS="--engines sqlite --duration 5 --repeats 2"
bench-web: install wrk postgresql
	$(BIN)/python -m bench.web $(BENCH_WEB_ARGS)

# Debian's wrk (the HTTP load generator of bench-web).
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; }

eval: install
	$(BIN)/python -m bench.evaluate

clean:
	rm -rf $(VENV) instance/*.db instance/index
