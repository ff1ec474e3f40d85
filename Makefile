# The two commands of the README: `make run` and `make test`. Everything installs itself.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test test-postgres install chromium postgresql bench bench-dos eval clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

# Migrate the SQLite database under instance/, load the demo data (once), build the index, serve.
run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) run --host 127.0.0.1 --port $${PORT:-5000}

# Debian's chromium for the browser tests (Playwright drives it; no browser download).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: install chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Debian's PostgreSQL server binaries (the test script starts its own throwaway cluster, not the service).
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null; }

# The same suite against a real PostgreSQL server (DESIGN §7).
test-postgres: install chromium postgresql
	PYTHON=$(BIN)/python bash .ci/postgres-tests.sh $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench.speed

# The site under hostile requests: gunicorn -w 2 in production mode on a free loopback port (bench/dos.py).
bench-dos: install
	$(BIN)/python -m bench.dos

eval: install
	$(BIN)/python -m bench.evaluate

clean:
	rm -rf $(VENV) instance/*.db instance/index
