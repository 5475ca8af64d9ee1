"""Ablation of the flow head: where our flow differs from anomalib's CS-Flow, which choice pays off on average?

Backbone features are extracted once per set (the frozen backbone makes them the same for every head) and kept
in ``--cache``; each configuration then trains only its flow head, on the same features, for every seed. A seed
sets the flow's initial weights, the order of the training batches and which training photos are held out
(early stopping, threshold), exactly as in :meth:`core.scoring.detector.Detector.train`. Every configuration is scored
by image AUROC on the whole test set and, from the same trained model, on good photos against each defect type
alone: a head that only catches the easy type shows it there.

Sets: every MVTec-layout category under ``--datasets`` plus a synthetic brake-unit category
(:mod:`core.synthetic`). Reference rows train anomalib's CS-Flow and PatchCore heads on the same features (as
:mod:`bench.run_bench` does). Budgets: the model our trainer would keep (lowest held-out NLL so far) is also
scored after each epoch in ``--budget-epochs``, from the same run, so an 8-epoch run also says what 2 epochs give.

Results are appended run by run to ``--out`` (JSON lines), so an interrupted ablation resumes where it stopped;
``--table`` prints the mean and standard deviation over seeds per configuration and set. Example::

    python -m bench.flow_ablation --seeds 3 --out bench-results/ablation.jsonl
    python -m bench.flow_ablation --table --out bench-results/ablation.jsonl
"""
from __future__ import annotations

import argparse
import copy
import json
import math
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np
import torch

from bench.subsets import evenly_spaced
from core.config import FlowConfig, InputConfig, ModelConfig, TrainConfig
from core.photos.datasets import find_categories, test_items, training_images
from core.scoring.detector import seed_everything, split_holdout
from core.features.extractor import FeatureExtractor, FeatureSet
from core.flow.anomaly_map import image_scores
from core.flow.torch_model import CSAFlow
from core.evaluation.metrics import image_auroc
from core.training.trainer import fit_flow
from core.results import ProgressEvent

REPO_ROOT = Path(__file__).resolve().parents[1]

DEFAULT_DATASETS = REPO_ROOT.parent / "shared" / "datasets"
PEERS = ("anomalib-csflow", "anomalib-patchcore")


@dataclass(frozen=True)
class Variant:
    """One configuration: changes against the base flow and training configuration (or a peer head)."""

    name: str
    flow: dict[str, Any] = field(default_factory=dict)
    train: dict[str, Any] = field(default_factory=dict)
    peer: Optional[str] = None


def _v(name: str, peer: Optional[str] = None, train: Optional[dict] = None, **flow) -> Variant:
    return Variant(name, flow, train or {}, peer)


#: base: plain csflow with the engine's current choices; each row changes one of them
VARIANTS: dict[str, Variant] = {v.name: v for v in (
    _v("csflow", variant="csflow"),
    _v("csflow+ca", variant="csflow+ca"),
    _v("csflow+sa", variant="csflow+sa"),
    _v("csa", variant="csa"),
    _v("csa: SA on all scales", variant="csa", sa_scales=(0, 1, 2)),
    _v("csa: SA weight starts at 1", variant="csa", sa_gamma_init=1.0),
    _v("csflow: raw features", variant="csflow", standardize=False),
    _v("csflow: CS-Flow init (scale 0)", variant="csflow", subnet_init="zero_gamma"),
    _v("csflow: log-det summed over batch", variant="csflow", train={"logdet_reduction": "batch_sum"}),
    _v("csflow: clamp 1.5", variant="csflow", clamp=1.5),
    _v("csflow: hidden 32", variant="csflow", hidden_channels=32),
    _v("csflow: hidden 128", variant="csflow", hidden_channels=128),
    _v("csflow: lr 1e-4", variant="csflow", train={"lr": 1e-4}),
    _v("csflow: lr 1e-3", variant="csflow", train={"lr": 1e-3}),
    _v("csflow: raw features + lr 1e-3", variant="csflow", standardize=False, train={"lr": 1e-3}),
    _v("anomalib CsFlow", peer="anomalib-csflow"),
    _v("anomalib PatchCore", peer="anomalib-patchcore"),
)}


