# The README's commands. Each creates .venv on first use and reinstalls only when a requirements
# file or pyproject.toml changed since the last install: `run` and `lab` need the learner's set
# (requirements.txt), `test` and `bench` add the development set (requirements-dev.txt).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
INSTALLED_DEV := $(VENV)/.installed-dev
JAX_VENV := .venv-jax
INSTALLED_JAX := $(JAX_VENV)/.installed

.PHONY: run test test-extra lab learner bench search ablations clean

# JupyterLab reads default settings from its environment's overrides.json: ours turns off the
# "get notified about official Jupyter news?" pop-up that would greet every learner (docs/hub.md does the same on a hub).
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings

$(INSTALLED): requirements.txt pyproject.toml docs/jupyterlab-overrides.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	mkdir -p $(LAB_SETTINGS) && cp docs/jupyterlab-overrides.json $(LAB_SETTINGS)/overrides.json
	touch $@

$(INSTALLED_DEV): $(INSTALLED) requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# A JAX learner's environment: the learner's pins without TensorFlow, plus jax.
$(INSTALLED_JAX): requirements.txt requirements-jax.txt pyproject.toml
	test -x $(JAX_VENV)/bin/python || $(PYTHON) -m venv $(JAX_VENV)
	grep -v '^tensorflow' requirements.txt > $(JAX_VENV)/requirements-without-tensorflow.txt
	$(JAX_VENV)/bin/python -m pip install --quiet -r $(JAX_VENV)/requirements-without-tensorflow.txt -r requirements-jax.txt -e .
	touch $@

## make run: execute the whole series headlessly into runs/<timestamp>/ (ARGS="-p EPOCHS 3" to change it)
run: $(INSTALLED)
	$(BIN)/python -m mnist_helpers run $(ARGS)

## make test: lint, unit tests, the README's headless commands, nbval over every notebook
test: $(INSTALLED_DEV)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(ARGS)

## make test-extra: what CI runs after make test: the quick series on TensorFlow and JAX, 06 and 08 opened alone, every notebook in a browser, a notebook in a Python without the helper package (about 12 minutes on 2 cores, plus 1 building .venv-jax the first time)
test-extra: $(INSTALLED_DEV) $(INSTALLED_JAX)
	JAX_BIN=$(JAX_VENV)/bin $(BIN)/python -m pytest -m extra

## make lab: open the notebooks in JupyterLab
lab: $(INSTALLED)
	$(BIN)/jupyter lab notebooks/

## make learner: the notebooks without outputs and solutions, into learner/ (ARGS="--out FOLDER")
learner: $(INSTALLED)
	$(BIN)/python -m mnist_helpers learner $(ARGS)

## make bench: the accuracy and speed benchmark against the published recipes, timing make run too (about 30 minutes; writes docs/benchmarks.md and docs/benchmarks.json)
bench: $(INSTALLED_DEV)
	$(BIN)/python -m benchmarks $(ARGS)

## make search: the design search behind the series' two networks, three seeds per design beside the published peers (about 75 minutes for every design; writes docs/frontier.png and docs/search.json, and adds both to docs/benchmarks.md)
search: $(INSTALLED_DEV)
	$(BIN)/python -m benchmarks.search $(ARGS)

## make ablations: what each of notebook 05's choices adds, three seeds each (about 20 minutes; writes mnist_helpers/measured/ablations.json, which 05 plots)
ablations: $(INSTALLED_DEV)
	$(BIN)/python -m benchmarks.ablations $(ARGS)

clean:
	rm -rf $(VENV) $(JAX_VENV) runs  # not learner/: it may hold a learner's work
