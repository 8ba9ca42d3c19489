# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
# Python 3.13, as on Lambda. pyenv (as on these machines) answers `python3.13` only for a version it
# is told to use, so name its newest 3.13 when there is one; the SAM CLI's build finds it the same way.
PYENV_313 := $(lastword $(sort $(notdir $(wildcard $(HOME)/.pyenv/versions/3.13*))))
ifneq ($(PYENV_313),)
export PYENV_VERSION := $(PYENV_313)
endif
PYTHON ?= python3.13
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8080
AWS_PORT ?= 4566
PYTEST := $(PY) -m pytest -p no:cacheprovider

.DEFAULT_GOAL := help
.PHONY: help deps run test lint unit integration e2e infra bench build openapi clean chromium sshd

help:
	@echo "make run    the local cloud with demo data on http://127.0.0.1:$(PORT) (no AWS account, no Docker)"
	@echo "make test   everything CI runs: lint, unit, integration, SPA and widget tests, e2e (browser), infra"
	@echo "make bench  benchmarks → bench/RESULTS.md      make build   sam build for AWS"

$(VENV)/.installed: pyproject.toml clients/budgetctl/pyproject.toml clients/agent/pyproject.toml
	@$(PY) -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install -q --upgrade pip setuptools wheel
	$(PY) -m pip install -q -e '.[dev]' -e clients/agent -e clients/budgetctl
	@touch $@

deps: $(VENV)/.installed

run: deps spa widget marketing
	$(PY) -m localcloud run --port $(PORT) --aws-port $(AWS_PORT)

# Debian's chromium drives the browser tests (Playwright's own browser download is not reachable here).
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Debian's OpenSSH server: budgetctl's integration tests run a real `sshd -D` on a loopback port. Only the
# binary is wanted: a policy-rc.d (unless the machine has one) keeps the package from starting the system's sshd.
sshd:
	@test -x /usr/sbin/sshd || { apt-get update -qq; \
		own=; test -e /usr/sbin/policy-rc.d || { own=1; printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; \
		chmod +x /usr/sbin/policy-rc.d; }; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server >/dev/null; status=$$?; \
		test -z "$$own" || rm -f /usr/sbin/policy-rc.d; exit $$status; }

include mk/*.mk

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

unit: deps
	$(PYTEST) tests/unit -q

integration: deps sshd
	$(PYTEST) tests/integration -q -n 2

e2e: deps chromium spa
	$(PYTEST) tests/e2e -q --durations=12

infra: deps infra-tools
	$(PYTEST) tests/infra -q

test: lint unit integration spa-test widget-test marketing-test e2e infra

openapi: deps
	$(PY) scripts/openapi.py --write

bench: deps spa widget
	$(PY) -m bench --write bench/RESULTS.md

build: infra-tools sam-build

clean:
	rm -rf .local .aws-sam frontend/spa/dist frontend/marketing/dist
