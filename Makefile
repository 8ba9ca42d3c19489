# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8080
AWS_PORT ?= 4566
PYTEST := $(PY) -m pytest -p no:cacheprovider

.DEFAULT_GOAL := help
.PHONY: help deps run test lint unit integration e2e infra bench build openapi clean chromium

help:
	@echo "make run    the local cloud with demo data on http://127.0.0.1:$(PORT) (no AWS account, no Docker)"
	@echo "make test   everything CI runs: lint, unit, integration, e2e (browser), infra"
	@echo "make bench  benchmarks → bench/RESULTS.md      make build   sam build for AWS"

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip setuptools wheel
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

deps: $(VENV)/.installed

run: deps spa
	$(PY) -m localcloud run --port $(PORT) --aws-port $(AWS_PORT)

# Debian's chromium drives the browser tests (Playwright's own browser download is not reachable here).
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

include mk/*.mk

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

unit: deps
	$(PYTEST) tests/unit -q

integration: deps
	$(PYTEST) tests/integration -q -n 2

e2e: deps chromium spa
	$(PYTEST) tests/e2e -q

infra: deps infra-tools
	$(PYTEST) tests/infra -q

test: lint unit integration spa-test e2e infra

openapi: deps
	$(PY) scripts/openapi.py --write

bench: deps spa
	$(PY) -m bench --write bench/RESULTS.md

build: infra-tools sam-build

clean:
	rm -rf .local .aws-sam frontend/spa/dist
