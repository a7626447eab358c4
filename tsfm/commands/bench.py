"""``tsfm bench har``: FlowFM and baselines on a HAR dataset with subject-wise CV.

Every method is an ordinary scikit-learn estimator (probes and baselines inside a
nested GridSearchCV over the training subjects); encoders are pretrained on the
training folds' windows only. Writes results.csv, predictions.csv, summary.md and
PNG figures under --out. See docs/har_benchmark.md.

--quick: tiny preset, 60 pretraining / 15 fine-tuning epochs, 3 folds, 1 seed
(3 seeds on a single archive split). One ~1,000-window dataset with all methods takes
about 15 minutes on 2 CPU cores (the target is under 20).
The full budget (small preset, 100/30 epochs, 5 folds, 3 seeds) is estimated at well
over 10 hours per dataset on 2 CPU cores; use a GPU (--device cuda).
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from dataclasses import replace

from tsfm.commands._arguments import IntAtLeast, check_device, output_dir, positive_int
from tsfm.config.presets import PRESETS


def _seeds(text: str) -> tuple[int, ...]:
    try:
        seeds = tuple(int(s) for s in text.split(",") if s.strip())
    except ValueError:
        seeds = None
    if seeds is None or any(seed < 0 for seed in seeds):
        raise argparse.ArgumentTypeError(
            f"--seeds must be comma-separated non-negative integers, e.g. 0,1,2; got {text!r}")
    if not seeds:
        raise argparse.ArgumentTypeError("--seeds needs at least one seed")
    return seeds


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "bench", help="run a benchmark suite (har)", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    suites = parser.add_subparsers(dest="suite", required=True)
    har = suites.add_parser("har", help="human activity recognition benchmark",
                            description=__doc__,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    har.add_argument("--dataset", required=True,
                     help="dataset name: hapt, adl, uea:RacketSports, ...")
    har.add_argument("--data-dir", default=None, help="folder with the dataset's files")
    har.add_argument("--out", type=output_dir, required=True, help="output folder")
    har.add_argument("--methods", default="all",
                     help="comma-separated method names or aliases all, core, dgs "
                          "(default: all)")
    har.add_argument("--quick", action="store_true", help="the quick budget (see above)")
    har.add_argument("--folds", type=IntAtLeast(2), default=None,
                     help="outer GroupKFold folds (default 5; 3 with --quick)")
    har.add_argument("--seeds", type=_seeds, default=None,
                     help="comma-separated seeds (default 0,1,2; 0 with --quick)")
    har.add_argument("--model", default=None, choices=sorted(PRESETS),
                     help="size preset (default: small; tiny with --quick)")
    har.add_argument("--patch-size", type=positive_int, default=None,
                     help="encoder/velocity patch size (default: the dataset's setting or "
                          "the preset's)")
    har.add_argument("--pretrain-epochs", type=positive_int, default=None)
    har.add_argument("--finetune-epochs", type=positive_int, default=None)
    har.add_argument("--pretrained", default=None, metavar="NAME_OR_DIR",
                     help="start flowfm-probe and flowfm-finetune from this model (a shipped "
                          "name or a model directory) instead of pretraining per fold; the "
                          "windows are resampled to its rate (see docs/transfer.md)")
    har.add_argument("--model-rate", type=float, default=30.0,
                     help="rate in Hz of the --pretrained model where its config.json "
                          "states none (default: 30)")
    har.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N (default: cpu)")
    har.add_argument("--threads", type=positive_int, default=1,
                     help="torch threads (default 1: tiny models on a shared CPU are much "
                          "faster with one)")
    har.add_argument("--no-figures", action="store_true")
    har.set_defaults(func=run_har)


def check_har_args(args: argparse.Namespace) -> list:
    """Check what argparse cannot (the device, the method names) before any work.

    Returns
    -------
    list of Method
        The methods ``--methods`` names.

    Raises
    ------
    ValueError
        For CUDA asked for on a machine without it, or an unknown method name.
    """
    from tsfm.benchmarking import resolve_methods

    check_device(args.device)
    return resolve_methods(args.methods, pretrained=args.pretrained is not None)


def run_har(args: argparse.Namespace) -> int:
    import torch

    from tsfm.benchmarking import (
        BenchmarkConfig,
        load_benchmark_data,
        make_folds,
        run_benchmark,
        write_report,
    )
    from tsfm.benchmarking.data import DATASET_SETTINGS

    methods = check_har_args(args)
    torch.set_num_threads(args.threads)
    data = load_benchmark_data(args.dataset, args.data_dir)
    config = BenchmarkConfig.quick_budget() if args.quick else BenchmarkConfig()
    overrides = {
        "n_folds": args.folds, "seeds": args.seeds, "model": args.model,
        "pretrain_epochs": args.pretrain_epochs, "finetune_epochs": args.finetune_epochs,
        "device": args.device, "pretrained": args.pretrained, "model_rate": args.model_rate,
        "patch_size": args.patch_size or DATASET_SETTINGS.get(args.dataset, {}).get(
            "patch_size"),
    }
    config = replace(config, **{k: v for k, v in overrides.items() if v is not None})
    folds = make_folds(data, config.n_folds)
    if args.seeds is None:
        config = config.adapted_to(len(folds))
    print(f"{data.name}: {data.X.shape} windows, {len(set(data.groups))} groups, "
          f"{len(set(data.y))} classes; methods: {', '.join(m.name for m in methods)}")
    start = time.perf_counter()
    result = run_benchmark(data, methods, config, args.out)
    command = "tsfm " + " ".join(shlex.quote(a) for a in sys.argv[1:]) if sys.argv[0].endswith(
        "tsfm") else " ".join(shlex.quote(a) for a in sys.argv)
    paths = write_report(result, args.out, command=command, figures=not args.no_figures)
    print(f"done in {(time.perf_counter() - start) / 60:.1f} min; summary: {paths['summary']}")
    return 0
