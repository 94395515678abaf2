# Two commands: `make run` (demo on http://127.0.0.1:5000) and `make test` (the whole suite).
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
PYTHON ?= python3
export LMS_INSTANCE_PATH ?= $(CURDIR)/instance

.PHONY: install run serve test lint typecheck translations extract-messages bench clean

$(BIN)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip check
	touch $@

install: $(BIN)/.installed

translations: install
	$(BIN)/pybabel compile -d lms/translations -f

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o lms/translations/messages.pot .
	$(BIN)/pybabel update -i lms/translations/messages.pot -d lms/translations --no-fuzzy-matching

run: install translations
	$(BIN)/lms db upgrade
	$(BIN)/lms content load content/
	$(BIN)/lms demo accounts
	@echo "Mở http://127.0.0.1:$(PORT) trong trình duyệt (Ctrl+C để dừng)."
	$(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 --access-logfile - 'lms:create_app()'

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy assessments

test: install translations lint typecheck
	$(BIN)/pytest

bench: install translations
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) instance *.egg-info
