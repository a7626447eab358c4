"""HAR benchmark of FlowFM and baselines, in plain Python (the ``tsfm bench har`` equivalent).

Every method is an ordinary scikit-learn estimator built from tsfm's public API; the
protocol (subject-wise GroupKFold, pretraining on the training folds only, nested
GridSearchCV over training subjects, fixed seeds) lives in :mod:`tsfm.benchmarking`.

Examples
--------
Quick budget on HAPT, all methods (about 20 minutes on 2 CPU cores)::

    OMP_NUM_THREADS=1 python benchmarks/har.py --dataset hapt \\
        --data-dir ../shared/data/UCI_HAPT --quick --keep

Then copy ``summary.md`` to ``benchmarks/results/har/<dataset>/`` (``--keep``
does it). ``--pretrained NAME_OR_DIR`` starts flowfm-probe and flowfm-finetune from a
pretrained model instead of pretraining per fold (windows resampled to its rate; see
docs/transfer.md)::

    OMP_NUM_THREADS=1 python benchmarks/har.py --dataset adl --data-dir ../shared/data \
        --quick --pretrained /work/runs/wrist-small/model --methods pretrained
 Each method is built by ``tsfm.benchmarking.methods.build_estimator``, e.g.
``flowfm-probe`` is ``GridSearchCV(Pipeline([FlowFMTransformer(pretrained=<dir>),
StandardScaler(), LogisticRegression()]), {"clf__C": ...}, cv=GroupKFold(3))``. In
short::

    from tsfm.benchmarking import BenchmarkConfig, load_benchmark_data, resolve_methods
    from tsfm.benchmarking import run_benchmark, write_report
    data = load_benchmark_data("hapt", "../shared/data/UCI_HAPT")
    result = run_benchmark(data, resolve_methods("flowfm-probe,minirocket"),
                           BenchmarkConfig.quick_budget(), "out/hapt")
    write_report(result, "out/hapt")
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
from dataclasses import replace
from pathlib import Path

import torch

from tsfm.benchmarking import (
    BenchmarkConfig,
    load_benchmark_data,
    make_folds,
    resolve_methods,
    run_benchmark,
    write_report,
)
from tsfm.benchmarking.data import DATASET_SETTINGS

RESULTS = Path(__file__).resolve().parent / "results" / "har"
#: what ``--keep`` copies into benchmarks/results/har/<dataset>/
KEPT_FILES = ("summary.md", "results.csv", "confusion_matrix.png", "tsne.png", "macro_f1.png")


def keep_results(out: Path, dataset: str) -> Path:
    """Copy a run's summary, results table and figures to ``benchmarks/results/har``."""
    target = RESULTS / dataset.replace(":", "_")
    target.mkdir(parents=True, exist_ok=True)
    for name in KEPT_FILES:
        if (out / name).is_file():
            shutil.copy2(out / name, target / name)
    return target


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", required=True, help="hapt, adl, uea:RacketSports, ...")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--out", default=None, help="default: bench-out/<dataset>")
    parser.add_argument("--methods", default="all")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--folds", type=int, default=None)
    parser.add_argument("--seeds", default=None, help="comma-separated, e.g. 0,1,2")
    parser.add_argument("--pretrained", default=None, metavar="NAME_OR_DIR",
                        help="start flowfm-probe/flowfm-finetune from this model")
    parser.add_argument("--model-rate", type=float, default=30.0,
                        help="the --pretrained model's rate in Hz where its config.json "
                             "states none")
    parser.add_argument("--keep", action="store_true",
                        help="copy the summary and figures to benchmarks/results/har/<dataset>/")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(1)  # tiny models on a shared CPU are far faster with one thread
    config = BenchmarkConfig.quick_budget() if args.quick else BenchmarkConfig()
    patch_size = DATASET_SETTINGS.get(args.dataset, {}).get("patch_size")
    overrides = {"n_folds": args.folds, "patch_size": patch_size,
                 "seeds": tuple(int(s) for s in args.seeds.split(",")) if args.seeds else None,
                 "pretrained": args.pretrained, "model_rate": args.model_rate}
    config = replace(config, **{k: v for k, v in overrides.items() if v is not None})
    methods = resolve_methods(args.methods, pretrained=args.pretrained is not None)
    data = load_benchmark_data(args.dataset, args.data_dir)
    if not args.seeds:
        config = config.adapted_to(len(make_folds(data, config.n_folds)))
    out = Path(args.out or f"bench-out/{args.dataset.replace(':', '_')}")
    result = run_benchmark(data, methods, config, out)
    command = "python " + " ".join(shlex.quote(a) for a in sys.argv)
    paths = write_report(result, out, command=command)
    print(f"summary: {paths['summary']}")
    if args.keep:
        print(f"kept in {keep_results(out, args.dataset)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
