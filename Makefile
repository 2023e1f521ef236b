# Quick start: `make demo` and `make test` work from a fresh clone with nothing installed.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev

.PHONY: demo test lint typecheck pytest self-audit self-audit-full bench clean chromium system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

## demo: set up and audit the bundled example project; reports go to .testvet/
demo: $(VENV)/.installed
	$(BIN)/testvet audit examples/taskq --output-dir .testvet || test $$? -eq 1

## system-deps: Debian packages the tests use, installed only when missing:
##   chromium + chromium-driver (HTML report browser tests), libfiu (disk faults in
##   subprocesses), faketime (clock skew in subprocesses)
CHROMIUM     ?= /usr/bin/chromium
CHROMEDRIVER ?= /usr/bin/chromedriver
SYSTEM_PKGS  := chromium chromium-driver libfiu0 fiu-utils faketime
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
system-deps chromium:
	@if [ ! -x $(CHROMIUM) ] || [ ! -x $(CHROMEDRIVER) ] || ! command -v fiu-run >/dev/null \
		|| ! command -v faketime >/dev/null; then \
		echo "installing Debian packages for the tests: $(SYSTEM_PKGS)"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(SYSTEM_PKGS); \
	fi

## test: set up and run ruff, mypy and the whole test suite
test: $(STAMP) system-deps
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 --dist loadgroup
	$(BIN)/testvet audit . --static-only --format terminal --output-dir .testvet/self

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

## self-audit: testvet audits its own suite under its strictest policy
self-audit: $(STAMP)
	$(BIN)/testvet audit . --static-only --output-dir .testvet/self

## self-audit-full: the same with the instrumented run and extreme mutation (18-36 min from an empty cache)
self-audit-full: $(STAMP) system-deps
	TESTVET_TEST_ARTIFACTS=$(CURDIR)/.testvet/self-full-artifacts \
	  $(BIN)/testvet audit . --mutation extreme --output-dir .testvet/self-full

clean:
	rm -rf $(VENV) .testvet .mypy_cache .ruff_cache .pytest_cache
