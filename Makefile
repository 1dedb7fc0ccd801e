# The two commands of the README.  Each installs what it needs into .venv first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: book test setup system-deps

# WeasyPrint subsets fonts with HarfBuzz when Debian's libharfbuzz-subset0 is present
# (else it falls back to fontTools and warns); epubcheck needs Java (on the machine).
system-deps:
	@if command -v apt-get >/dev/null && ! ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset; then \
	  if [ "$$(id -u)" = 0 ]; then (apt-get install -y -qq libharfbuzz-subset0 >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq libharfbuzz-subset0 >/dev/null 2>&1)) || echo "note: libharfbuzz-subset0 not installed; WeasyPrint will subset with fontTools"; \
	  else echo "note: run 'sudo apt-get install libharfbuzz-subset0' for HarfBuzz font subsetting"; fi; \
	fi

$(BIN)/python:
	$(PY) -m venv $(VENV)

setup: $(BIN)/python system-deps
	$(BIN)/python -m pip install -q -e '.[test]'

book: setup
	$(BIN)/publish build manuscript -o output

test: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m pytest
