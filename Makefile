# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test lint bench stress venv clean package package-test

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/csa-inspector demo --out demo-output

test: $(STAMP)
	$(PY) -m pytest -q

lint: $(STAMP)
	$(PY) -m ruff check .

bench: $(STAMP)
	$(PY) -m pip install -q -e '.[test,bench]'
	$(PY) bench/run_bench.py --out bench-results/bench.json
	$(PY) bench/review_loop.py --out bench-results/review_loop.json
	$(PY) bench/bench_gui.py --out bench-results/gui.json

stress: $(STAMP)
	$(PY) bench/stress.py --out bench-results/stress.json

# Desktop bundle (PyInstaller, one folder): dist/csa-inspector/csa-inspector. Several minutes; not part of `make test`.
package: $(STAMP)
	$(PY) -m pip install -q -e '.[package]'
	$(PY) -m PyInstaller --clean --noconfirm --distpath dist --workpath build packaging/csa_inspector.spec

package-test: package
	bash packaging/package_test.sh dist/csa-inspector

clean:
	rm -rf demo-output bench-results test-artifacts build dist .pytest_cache
