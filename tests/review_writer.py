"""Helper process for the kill test: streams decisions into a review log and prints each one once committed.

Usage: python -m review_writer LOG_FILE N_IMAGES (with tests/ and the repository on PYTHONPATH)
Prints "ready" after scoring, then "<decision id>\t<image>\t<decision>" per committed decision, forever.
"""
from __future__ import annotations

import sys
from pathlib import Path

from core.review import REVIEW_DECISIONS, ReviewLog


def main() -> None:
    log_file, n_images = Path(sys.argv[1]), int(sys.argv[2])
    log = ReviewLog.open(log_file, create=True, batch_dir=log_file.parent)
    for index in range(n_images):
        log.record_score(f"img_{index:03d}.png", f"{index:064x}", float(index), True, None, 64, 48)
    print("ready", flush=True)
    count = 0
    while True:
        name = f"img_{count % n_images:03d}.png"
        decision = REVIEW_DECISIONS[count % len(REVIEW_DECISIONS)]
        decision_id = log.decide(name, decision, "writer", note=f"decision {count}")
        print(f"{decision_id}\t{name}\t{decision}", flush=True)
        count += 1


if __name__ == "__main__":
    main()
