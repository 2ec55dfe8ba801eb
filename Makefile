# make app        - set up .venv on first use and serve the public calculator on http://127.0.0.1:8866
# make test       - set up .venv on first use and run every test (package, notebooks, servers, browser, site)
# make test-fast  - the unit tests only (no server, browser, site build or notebook): the developer's loop
# make web        - the light calculator page and the web API on http://127.0.0.1:8000
# The README lists the others (site, workbench, lab, classroom, bench, bench-web, bench-voila).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8866
SITE_PORT ?= 8001
WORKERS ?= 1
# `make web` listens on 8000 unless PORT is given (PORT's own default, 8866, is the Voila calculator's).
WEB_PORT := $(if $(filter command line environment,$(origin PORT)),$(PORT),8000)
TOKEN  ?=
POOL   ?= 4

.PHONY: app test test-fast lint venv bench workbench lab classroom site serve-site clean web

venv: $(STAMP)

# Re-install whenever the dependency list changes; editable, so data/ edits are live.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,site]'
	touch $(STAMP)

# What the browser tests inject into pages (axe-core), from the committed lock, exact versions.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $(NODE_STAMP)

# Two workers; a test file stays on one worker (its server or browser starts once), notebooks run in order.
PYTEST := $(PY) -m pytest -n 2 --dist loadfile

test: $(STAMP) $(NODE_STAMP)
	$(PYTEST) tests notebooks --nbval --durations=15

test-fast: $(STAMP)
	$(PYTEST) tests -m unit --durations=10

lint: $(STAMP)
	$(PY) -m ruff check socmethod tests benchmarks tools conftest.py

# The public calculator on http://$(HOST):$(PORT) (loopback unless told otherwise). The Voila settings
# and the rule-data check live in socmethod/serving/voila.py.
app: $(STAMP)
	$(PY) -m socmethod.serving.voila --host $(HOST) --port $(PORT) --pool $(POOL)

# The light page and the stateless web API (socmethod/serving/web.py): uvicorn, WORKERS processes.
web: $(STAMP)
	$(PY) -m socmethod.serving.web --host $(HOST) --port $(WEB_PORT) --workers $(WORKERS)

# The methodologist's workbench (change editor, compare with an uploaded register, heat maps, gaps) on
# http://$(HOST):8867.
workbench: $(STAMP)
	$(PY) -m socmethod.serving.voila --notebook workbench --host $(HOST) --port 8867 --pool 1

# JupyterLab on the kit's notebooks, opening notebooks/analysis.ipynb (pandas and the kit); loopback, and the
# address with its token printed (TOKEN=... sets your own).
LAB_PORT ?= 8888
lab: $(STAMP)
	$(PY) -m socmethod.serving.lab --host $(HOST) --port $(LAB_PORT) $(if $(TOKEN),--token $(TOKEN))

# Training pages (socmethod/serving/classroom.py): trainees on http://$(HOST):$(PORT), with an access token whenever
# HOST is not loopback (generated and printed unless TOKEN=...); the trainer's page on http://127.0.0.1:8868 only.
classroom: $(STAMP)
	$(PY) -m socmethod.serving.classroom --host $(HOST) --port $(PORT) $(if $(TOKEN),--token $(TOKEN))

# The static edition: Voici (Python in the browser on Pyodide); everything it loads is in _site/,
# so any static web server or CDN can serve it to any number of visitors, with no kernel on the server.
site: $(STAMP)
	$(PY) tools/build_site.py --out _site

# Any static server will do; this one is for trying it locally.
serve-site: site
	$(PY) -m http.server $(SITE_PORT) --bind $(HOST) --directory _site

bench: $(STAMP)
	$(PY) benchmarks/batch_speed.py
	$(PY) benchmarks/workbench_speed.py
	$(PY) benchmarks/calculator_speed.py

clean:
	rm -rf $(VENV) build dist _site *.egg-info .pytest_cache

# The public Voila server: what a page costs to fetch (stock Voila and the kit's server side by side) and a
# flood of widget updates by two sessions while an honest visitor answers. Several minutes.
# The light page and the API: the emulated phone (beside Voila and a plain-HTML floor), Lighthouse's
# mobile preset (npm installs lighthouse@12.2.3 on first use) and the loopback load test. About 10 minutes.
.PHONY: bench-web
bench-web: $(STAMP)
	$(PY) benchmarks/web_phone.py
	$(PY) benchmarks/web_lighthouse.py
	$(PY) benchmarks/web_load.py

.PHONY: bench-voila
bench-voila: $(STAMP)
	$(PY) benchmarks/voila_delivery.py
	$(PY) benchmarks/flood.py
