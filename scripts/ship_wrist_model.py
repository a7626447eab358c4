"""Export the finished wrist pretraining run into the package as ``flowfm-wrist-small``.

How the shipped model was made (2 CPU cores, one torch thread)::

    tsfm prepare --corpus wrist --data-dir ../shared/data --stride-seconds 2 \\
        --out runs/corpus-wrist
    tsfm pretrain --corpus runs/corpus-wrist --model small --epochs 15 --batch-size 64 \\
        --lr 1e-3 --seed 0 --threads 1 --out runs/wrist-small
    python scripts/ship_wrist_model.py runs/wrist-small --commit <commit> --results

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


#: the reports quoted in the card: (path, heading the table follows or None, what it is)
RESULT_REPORTS = (
    ("benchmarks/results/transfer/summary.md", "## Macro-F1",
     "Transfer (`benchmarks/transfer.py`; subject-wise GroupKFold(3), macro-F1; LOO = a "
     "tiny model pretrained without that dataset, in corpus = this model)"),
    ("benchmarks/results/shipped_model_uea.md", None,
     "Frozen, on UEA data it never saw (`benchmarks/shipped_model_uea.py`; test accuracy)"),
    ("benchmarks/results/generation/shipped_model.md", None,
     "Generation on held-out HAPT subjects (`benchmarks/shipped_model_generation.py`)"),
)


def _table(text: str, after: str | None) -> str:
    """The first markdown table of ``text`` (after the line ``after``, if given)."""
    if after is not None:
        text = text[text.index(after):]
    tables = re.findall(r"((?:^\|.*\|\n)+)", text, flags=re.MULTILINE)
    if not tables:
        raise ValueError(f"no table found{f' after {after!r}' if after else ''}")
    return tables[0]


def _results_section(root: Path) -> str:
    """The card's results: one table from each report of ``RESULT_REPORTS``, with its source."""
    parts = [f"{what}:\n\n{_table((root / path).read_text(), after)}\nFull report: `{path}`."
             for path, after, what in RESULT_REPORTS]
    return "\n\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run_dir")
    parser.add_argument("--commit", required=True, help="commit the run was trained with")
    parser.add_argument("--results", action="store_true",
                        help="quote the benchmark reports of RESULT_REPORTS in the card")
    args = parser.parse_args()
    results = _results_section(Path(__file__).resolve().parents[1]) if args.results else None
    target = export_run(args.run_dir, MODELS_ROOT / NAME, name=NAME, command=COMMAND,
                        commit=args.commit, results=results)
    print(target)


if __name__ == "__main__":
    main()