@dataclass
class SetFeatures:
    """Cached features of one set: training photos, test photos, their labels and defect types."""

    name: str
    train: FeatureSet
    test: FeatureSet
    labels: np.ndarray
    types: list[str]


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def load_set(category: Path, name: str, image_size: int, train_limit: Optional[int], cache: Path) -> SetFeatures:
    """Features of a category, extracted once and kept in ``cache`` (the backbone is frozen and deterministic)."""
    path = cache / f"{name}-{image_size}-{train_limit or 'all'}.pt"
    if path.is_file():
        data = torch.load(path, weights_only=True)
    else:
        config = ModelConfig(input=InputConfig(image_size=image_size))
        extractor = FeatureExtractor(config.backbone, config.input, torch.device("cpu"))
        train_paths = evenly_spaced(training_images(category), train_limit)
        items = test_items(category)
        log(f"{name}: extracting features of {len(train_paths)} training and {len(items)} test photos")
        train = extractor.extract_paths(train_paths)
        test = extractor.extract_paths([i.path for i in items])
        by_path = {i.path: i for i in items}
        data = {
            "train": [s.contiguous() for s in train.scales],
            "test": [s.contiguous() for s in test.scales],
            "labels": torch.tensor([by_path[p].label for p in test.paths]),
            "types": [by_path[p].defect_type for p in test.paths],
            "n_train": len(train),
        }
        cache.mkdir(parents=True, exist_ok=True)
        torch.save(data, path)
    n_train, n_test = data["train"][0].shape[0], data["test"][0].shape[0]
    return SetFeatures(name, FeatureSet(data["train"], [Path(f"train{i}") for i in range(n_train)]),
                       FeatureSet(data["test"], [Path(f"test{i}") for i in range(n_test)]),
                       data["labels"].numpy(), list(data["types"]))


def synthetic_category(cache: Path, image_size: int) -> Path:
    """A synthetic brake-unit category (deterministic) under the cache folder, generated once."""
    from core.synthetic import SceneConfig, generate_dataset

    root = cache / f"synthetic-{image_size}"
    category = root / "brake_unit"
    if not (category / "train" / "good").is_dir():
        log("generating the synthetic brake-unit category")
        generate_dataset(root, n_train=120, n_test_good=40, n_test_bad=40, config=SceneConfig(size=image_size))
    return category


def aurocs(labels: np.ndarray, types: Sequence[str], scores: np.ndarray) -> dict[str, float]:
    """Image AUROC on all test photos ("all") and on good photos against each defect type alone."""
    out = {"all": image_auroc(labels, scores)}
    good = labels == 0
    for defect in sorted({t for t, label in zip(types, labels) if label == 1}):
        keep = good | np.array([t == defect for t in types])
        out[defect] = image_auroc(labels[keep], scores[keep])
    return out


@torch.no_grad()
def flow_scores(flow: CSAFlow, features: FeatureSet, batch_size: int = 32) -> np.ndarray:
    flow.eval()
    out = []
    for start in range(0, len(features), batch_size):
        z, _ = flow([s[start : start + batch_size] for s in features.scales])
        out.append(image_scores(z).numpy())
    return np.concatenate(out)


def run_ours(variant: Variant, data: SetFeatures, seed: int, epochs: int, budgets: Sequence[int],
             base: ModelConfig) -> dict[str, Any]:
    flow_cfg = replace(base.flow, seed=seed, **variant.flow)
    train_cfg = replace(base.train, seed=seed, epochs=epochs, **variant.train)
    seed_everything(seed)
    train_idx, hold_idx = split_holdout(len(data.train), train_cfg.holdout_fraction, seed)
    train, hold = data.train.subset(train_idx), data.train.subset(hold_idx)
    flow = CSAFlow([tuple(s.shape[1:]) for s in data.train.scales], flow_cfg)
    flow.set_feature_statistics(train.scales)
    best: dict[str, Any] = {"loss": math.inf, "state": None}
    at_budget: dict[int, dict[str, float]] = {}
    started = time.monotonic()
    seconds: dict[int, float] = {}
    scoring = {"s": 0.0}  # time spent scoring budgets mid-run: not training time

    def on_epoch(event: ProgressEvent) -> None:
        # the model the trainer would keep if it stopped here: the lowest held-out NLL so far
        if event.stage != "train" or event.done == 0:
            return
        val = (event.extra or {}).get("val_loss")
        if val is not None and val < best["loss"]:
            best["loss"], best["state"] = val, copy.deepcopy(flow.state_dict())
        if event.done in budgets and event.done < epochs:
            now = time.monotonic()
            seconds[event.done] = now - started - scoring["s"]
            live = copy.deepcopy(flow.state_dict())
            flow.load_state_dict(best["state"] or live)
            at_budget[event.done] = aurocs(data.labels, data.types, flow_scores(flow, data.test))
            flow.load_state_dict(live)
            flow.train()
            scoring["s"] += time.monotonic() - now

    report = fit_flow(flow, train.scales, hold.scales, train_cfg, torch.device("cpu"), progress=on_epoch)
    seconds[epochs] = report.seconds - scoring["s"]
    at_budget[epochs] = aurocs(data.labels, data.types, flow_scores(flow, data.test))
    # an early stop ends the run before later budgets: they keep the final model
    for b in budgets:
        if b > report.epochs_run and b not in at_budget:
            at_budget[b], seconds[b] = at_budget[epochs], report.seconds
    return {"epochs_run": report.epochs_run, "best_epoch": report.best_epoch,
            "budgets": {str(b): {"auroc": at_budget[b], "seconds": seconds[b]} for b in sorted(at_budget)}}


