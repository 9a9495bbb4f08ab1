# Nurture: `make run` to start it, `make test` to test it. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: run setup test test-browser lint typecheck check clean

$(VENV)/.runtime: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime pyproject.toml
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

setup: $(VENV)/.runtime
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py demo_data

run: setup
	$(BIN)/python scripts/run.py

# Browser tests drive Debian's Chromium; install it when we can (root with apt), else they skip.
chromium:
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get install -y -q chromium >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null)); } || \
	  echo "Chromium is not installed: browser tests will be skipped (apt-get install chromium)."

test: $(VENV)/.dev chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-browser: $(VENV)/.dev chromium
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy nurture tests

check: lint typecheck
	$(BIN)/python manage.py makemigrations --check --dry-run
	NURTURE_SECRET_KEY=$$(head -c 60 /dev/urandom | base64 | tr -d '\n/+=') NURTURE_HTTPS=true \
	  NURTURE_ALLOWED_HOSTS=nurture.example.nhs.uk $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var
