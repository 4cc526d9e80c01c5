# The two commands a newcomer needs: `make demo` and `make test`.
SHELL := /bin/bash
UV := $(shell scripts/ensure-uv)
export UV_PYTHON := $(shell scripts/find-python)
export UV_PYTHON_DOWNLOADS := never

.PHONY: demo test lint bench soak audit install

install:
	$(UV) sync --frozen

demo: install
	$(UV) run tanto demo

lint: install
	$(UV) run ruff check .
	$(UV) run mypy

test:
	UV="$(UV)" scripts/test

# Known vulnerabilities in the locked dependencies (needs PyPI's vulnerability data over the network).
audit: install
	UV="$(UV)" scripts/audit

bench: install
	$(UV) run python bench/run.py

# The whole system under fire on PostgreSQL; SOAK_DOCS and SOAK_MINUTES size it.
soak: install
	scripts/ensure-system-packages
	scripts/with-postgres $(UV) run python bench/soak.py
