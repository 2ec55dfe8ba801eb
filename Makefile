# make app   - set up .venv on first use and serve the public calculator on http://127.0.0.1:8866
# make test  - set up .venv on first use and run every test (package, notebooks, browser)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

HOST   ?= 127.0.0.1
PORT   ?= 8866

.PHONY: app test venv bench clean

venv: $(STAMP)

# Re-install whenever the dependency list changes; editable, so data/ edits are live.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

test: $(STAMP)
	$(PY) -m pytest tests notebooks --nbval -p no:cacheprovider

# The public calculator. Loopback by default; kernels pre-heated, idle ones culled (a closed tab never
# frees its kernel in Voila 0.5), ipc transport (the TCP one sometimes hangs at start), no tracebacks.
app: $(STAMP)
	$(VENV)/bin/voila notebooks/calculator.ipynb --no-browser \
	  --Voila.ip=$(HOST) --port=$(PORT) \
	  --preheat_kernel=True --pool_size=2 \
	  --MappingKernelManager.cull_idle_timeout=600 --MappingKernelManager.cull_interval=60 \
	  --KernelManager.transport=ipc --VoilaExecutor.timeout=30 \
	  --Voila.show_tracebacks=False

bench: $(STAMP)
	$(PY) benchmarks/batch_speed.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
