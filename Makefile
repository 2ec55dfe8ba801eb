# make app   - set up .venv on first use and serve the public calculator on http://127.0.0.1:8866
# make test  - set up .venv on first use and run every test (package, notebooks, browser)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

HOST   ?= 127.0.0.1
PORT   ?= 8866

.PHONY: app test venv bench workbench clean

venv: $(STAMP)

# Re-install whenever the dependency list changes; editable, so data/ edits are live.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

test: $(STAMP)
	$(PY) -m pytest tests notebooks --nbval -p no:cacheprovider

# The public calculator on http://$(HOST):$(PORT) (loopback unless told otherwise). The Voila settings
# and the rule-data check live in socmethod/serve.py.
app: $(STAMP)
	$(PY) -m socmethod.serve --host $(HOST) --port $(PORT)

# The methodologist's workbench (gaps, heat maps, change and compare) on http://$(HOST):8867.
workbench: $(STAMP)
	$(PY) -m socmethod.serve --notebook workbench --host $(HOST) --port 8867 --pool 1

bench: $(STAMP)
	$(PY) benchmarks/batch_speed.py
	$(PY) benchmarks/workbench_speed.py
	$(PY) benchmarks/calculator_speed.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
