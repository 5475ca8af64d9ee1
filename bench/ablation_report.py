"""Tables of the flow ablation (``bench/flow_ablation.py``): mean and standard deviation over seeds.

Usage: ``python -m bench.ablation_report bench-results/ablation*.jsonl [--markdown]``.

* main table: image AUROC per set at the main budget, the mean over all sets (per seed, then over seeds) and
  the mean over every defect type of the real sets scored on its own;
* budget table: the mean over sets after each budget of epochs, with the training seconds it took;
* per-type table: the mean AUROC of each defect type.

A spread is the sample standard deviation over seeds (seed of the flow's weights, of the batch order and of the
held-out split). Configurations are kept in the order they were first run.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

from bench.report import plain_table

SYNTHETIC = "synthetic"


def load_records(paths: Iterable[Path]) -> list[dict[str, Any]]:
    records = []
    for path in paths:
        for line in Path(path).read_text().splitlines():
            if line.strip():
                records.append(json.loads(line))
    return records


def mean_std(values: Sequence[float]) -> tuple[Optional[float], Optional[float]]:
    if not values:
        return None, None
    return statistics.fmean(values), (statistics.stdev(values) if len(values) > 1 else 0.0)


#: a cell from fewer seeds than this says how many it has
FULL_SEEDS = 3


def fmt(pair: tuple[Optional[float], Optional[float]], digits: int = 3, n: Optional[int] = None) -> str:
    mean, std = pair
    if mean is None:
        return "-"
    if n == 1:
        return f"{mean:.{digits}f} (1 seed)"
    text = f"{mean:.{digits}f} ± {std:.{digits}f}"
    return text if n is None or n >= FULL_SEEDS else f"{text} ({n} seeds)"


def cell(values: Sequence[float], digits: int = 3) -> str:
    return fmt(mean_std(values), digits, len(values))


def _budget(record: dict[str, Any], budget: Optional[int]) -> Optional[dict[str, Any]]:
    """The record's result at ``budget`` epochs (PatchCore has one result, with no epochs)."""
    budgets = record.get("budgets", {})
    if "0" in budgets:
        return budgets["0"]
    return budgets.get(str(budget)) if budget is not None else None


class Results:
    """Records indexed by configuration, set, seed and budget."""

    def __init__(self, records: Sequence[dict[str, Any]], sets: Optional[Sequence[str]] = None):
        records = [r for r in records if sets is None or r["set"] in sets]
        self.records = [r for r in records if "error" not in r]
        self.errors = [r for r in records if "error" in r]
        self.variants = list(dict.fromkeys(r["variant"] for r in records))
        self.sets = sorted({r["set"] for r in records}, key=lambda s: (s == SYNTHETIC, s))
        self.seeds = sorted({r["seed"] for r in records})
        self.budgets = sorted({int(b) for r in self.records for b in r["budgets"] if b != "0"})

    def value(self, variant: str, dataset: str, seed: int, budget: int, key: str = "all") -> Optional[float]:
        for r in self.records:
            if r["variant"] == variant and r["set"] == dataset and r["seed"] == seed:
                result = _budget(r, budget)
                if result is not None:
                    return result["auroc"].get(key) if key != "seconds" else result["seconds"]
        return None

    def per_set(self, variant: str, dataset: str, budget: int, key: str = "all") -> list[float]:
        values = [self.value(variant, dataset, s, budget, key) for s in self.seeds]
        return [v for v in values if v is not None]

    def over_sets(self, variant: str, budget: int, sets: Optional[Sequence[str]] = None) -> list[float]:
        """Per seed, the mean over the sets (only seeds that ran on every set)."""
        return list(self.over_sets_by_seed(variant, budget, sets).values())

    def over_sets_by_seed(self, variant: str, budget: int, sets: Optional[Sequence[str]] = None) -> dict[int, float]:
        sets = list(sets or self.sets)
        out = {}
        for seed in self.seeds:
            values = [self.value(variant, d, seed, budget) for d in sets]
            if values and all(v is not None for v in values):
                out[seed] = statistics.fmean(values)
        return out

    def defect_types(self) -> list[tuple[str, str]]:
        types = []
        for r in self.records:
            if r["set"] == SYNTHETIC:
                continue
            for budget in r["budgets"].values():
                for key in budget["auroc"]:
                    if key != "all" and (r["set"], key) not in types:
                        types.append((r["set"], key))
        return sorted(types)

    def over_types(self, variant: str, budget: int) -> list[float]:
        """Per seed, the mean AUROC over every defect type of the real sets, each scored on its own."""
        types = self.defect_types()
        out = []
        for seed in self.seeds:
            values = [self.value(variant, d, seed, budget, t) for d, t in types]
            if values and all(v is not None for v in values):
                out.append(statistics.fmean(values))
        return out


