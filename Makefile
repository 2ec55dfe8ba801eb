# make app   - set up .venv on first use and serve the public calculator on http://127.0.0.1:8866
# make test  - set up .venv on first use and run every test (package, notebooks, browser)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: test venv bench clean

venv: $(STAMP)

# Re-install whenever the dependency list changes; editable, so data/ edits are live.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

test: $(STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) benchmarks/batch_speed.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
