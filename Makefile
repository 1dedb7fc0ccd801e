# The two commands of the README.  Each installs what it needs into .venv first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: book test setup system-deps

# Debian packages: libharfbuzz-subset0 (WeasyPrint subsets fonts with it, else falls
# back to fontTools and warns) and libgs-common (the CMYK profile of the print PDF).
# epubcheck needs Java, which the machine has.
DEBS := libharfbuzz-subset0 libgs-common
system-deps:
	@missing=$$(for d in $(DEBS); do dpkg -s $$d >/dev/null 2>&1 || echo $$d; done); \
	if [ -n "$$missing" ] && command -v apt-get >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get install -y -qq $$missing >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq $$missing >/dev/null 2>&1) || echo "note: could not install $$missing"; \
	  else echo "note: run 'sudo apt-get install $$missing'"; fi; \
	fi

$(BIN)/python:
	$(PY) -m venv $(VENV)

setup: $(BIN)/python system-deps
	$(BIN)/python -m pip install -q -e '.[test]'

book: setup
	$(BIN)/publish build manuscript -o output --profile digital --profile print

test: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m pytest