def _markdown(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _plain(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    return plain_table([list(header)] + [list(r) for r in rows])


def main_table(results: Results, budget: int, markdown: bool = False, reference: str = "csflow") -> str:
    header = ["configuration"] + [f"{d}" for d in results.sets] + ["mean over sets", "Δ vs " + reference,
                                                                  "mean over defect types", "train s (mean)"]
    base = results.over_sets_by_seed(reference, budget) if reference in results.variants else {}
    rows = []
    for v in results.variants:
        cells = [v] + [cell(results.per_set(v, d, budget)) for d in results.sets]
        cells.append(cell(results.over_sets(v, budget)))
        # difference to the reference, seed by seed (the same split and initial seed), then mean and spread
        mine = results.over_sets_by_seed(v, budget)
        diffs = [m - base[s] for s, m in mine.items() if s in base]
        cells.append(cell(diffs) if v != reference else "0")
        cells.append(cell(results.over_types(v, budget)))
        seconds = [x for d in results.sets for x in results.per_set(v, d, budget, "seconds")]
        cells.append(f"{statistics.fmean(seconds):.0f}" if seconds else "-")
        rows.append(cells)
    return (_markdown if markdown else _plain)(header, rows)


def budget_table(results: Results, markdown: bool = False) -> str:
    header = ["configuration"] + [f"{b} epochs" for b in results.budgets]
    rows = []
    for v in results.variants:
        cells = [v]
        for b in results.budgets:
            aurocs = results.over_sets(v, b)
            seconds = [x for d in results.sets for x in results.per_set(v, d, b, "seconds")]
            cells.append("-" if not aurocs else
                         f"{cell(aurocs)}, {statistics.fmean(seconds):.0f} s")
        rows.append(cells)
    return (_markdown if markdown else _plain)(header, rows)


def type_table(results: Results, budget: int, markdown: bool = False) -> str:
    types = results.defect_types()
    header = ["configuration"] + [f"{d}/{t}" for d, t in types]
    rows = [[v] + [f"{m:.3f}" if (m := mean_std(results.per_set(v, d, budget, t))[0]) is not None else "-"
                   for d, t in types] for v in results.variants]
    return (_markdown if markdown else _plain)(header, rows)


def print_tables(paths: Sequence[Path], budget: Optional[int] = None, markdown: bool = False,
                 sets: Optional[Sequence[str]] = None) -> None:
    results = Results(load_records(paths), sets)
    if not results.records:
        print("no results yet")
        return
    budget = budget or (8 if 8 in results.budgets else max(results.budgets, default=0))
    n = len(results.seeds)
    print(f"image AUROC after {budget} epochs, mean ± standard deviation over {n} seed(s); sets: "
          + ", ".join(results.sets))
    print(main_table(results, budget, markdown))
    print("\nmean over sets after each budget (mean training seconds per set)")
    print(budget_table(results, markdown))
    print(f"\nper defect type after {budget} epochs (mean over seeds)")
    print(type_table(results, budget, markdown))
    for r in results.errors:
        print(f"failed: {r['variant']} on {r['set']} seed {r['seed']}: {r['error']}")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="ablation_report.py", description="Tables of the flow ablation.")
    parser.add_argument("paths", nargs="+", type=Path, help="JSON-lines files written by flow_ablation.py")
    parser.add_argument("--budget", type=int, default=None, help="epochs of the main table (default: 8)")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--sets", default=None, help="comma-separated sets to show (default: all)")
    args = parser.parse_args(argv)
    print_tables(args.paths, args.budget, args.markdown, args.sets.split(",") if args.sets else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
