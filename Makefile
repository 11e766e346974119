# Two commands: `make run` (embedded portal on http://127.0.0.1:8000) and `make test`.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements-dev.lock | cksum | cut -d' ' -f1)
PORT ?= 8000
# E-mail links point at the address the portal is served on (e.g. PORT=8013 make run).
SITE_URL ?= http://127.0.0.1:$(PORT)
# The catalogues in locale/ (English is the source language).
LOCALES := zh_Hans vi th id ms km lo my fil pt
# The embedded default: SQLite, tasks in-process, e-mail on the console, demo data.
EMBEDDED := env -u DATABASE_URL -u REDIS_URL DEBUG=true SITE_URL=$(SITE_URL)

.PHONY: run test lint audit format install messages lock clean demo backup restore system-packages

# System libraries of the PDF documents: Pango for WeasyPrint, Noto fonts for every UI script.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core fonts-noto-cjk

$(STAMP): requirements-dev.lock
	@# PyICU (word segmentation for search) builds against the system's ICU.
	@pkg-config --exists icu-uc 2>/dev/null && command -v c++ >/dev/null \
		|| (apt-get update -qq && apt-get install -y -qq libicu-dev pkg-config g++) \
		|| { echo "Install libicu-dev, pkg-config and g++ (needed to build PyICU)." >&2; exit 1; }
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP) system-packages

# Installs the PDF packages when missing (apt-get as root); otherwise says what to install.
system-packages:
	@missing="$$(for p in $(PDF_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done)"; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "PDF documents need: $$missing (Debian/Ubuntu: sudo apt-get install $$missing)" >&2; \
	  fi; \
	fi

run: $(STAMP) system-packages
	$(EMBEDDED) $(BIN)/python manage.py migrate --noinput
	$(EMBEDDED) $(BIN)/python manage.py load_demo
	$(EMBEDDED) $(BIN)/python manage.py run_embedded 127.0.0.1:$(PORT)

demo: $(STAMP)
	$(EMBEDDED) $(BIN)/python manage.py migrate --noinput
	$(EMBEDDED) $(BIN)/python manage.py load_demo

test: $(STAMP) system-packages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(MAKE) --no-print-directory audit

# Code audit (bandit, config in pyproject.toml) and dependency audit (pip-audit over
# the lock files; README "Security audit" says what happens when the index cannot answer).
audit: $(STAMP)
	$(BIN)/bandit -c pyproject.toml -r core notifications entities challenges evaluation api portal -q
	$(BIN)/python .ci/audit_dependencies.py requirements.lock requirements-dev.lock

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: $(STAMP)
	$(BIN)/python manage.py makemessages $(foreach l,$(LOCALES),-l $(l)) --no-location --ignore=.venv --ignore=staticfiles --ignore=test-artifacts
	$(BIN)/python manage.py compilemessages --ignore=.venv

lock: $(STAMP)
	$(BIN)/pip-compile -q --strip-extras --output-file=requirements.lock pyproject.toml
	$(BIN)/pip-compile -q --strip-extras --extra=dev --output-file=requirements-dev.lock pyproject.toml

# Backups of DATABASE_URL and MEDIA_ROOT (the embedded default when unset): README "Backups".
backup: $(STAMP)
	$(BIN)/python manage.py backup $(BACKUP_ARGS)

restore: $(STAMP)
	$(BIN)/python manage.py restore $(or $(BACKUP),latest) $(RESTORE_ARGS)

clean:
	rm -rf var/db.sqlite3 var/media staticfiles test-artifacts .pytest_cache
