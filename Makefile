# The two commands of the README. Both create .venv/ on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test setup

# Main job: build the example cohort (examples/cohort.toml) and grade it with the hidden suites; the
# command ends by printing where the reports are.
# By default the Part 1 components (about 4 minutes on 2 cores); `make demo COMPONENTS=all` grades
# all 24 (about 5 minutes). A second run reuses every report whose submission has not changed.
COMPONENTS ?= activations linear softmax gradcheck mlp optim dataloader dropout normalization conv2d rnn \
              attention training
COHORT := out/cohort
REPORTS := out/reports

demo: setup
	$(PY) examples/build_cohort.py $(COHORT)
	$(PY) -m grader grade $(COHORT) --out $(REPORTS) $(if $(filter all,$(COMPONENTS)),,--components $(COMPONENTS))

# The kit's full test suite (what .ci/run calls).
test: setup
	$(PY) -m grader stubs --check
	$(PY) -m pytest tests/public tests/hidden --impl solutions --hypothesis-profile=ci
	$(PY) -m pytest tests/kit --hypothesis-profile=ci

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[course,docs]"
	$(PY) -c "import numpy, torch, torchvision, matplotlib, hypothesis, pytest, sklearn, tqdm"
	touch $@
