# The README's commands. Each creates .venv on first use and reinstalls only when a requirements
# file or pyproject.toml changed since the last install: `run` and `lab` need the learner's set
# (requirements.txt), `test` and `bench` add the development set (requirements-dev.txt).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
INSTALLED_DEV := $(VENV)/.installed-dev

.PHONY: run test lab learner bench clean

$(INSTALLED): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	touch $@

$(INSTALLED_DEV): $(INSTALLED) requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

## make run: execute the whole series headlessly into runs/<timestamp>/ (ARGS="-p EPOCHS 3" to change it)
run: $(INSTALLED)
	$(BIN)/python -m mnist_helpers run $(ARGS)

## make test: lint, unit tests, the README's headless commands, nbval over every notebook
test: $(INSTALLED_DEV)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(ARGS)

## make lab: open the notebooks in JupyterLab
lab: $(INSTALLED)
	$(BIN)/jupyter lab notebooks/

## make learner: the notebooks without outputs and solutions, into learner/ (ARGS="--out FOLDER")
learner: $(INSTALLED)
	$(BIN)/python -m mnist_helpers learner $(ARGS)

## make bench: the accuracy and speed benchmark, timing make run and make test too (about 35 minutes; writes docs/benchmarks.md)
bench: $(INSTALLED_DEV)
	$(BIN)/python -m benchmarks $(ARGS)

clean:
	rm -rf $(VENV) runs  # not learner/: it may hold a learner's work
