# Nurture: `make run` to start it, `make test` to test it. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
# One test process per core (pytest-xdist); each has its own test database.
PYTEST_WORKERS ?= auto

.PHONY: run setup system-packages browser-packages clock-packages test test-browser test-awkward-times test-contract lint typecheck check clean

$(VENV)/.runtime: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime pyproject.toml
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

setup: $(VENV)/.runtime system-packages
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py demo_data

run: setup
	$(BIN)/python scripts/run.py

# Debian packages Nurture needs: Pango, HarfBuzz's font subsetter and a font for PDFs
# (WeasyPrint), and Chromium for the browser tests. Installed when we can (root with apt-get);
# otherwise we say what is missing: PDFs fail without the first ones, browser tests skip.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
BROWSER_PACKAGES := chromium
define apt_ensure
	@missing=""; for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	[ -z "$$missing" ] || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -q $$missing >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null && apt-get install -y -q $$missing >/dev/null; }; }; } || \
	  echo "Not installed:$$missing ($(2); apt-get install$$missing)."
endef

system-packages:
	$(call apt_ensure,$(PDF_PACKAGES),printable handouts need them)

browser-packages:
	$(call apt_ensure,$(BROWSER_PACKAGES),browser tests will be skipped)

test: $(VENV)/.dev system-packages browser-packages
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The API's OpenAPI contract for every role (schemathesis): no server error, no undocumented
# status or content type, no response that breaks its schema. Slow, so a step of its own.
test-contract: $(VENV)/.dev
	NURTURE_CONTRACT_TESTS=1 $(BIN)/python -m pytest -n $(PYTEST_WORKERS) tests/api/test_openapi_contract.py $(PYTEST_ARGS)

# The suite (all but the browser tests) with the whole process's clock set by Debian's faketime
# to moments that catch code and tests assuming "now" is an ordinary weekday afternoon: the
# hour the UK clocks go back (01:30 on a Sunday, which happens twice) and the last minutes
# of a year. The clock ticks on from there.
AWKWARD_MOMENTS := "Europe/London|2027-10-31 01:30:00" "UTC|2027-12-31 23:52:00"
test-awkward-times: $(VENV)/.dev system-packages clock-packages
	@for moment in $(AWKWARD_MOMENTS); do \
	  zone=$${moment%%|*}; when=$${moment#*|}; echo "== $$when ($$zone)"; \
	  TZ=$$zone faketime -f "@$$when" $(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m "not browser" $(PYTEST_ARGS) || exit 1; \
	done

clock-packages:
	$(call apt_ensure,faketime,the awkward-times run needs it)

test-browser: $(VENV)/.dev system-packages browser-packages
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m browser $(PYTEST_ARGS)

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
