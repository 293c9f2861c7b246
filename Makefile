# The two commands of the README. Both create .venv/ on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test setup

# Main job: install everything, run the public suites against the reference, print a summary.
demo: setup
	$(PY) -m grader selftest --impl solutions

# The kit's full test suite (what .ci/run calls).
test: setup
	$(PY) -m grader stubs --check
	$(PY) -m pytest tests/public tests/hidden --impl solutions --hypothesis-profile=ci
	$(PY) -m pytest tests/kit --hypothesis-profile=ci

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	$(PY) -c "import numpy, torch, torchvision, matplotlib, hypothesis, pytest, sklearn, tqdm"
	touch $@
