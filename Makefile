# The two commands of the README.  Each installs what it needs into .venv first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: book test setup system-deps ace

# Debian packages: libharfbuzz-subset0 (WeasyPrint subsets fonts with it, else falls
# back to fontTools and warns), libgs-common (the CMYK profile of the print PDF) and
# chromium (for DAISY Ace).  epubcheck needs Java, which the machine has.
DEBS := libharfbuzz-subset0 libgs-common chromium poppler-utils
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
	$(BIN)/python -m pip install -q -e '.[test,dask]'
	$(BIN)/python -m compileall -q src/publish
	$(BIN)/python -m publish.fonts

# DAISY Ace from npm, pinned by tools/ace/package-lock.json; Puppeteer must not
# download its own browser (it cannot here): Ace runs on Debian's Chromium.
ace: tools/ace/node_modules/.bin/ace-cli
tools/ace/node_modules/.bin/ace-cli: tools/ace/package-lock.json
	@if command -v npm >/dev/null; then cd tools/ace && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --silent --no-audit --no-fund; \
	else echo "note: npm not found; the Ace test will be skipped"; fi

book: setup
	$(BIN)/publish build manuscript -o output --profile digital --profile print

test: setup ace
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m pytest
