# The two commands: `make run` (demo server) and `make test` (the whole suite).
# DATABASE_URL picks the database (default: SQLite under var/); see README.md.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test test-fast install migrate demo bench check clean-db

# Reinstall only when pyproject.toml is newer than the stamp.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/cadres migrate --no-input

demo: migrate
	$(BIN)/cadres demo --if-empty

run: demo
	@$(BIN)/cadres shell --no-imports -c "from cadres.people import demo; print(); \
	print(f'干部工作管理系统  http://$(HOST):$(PORT)/'); \
	print(f'演示登录  用户名 {demo.ADMIN_USERNAME}  初始密码 {demo.DEMO_PASSWORD}（首次登录须修改）'); print()"
	@# The background-job worker (imports, large exports) runs beside the server and stops
	@# with it: the trap ends it when runserver exits or Ctrl+C is pressed.
	@$(BIN)/cadres db_worker --queue-name '*' --interval 0.5 --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/cadres runserver --insecure $(HOST):$(PORT)

# The whole suite, browser tests included (needs /usr/bin/chromium).
test: install
	$(BIN)/pytest $(PYTEST_ARGS)

# Everything but the browser tests.
test-fast: install
	$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

# Lint (ruff), types (mypy with django-stubs), Django's system checks, and a check that
# every model change has its migration.
check: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/cadres check
	$(BIN)/cadres makemigrations --check --dry-run

# The benchmarks in bench/, each with its defaults (set DATABASE_URL for PostgreSQL).
bench: install
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# Remove the default SQLite database (var/cadres.sqlite3); `make run` then loads the demo again.
clean-db:
	rm -f var/cadres.sqlite3 var/cadres.sqlite3-wal var/cadres.sqlite3-shm
