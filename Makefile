# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
# `make run` installs the runtime dependencies only; `make test` adds the test tools (pytest, ruff, mypy...).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint bench check clean

$(RUN_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[postgres]"
	touch $(RUN_STAMP)

$(TEST_STAMP): $(RUN_STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test,postgres]"
	touch $(TEST_STAMP)

## run: the bot when DISCORD_TOKEN is set (env or .env), else the terminal chat
run: $(RUN_STAMP)
	@$(BIN)/python -m bot.launch

## test: the whole suite (PostgreSQL too when TEST_DATABASE_URL is set)
test: $(TEST_STAMP)
	$(BIN)/python -m pytest -q

## lint: ruff and mypy (configured in pyproject.toml)
lint: $(TEST_STAMP)
	$(BIN)/ruff check
	$(BIN)/mypy

## bench: speed and accuracy figures
bench: $(TEST_STAMP)
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/accuracy.py

## check: validate data/ without importing it
check: $(RUN_STAMP)
	$(BIN)/barometre check data

clean:
	rm -rf $(VENV) .venv-newest barometre.db barometre.db-wal barometre.db-shm barometre.db-lock
