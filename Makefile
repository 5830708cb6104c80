# Two commands do all the set-up on a fresh Debian/Ubuntu machine:
#   make run    create .venv, install, migrate, load reference and demo data, serve on 127.0.0.1:8000
#   make test   run the test suite (PostgreSQL when DATABASE_URL names one, else SQLite)
#   make lint   ruff, the import contracts (lint-imports) and the types (mypy)

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_SCALE ?= full

.PHONY: faults run test install system-deps migrate demo serve lint bench messages clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing the Python packages into $(VENV) (a few minutes the first time) …"
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

# Debian packages WeasyPrint needs for Chinese PDFs (run as root; quick when already installed).
system-deps:
	@if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  need=""; for p in python3-venv fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext; do \
	    dpkg -s $$p >/dev/null 2>&1 || need="$$need $$p"; done; \
	  if [ -n "$$need" ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$need; fi; \
	else echo "Not root: make sure python3-venv fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext are installed."; fi

# Compiles locale/*/django.po (the .mo files are not in git). Without gettext's msgfmt the site still
# runs, in Simplified Chinese only.
messages: install
	@if command -v msgfmt >/dev/null 2>&1; then echo "Compiling translations (locale/*/django.po) …"; \
	  $(PY) manage.py compilemessages --ignore=.venv -v 0 && echo "Translations compiled."; \
	else echo "msgfmt (gettext) not found: skipping translations; the site runs in Simplified Chinese only."; fi

# migrate_progress: migrate with a bar (a line per tenth when the output is not a terminal)
migrate: install messages
	$(PY) manage.py migrate_progress --noinput

demo: migrate
	$(PY) manage.py setup_demo --scale $(DEMO_SCALE)

serve:
	$(PY) manage.py runserver $(HOST):$(PORT)

run: system-deps demo serve

# The suite in two processes, one a core: the longest files (fuzz, probes, import memory, the
# text-field walk, the demo loads, the move tables) beside the rest, each on its own test database
# (PostgreSQL: <name>_side) and media folders; both must pass. They use no Redis and no fixed port.
# --durations: the slowest tests, to keep an eye on the suite's time.
SIDE_TESTS := tests/core/test_params_fuzz.py tests/core/test_probes.py tests/core/test_api_fuzz.py \
	tests/core/test_xss_everywhere.py tests/households/test_import_memory.py \
	tests/households/test_services_seed_demo.py tests/demo/test_demo_looks_real.py tests/households/test_workflow.py
test: install messages
	@side_log=$$(mktemp); side_dir=$$(mktemp -d); \
	env $${DATABASE_URL:+DATABASE_URL="$${DATABASE_URL}_side"} MEDIA_ROOT="$$side_dir/media" \
	  NZC_PRIVATE_ROOT="$$side_dir/private" $(PY) -m pytest -q -p no:cacheprovider --durations=8 $(SIDE_TESTS) > "$$side_log" 2>&1 & side=$$!; \
	$(PY) -m pytest -q -p no:cacheprovider --durations=15 $(foreach t,$(SIDE_TESTS),--ignore=$(t)); main_status=$$?; \
	wait $$side; side_status=$$?; \
	echo "--- the longest files, run beside the rest: $(words $(SIDE_TESTS)) files ---"; cat "$$side_log"; \
	rm -rf "$$side_log" "$$side_dir"; \
	test $$main_status = 0 && test $$side_status = 0

# The fault suite alone (part of `make test` too): its own Redis on port 6390, a real worker, PostgreSQL.
faults: install messages
	timeout 180 $(PY) -m pytest -q -p no:cacheprovider -m faults tests/faults

# ruff; lint-imports: the apps import one way (contracts in pyproject.toml); mypy: the core and
# every services and selectors module are typed ([tool.mypy] files in pyproject.toml)
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) db.sqlite3 media private staticfiles build *.egg-info
