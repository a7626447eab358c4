"""Transfer benchmark: pretrained FlowFM encoders on HAR datasets, against per-fold baselines.

On HAPT, ADL, SmartFallMM and GeoTec (windowing in
``tsfm.benchmarking.transfer.TRANSFER_DATASETS``), with subject-wise GroupKFold:

- ``transfer-probe (LOO)`` / ``transfer-finetune (LOO)``: from a model pretrained on the
  wrist corpus *without* the dataset (built and cached by
  ``tsfm.benchmarking.loo.loo_model``; budget ``--loo-model``, ``--loo-epochs``);
- ``transfer-probe (in corpus)`` / ``transfer-finetune (in corpus)``: from the shipped
  model (``--pretrained``), whose corpus held the dataset's windows without labels;
- ``flowfm-probe`` (per-fold pretraining, quick budget), ``random-probe`` (the LOO
  model's architecture, untrained), ``scratch`` (the shipped model's architecture),
  ``minirocket`` and ``features-rf``, as in ``tsfm bench har``.

Writes ``summary.md``, ``summary.csv``, ``summary.json`` and ``results.csv`` (one row
per method x fold) to ``--out`` (default ``benchmarks/results/transfer``). See
docs/transfer.md.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/transfer.py --data-dir ../shared/data \\
        --pretrained flowfm-wrist-small --n-jobs 2

Smoke test (minutes; with ``--max-subjects`` the default ``--out`` is
``bench-out/transfer/out``, never the kept results)::

    OMP_NUM_THREADS=1 python benchmarks/transfer.py --data-dir ../shared/data \\
        --pretrained flowfm-wrist-small --datasets geotec --max-subjects 4 \\
        --folds 2 --loo-epochs 1 --pretrain-epochs 1 --finetune-epochs 1 \\
        --cache /tmp/transfer-cache --work-dir /tmp/transfer-work --out /tmp/transfer-out
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd
import torch
from _report import machine, write_report

from tsfm.benchmarking import BenchmarkConfig
from tsfm.benchmarking.loo import LOOBudget
from tsfm.benchmarking.pretrained import describe_model
from tsfm.benchmarking.transfer import (
    TRANSFER_METHODS,
    resolve_datasets,
    resolve_transfer_methods,
    run_all,
)
from tsfm.benchmarking.transfer_report import summary_rows, transfer_sections
from tsfm.config.presets import PRESETS

RESULTS = Path(__file__).resolve().parent / "results" / "transfer"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default="../shared/data",
                        help="folder holding every dataset (default: ../shared/data)")
    parser.add_argument("--datasets", default="all",
                        help="comma-separated: hapt, adl, smartfallmm, geotec (default: all)")
    parser.add_argument("--methods", default="all",
                        help="comma-separated: " + ", ".join(TRANSFER_METHODS)
                        + " (default: all)")
    parser.add_argument("--pretrained", default=None, metavar="NAME_OR_DIR",
                        help="the shipped model (needed by corpus-probe, corpus-finetune "
                             "and scratch)")
    parser.add_argument("--model-rate", type=float, default=30.0,
                        help="the models' rate in Hz where their config.json states none")
    parser.add_argument("--loo-model", default="tiny", choices=sorted(PRESETS),
                        help="size preset of the leave-one-dataset-out models (default tiny)")
    parser.add_argument("--loo-epochs", type=int, default=10,
                        help="their pretraining epochs (default 10)")
    parser.add_argument("--loo-crop-scale", type=float, default=None,
                        help="random resized crops in their pretraining (e.g. 0.7; default "
                             "none)")
    parser.add_argument("--patch-size", type=int, default=None,
                        help="patch size of the LOO and per-fold models (default: the "
                             "--pretrained model's, so that every FlowFM model shares it)")
    parser.add_argument("--pretrain-epochs", type=int, default=None,
                        help="per-fold pretraining epochs of flowfm-probe (default: the "
                             "quick budget's 60)")
    parser.add_argument("--finetune-epochs", type=int, default=None,
                        help="epochs of the fine-tuned methods and scratch (default 15)")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-subjects", type=int, default=None,
                        help="only the first subjects of every dataset and LOO corpus "
                             "(smoke tests)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--n-jobs", type=int, default=1,
                        help="datasets run in parallel (joblib), one torch thread each")
    parser.add_argument("--cache", default="bench-out/transfer/cache",
                        help="corpora and runs of the LOO models, reused across runs "
                             "(default: bench-out/transfer/cache)")
    parser.add_argument("--work-dir", default="bench-out/transfer/work")
    parser.add_argument("--out", default=None,
                        help="default: benchmarks/results/transfer, or bench-out/transfer/out "
                             "for a smoke run (--max-subjects), which must not replace the "
                             "kept results")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(1)
    datasets = resolve_datasets(args.datasets)
    methods = resolve_transfer_methods(args.methods)
    patch = args.patch_size
    if patch is None and args.pretrained is not None:
        patch = describe_model(args.pretrained, default_rate=args.model_rate).patch_size
    config = BenchmarkConfig.quick_budget(n_folds=args.folds, seeds=(args.seed,),
                                          device=args.device, model_rate=args.model_rate,
                                          patch_size=patch)
    overrides = {"pretrain_epochs": args.pretrain_epochs,
                 "finetune_epochs": args.finetune_epochs}
    config = replace(config, **{k: v for k, v in overrides.items() if v is not None})
    budget = LOOBudget(model=args.loo_model, epochs=args.loo_epochs, seed=args.seed,
                       device=args.device, patch_size=patch, crop_scale=args.loo_crop_scale,
                       max_subjects=args.max_subjects)
    results = run_all(datasets, n_jobs=args.n_jobs, methods=methods, config=config,
                      work_dir=args.work_dir, data_dir=args.data_dir,
                      shipped=args.pretrained, loo_budget=budget, cache_dir=args.cache,
                      max_subjects=args.max_subjects)
    out = Path(args.out or (RESULTS if args.max_subjects is None else
                            "bench-out/transfer/out"))
    out.mkdir(parents=True, exist_ok=True)
    pd.concat([r.rows for r in results], ignore_index=True).to_csv(out / "results.csv",
                                                                    index=False)
    sections = transfer_sections(results, methods, config=config, budget=budget,
                                 max_subjects=args.max_subjects)
    info = {**machine(), "LOO budget": budget.to_dict(), "Benchmark budget": config.to_dict()}
    path = write_report(out, "summary", "Transfer benchmark: pretrained FlowFM encoders",
                        sections, summary_rows(results), info)
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
