# Two entry points: `make run` (install, create and seed the demo store, serve) and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := chromium dataset-fashion-mnist espeak-ng fonts-dejavu-core fonts-liberation postgresql

export ASSISTANT_DATA_DIR ?= $(CURDIR)/data

.PHONY: install system-packages run test bench clean

install: system-packages $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Debian packages the tests and benchmarks use; installed only when missing (needs root or sudo).
system-packages:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing; \
	fi

run: install
	$(BIN)/assistant init
	$(BIN)/assistant seed --demo-staff
	$(BIN)/assistant serve

# The whole suite twice: on SQLite files, then on a throwaway PostgreSQL server the tests start.
test: install
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest --db-backend=postgresql

bench: install
	$(BIN)/python bench/retrieval.py
	$(BIN)/python bench/small_store.py
	$(BIN)/python bench/other_stores.py
	$(BIN)/python bench/intent_guess.py
	$(BIN)/python bench/multilingual.py
	$(BIN)/python bench/code_pages.py
	$(BIN)/python bench/small_talk.py
	$(BIN)/python bench/products.py
	$(BIN)/python bench/vision.py
	$(BIN)/python bench/speech.py
	$(BIN)/python bench/ocr.py
	$(BIN)/python bench/load.py --customers 20 --seconds 60
	$(BIN)/python bench/load.py --customers 20 --seconds 60 --mix text=0.7,photo=0.2,voice=0.1

clean:
	rm -rf $(VENV) data .pytest_cache