def run_anomalib_csflow(data: SetFeatures, seed: int, epochs: int, budgets: Sequence[int],
                        base: ModelConfig) -> dict[str, Any]:
    from anomalib.models.image.csflow.torch_model import CsFlowModel

    from bench.anomalib_csflow import SharedFeatureCrossScaleFlow, fit_cross_scale_flow

    seed_everything(seed)
    train_idx, hold_idx = split_holdout(len(data.train), base.train.holdout_fraction, seed)
    train, hold = data.train.subset(train_idx), data.train.subset(hold_idx)
    torch.manual_seed(seed)
    flow = SharedFeatureCrossScaleFlow([tuple(s.shape[1:]) for s in data.train.scales], base.flow.n_blocks,
                                       base.flow.clamp, base.flow.hidden_channels)
    train_cfg = replace(base.train, seed=seed, epochs=epochs)

    @torch.no_grad()
    def scores() -> np.ndarray:
        flow.eval()
        out = []
        for start in range(0, len(data.test), 32):
            z, _ = flow([s[start : start + 32] for s in data.test.scales])
            out.append(CsFlowModel._compute_anomaly_scores(list(z)).numpy())
        return np.concatenate(out)

    at_budget: dict[int, dict[str, float]] = {}
    seconds: dict[int, float] = {}
    started = time.monotonic()
    scoring = {"s": 0.0}

    def on_epoch(epoch: int, best_state: Optional[dict]) -> None:
        if epoch in budgets and epoch < epochs:
            now = time.monotonic()
            seconds[epoch] = now - started - scoring["s"]
            live = copy.deepcopy(flow.state_dict())
            flow.load_state_dict(best_state or live)
            at_budget[epoch] = aurocs(data.labels, data.types, scores())
            flow.load_state_dict(live)
            flow.train()
            scoring["s"] += time.monotonic() - now

    summary = fit_cross_scale_flow(flow, train.scales, hold.scales, train_cfg, torch.device("cpu"),
                                   on_epoch=on_epoch)
    seconds[epochs] = summary.seconds - scoring["s"]
    at_budget[epochs] = aurocs(data.labels, data.types, scores())
    for b in budgets:
        if b > summary.epochs_run and b not in at_budget:
            at_budget[b], seconds[b] = at_budget[epochs], summary.seconds
    return {"epochs_run": summary.epochs_run, "best_epoch": summary.best_epoch,
            "budgets": {str(b): {"auroc": at_budget[b], "seconds": seconds[b]} for b in sorted(at_budget)}}


