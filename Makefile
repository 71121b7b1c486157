# 零扰企 — the two commands: `make run` (demo on http://127.0.0.1:8000) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
TEST_ARGS ?=
# pytest-xdist workers for make test / test-pg (the suite takes ~6 min on SQLite with one).
TEST_WORKERS ?= 2

.PHONY: run test test-pg lint install system-deps static-deps serve migrate demo clean

# ECharts for the KPI dashboard: from npm (package-lock.json), copied into the oversight app's
# static files (git-ignored); never from a CDN.
ECHARTS := zerodisturb/oversight/static/oversight/vendor/echarts.min.js

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements.lock -e ".[dev]"
	touch $(STAMP)

$(ECHARTS): package.json package-lock.json
	@command -v npm >/dev/null || { [ "$$(id -u)" -eq 0 ] && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null; }
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(dir $(ECHARTS))
	cp node_modules/echarts/dist/echarts.min.js $@

static-deps: $(ECHARTS)

install: $(STAMP) $(ECHARTS)

# Debian packages the tests and PDFs need (Chromium, CJK fonts, QR decoder, poppler).
system-deps:
	@bash scripts/system-deps.sh

migrate: install
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py seed_demo

run: demo
	$(PY) manage.py collectstatic --noinput -v0
	@echo "零扰企 演示：http://127.0.0.1:$(PORT)/  （Ctrl-C 停止；后台任务进程随之停止）"
	@trap 'kill 0' EXIT INT TERM; \
	  $(PY) manage.py db_worker --interval 1 >var/worker.log 2>&1 & \
	  while true; do $(PY) manage.py run_deadlines --enqueue >>var/deadlines.log 2>&1; sleep 600; done & \
	  $(VENV)/bin/gunicorn zerodisturb.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 \
	    --access-logfile - ; wait

# pytest exits 5 when it collected nothing: that is a failure here, as is any other non-zero code.
test: install system-deps
	@$(PY) -m pytest -n $(TEST_WORKERS) $(TEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "错误：没有收集到任何测试" >&2; fi; exit $$rc

test-pg: install
	@DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
	  $(PY) -m pytest -n $(TEST_WORKERS) $(TEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "错误：没有收集到任何测试" >&2; fi; exit $$rc

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles test-output node_modules $(dir $(ECHARTS))
