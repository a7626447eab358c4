"""Export the finished wrist pretraining run into the package as ``flowfm-wrist-small``.

How the shipped model was made (2 CPU cores, one torch thread)::

    tsfm prepare --corpus wrist --data-dir ../shared/data --stride-seconds 2 \\
        --out runs/corpus-wrist
    tsfm pretrain --corpus runs/corpus-wrist --model small --epochs 15 --batch-size 64 \\
        --lr 1e-3 --seed 0 --threads 1 --out runs/wrist-small
    python scripts/ship_wrist_model.py runs/wrist-small --commit <commit> \\
        --results benchmarks/results/transfer/summary.md

Only the exported weights are committed, never the run directory or its checkpoints.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from tsfm.zoo.export import export_run
from tsfm.zoo.registry import MODELS_ROOT

NAME = "flowfm-wrist-small"
COMMAND = ("tsfm prepare --corpus wrist --data-dir ../shared/data --stride-seconds 2 "
           "--out runs/corpus-wrist\n"
           "tsfm pretrain --corpus runs/corpus-wrist --model small --epochs 15 "
           "--batch-size 64 --lr 1e-3 --seed 0 --threads 1 --out runs/wrist-small")


def _results_section(summary: Path) -> str:
    """The transfer table of ``benchmarks/results/transfer/summary.md``, with its source."""
    text = summary.read_text()
    tables = re.findall(r"((?:^\|.*\|\n)+)", text, flags=re.MULTILINE)
    table = tables[0] if tables else "(no table found)"
    return (f"Transfer benchmark (`benchmarks/transfer.py`, subject-wise 3-fold, macro-F1; "
            f"full report in `benchmarks/results/transfer/summary.md`):\n\n{table}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run_dir")
    parser.add_argument("--commit", required=True, help="commit the run was trained with")
    parser.add_argument("--results", help="summary.md of the transfer benchmark")
    args = parser.parse_args()
    results = _results_section(Path(args.results)) if args.results else None
    target = export_run(args.run_dir, MODELS_ROOT / NAME, name=NAME, command=COMMAND,
                        commit=args.commit, results=results)
    print(target)


if __name__ == "__main__":
    main()
