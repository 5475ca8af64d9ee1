# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test lint translations update-translations bench bench-budget bench-gui bench-ablation stress venv clean package package-test

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,runtimes]'
	touch $(STAMP)

venv: $(STAMP)

# Compiled translations (.qm) are built from the .ts files, never committed; update-translations collects new
# texts from the sources into the .ts files for translating.
TS_FILES := $(wildcard resources/i18n/*.ts)
QM_FILES := $(TS_FILES:.ts=.qm)

translations: $(QM_FILES)

resources/i18n/%.qm: resources/i18n/%.ts $(STAMP)
	$(VENV)/bin/pyside6-lrelease -silent $< -qm $@

update-translations: $(STAMP)
	$(VENV)/bin/pyside6-lupdate -extensions py -locations none -no-obsolete app core -ts $(TS_FILES)

demo: $(STAMP) translations
	$(VENV)/bin/csa-inspector demo --out demo-output

test: $(STAMP) translations
	$(PY) -m pytest -q

lint: $(STAMP)
	$(PY) -m ruff check .

bench: $(STAMP)
	$(PY) -m pip install -q -e '.[test,bench,runtimes]'
	$(PY) -m bench.run_bench --seeds 3 --train-limit 600 --out bench-results/bench.json
	$(PY) -m bench.runtimes --out bench-results/runtimes.json
	$(PY) -m bench.camera_frames --out bench-results/frames.json
	$(PY) -m bench.review_loop --out bench-results/review_loop.json
	$(PY) -m bench.bench_gui --out bench-results/gui.json

# Accuracy against training time on tire: every flow at 2, 8 and 24 epochs beside PatchCore, 3 seeds (about an hour).
bench-budget: $(STAMP)
	$(PY) -m pip install -q -e '.[test,bench]'
	$(PY) -m bench.run_bench --categories tire --models csflow,anomalib-csflow,anomalib-patchcore --seeds 3 \
		--budget-epochs 2,24 --timing-images 16 --timing-repeats 1 --out bench-results/budget.json

# The inspector's timings alone (first thumbnails, switching photos, deciding): part of `make bench`.
bench-gui: $(STAMP)
	$(PY) -m bench.bench_gui --out bench-results/gui.json

# Where our flow differs from anomalib's CS-Flow, measured on cached features over 3 seeds (about an hour per set).
bench-ablation: $(STAMP)
	$(PY) -m pip install -q -e '.[test,bench]'
	$(PY) -m bench.flow_ablation --seeds 3 --out bench-results/ablation.jsonl
	$(PY) -m bench.ablation_report bench-results/ablation.jsonl

stress: $(STAMP)
	$(PY) -m bench.stress --out bench-results/stress.json

# Desktop bundle (PyInstaller, one folder): dist/csa-inspector/csa-inspector. Several minutes; not part of `make test`.
package: $(STAMP) translations
	$(PY) -m pip install -q -e '.[package,runtimes]'
	$(PY) -m PyInstaller --clean --noconfirm --distpath dist --workpath build packaging/csa_inspector.spec

package-test: package
	bash packaging/package_test.sh dist/csa-inspector

clean:
	rm -rf resources/i18n/*.qm demo-output bench-results test-artifacts build dist .pytest_cache