def run_patchcore(data: SetFeatures, seed: int, base: ModelConfig, ratio: float = 0.01,
                  cap: int = 1000) -> dict[str, Any]:
    from bench.anomalib_patchcore import PATCHCORE_LEVELS, SharedFeaturePatchcore

    train_idx, _ = split_holdout(len(data.train), base.train.holdout_fraction, seed)
    train = data.train.subset(train_idx)
    started = time.monotonic()
    model = SharedFeaturePatchcore()
    for start in range(0, len(train), 32):
        model.add_to_memory([s[start : start + 32] for s in train.scales[:PATCHCORE_LEVELS]])
    n_patches = sum(e.shape[0] for e in model.embedding_store)
    bank = min(max(1, int(n_patches * ratio)), cap)
    torch.manual_seed(seed)
    model.build_memory_bank((bank + 0.5) / n_patches)
    model.eval()
    seconds = time.monotonic() - started
    side = base.input.image_size
    out = []
    with torch.no_grad():
        for start in range(0, len(data.test), 32):
            s, _ = model.score([t[start : start + 32] for t in data.test.scales[:PATCHCORE_LEVELS]], (side, side))
            out.append(s.float().numpy())
    result = {"auroc": aurocs(data.labels, data.types, np.concatenate(out)), "seconds": seconds}
    return {"epochs_run": 0, "best_epoch": 0, "budgets": {"0": result}}


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="flow_ablation.py", description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    parser.add_argument("--categories", default=None, help="comma-separated category names (default: all found)")
    parser.add_argument("--no-synthetic", action="store_true", help="leave out the synthetic brake-unit set")
    parser.add_argument("--image-size", type=int, default=384)
    parser.add_argument("--train-limit", type=int, default=200,
                        help="training photos per set, evenly spaced (default: %(default)s; 0 = all)")
    parser.add_argument("--seeds", type=int, default=3, help="seeds 0 .. N-1 (default: %(default)s)")
    parser.add_argument("--only-seeds", default=None,
                        help="comma-separated seeds to run of those (to share the work between processes)")
    parser.add_argument("--epochs", type=int, default=8, help="epochs per run (default: %(default)s)")
    parser.add_argument("--budget-epochs", default="2,8", help="also score the kept model after these epochs")
    parser.add_argument("--variants", default=None,
                        help="comma-separated names from the list (default: all); --list shows them")
    parser.add_argument("--list", action="store_true", help="list the configurations and exit")
    parser.add_argument("--cache", type=Path, default=Path("bench-results") / "ablation-cache")
    parser.add_argument("--out", type=Path, default=Path("bench-results") / "ablation.jsonl")
    parser.add_argument("--table", action="store_true", help="only print the table of the results in --out")
    parser.add_argument("--threads", type=int, default=None)
    return parser.parse_args(argv)


def done_keys(path: Path) -> set[tuple]:
    if not path.is_file():
        return set()
    keys = set()
    for line in path.read_text().splitlines():
        if line.strip():
            r = json.loads(line)
            keys.add((r["variant"], r["set"], r["seed"], r["epochs"], r.get("train_limit")))
    return keys


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    if args.list:
        for name in VARIANTS:
            print(name)
        return 0
    if args.table:
        from bench.ablation_report import print_tables

        print_tables([args.out])
        return 0
    if args.threads:
        torch.set_num_threads(args.threads)
    names = [n.strip() for n in args.variants.split(",")] if args.variants else list(VARIANTS)
    unknown = [n for n in names if n not in VARIANTS]
    if unknown:
        raise SystemExit(f"unknown configuration(s): {unknown}; see --list")
    budgets = sorted({int(b) for b in args.budget_epochs.split(",") if b.strip()} | {args.epochs})
    train_limit = args.train_limit or None
    categories = [(c, c.name) for c in find_categories(args.datasets)] if args.datasets.is_dir() else []
    if args.categories:
        wanted = {c.strip() for c in args.categories.split(",")}
        categories = [(c, n) for c, n in categories if n in wanted]
    if not args.no_synthetic:
        categories.append((synthetic_category(args.cache, args.image_size), "synthetic"))
    base = ModelConfig(input=InputConfig(image_size=args.image_size), flow=FlowConfig(), train=TrainConfig())
    done = done_keys(args.out)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    for category, name in categories:
        data = load_set(category, name, args.image_size, train_limit, args.cache)
        seeds = range(args.seeds)
        if args.only_seeds:
            seeds = [s for s in seeds if str(s) in args.only_seeds.split(",")]
        for seed in seeds:
            for vname in names:
                variant = VARIANTS[vname]
                epochs = 0 if variant.peer == "anomalib-patchcore" else args.epochs
                key = (vname, name, seed, epochs, train_limit)
                if key in done:
                    continue
                started = time.monotonic()
                try:
                    if variant.peer == "anomalib-patchcore":
                        result = run_patchcore(data, seed, base)
                    elif variant.peer == "anomalib-csflow":
                        result = run_anomalib_csflow(data, seed, args.epochs, budgets, base)
                    else:
                        result = run_ours(variant, data, seed, args.epochs, budgets, base)
                except Exception as err:  # a diverged configuration is a result too, not the end of the run
                    result = {"error": f"{type(err).__name__}: {err}", "budgets": {}}
                record = {"variant": vname, "set": name, "seed": seed, "epochs": epochs, "train_limit": train_limit,
                          "n_train": len(data.train), "n_test": len(data.test), "wall_s": time.monotonic() - started,
                          **result}
                with args.out.open("a") as fh:
                    fh.write(json.dumps(record) + "\n")
                final = result["budgets"].get(str(epochs), {}).get("auroc", {}).get("all")
                log(f"{name} seed {seed} {vname}: AUROC {final if final is None else round(final, 3)} "
                    f"({record['wall_s']:.0f} s){' ' + result['error'] if 'error' in result else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
