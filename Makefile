# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench check clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,postgres]"
	touch $(STAMP)

## run: the bot when DISCORD_TOKEN is set (env or .env), else the terminal chat
run: $(STAMP)
	@$(BIN)/python -m bot.launch

## test: the whole suite (PostgreSQL too when TEST_DATABASE_URL is set)
test: $(STAMP)
	$(BIN)/python -m pytest -q

## bench: speed and accuracy figures
bench: $(STAMP)
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/accuracy.py

## check: validate data/ without importing it
check: $(STAMP)
	$(BIN)/barometre check data

clean:
	rm -rf $(VENV) barometre.db barometre.db-wal barometre.db-shm
