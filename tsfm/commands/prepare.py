"""``tsfm prepare``: window a dataset, or a corpus of datasets, into ``.npy`` shards.

Recordings are read and windowed one at a time, so a corpus such as Capture-24
(1.3 M windows) never has to fit in memory::

    tsfm prepare capture24 --data-dir data/capture24 --out shards/capture24 --all-windows

Several datasets go into one pretraining corpus with ``--dataset`` (repeatable, each
``NAME`` or ``NAME?KEY=VALUE&KEY=VALUE``) or a named corpus with ``--corpus``; a table
of hours, windows, subjects and devices per dataset is printed::

    tsfm prepare --corpus wrist --data-dir data --out corpus-wrist --stride-seconds 2
    tsfm prepare --dataset hapt --dataset "geotec?device=both" --exclude hapt --out ...
"""

from __future__ import annotations

import argparse
import json

from tsfm.datasets.corpus_names import CORPUS_NAMES
from tsfm.datasets.errors import DatasetParameterError

# tsfm.datasets.corpus and .loading (pandas, scipy) are imported when the command runs,
# so that `tsfm --help` stays fast


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``prepare`` subcommand."""
    parser = subparsers.add_parser(
        "prepare",
        help="window a dataset or a corpus of datasets into memory-mapped .npy shards",
        description=__doc__.split("\n\n")[0],
    )
    parser.add_argument(
        "name", nargs="?", help="one dataset adapter, e.g. adl, hapt, capture24, uea:Problem"
    )
    corpus = parser.add_argument_group(
        "corpus", "several datasets into one shard directory (instead of NAME)"
    )
    corpus.add_argument(
        "--dataset",
        action="append",
        default=[],
        metavar="SPEC",
        help="a dataset of the corpus, NAME or 'NAME?KEY=VALUE&KEY=VALUE' "
        "(e.g. 'smartfallmm?device=both'); repeat for each dataset",
    )
    corpus.add_argument(
        "--corpus", choices=CORPUS_NAMES, help="a named corpus, e.g. wrist (WRIST_CORPUS)"
    )
    corpus.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="NAME",
        help="leave this dataset out of the corpus (leave-one-dataset-out); repeatable",
    )
    corpus.add_argument(
        "--labelled-only",
        action="store_true",
        help="keep only labelled windows (a corpus keeps unlabelled stretches by default)",
    )
    parser.add_argument("--data-dir", help="dataset folder (default: $TSFM_DATA)")
    parser.add_argument("--out", required=True, help="output folder for shards and manifest")
    parser.add_argument(
        "--rate", type=float, help="target rate in Hz (default: adapter's; 30 for a corpus)"
    )
    parser.add_argument(
        "--window-seconds", type=float, help="window length in seconds (10 for a corpus)"
    )
    parser.add_argument("--overlap", type=float, default=0.0, help="fraction in [0, 1)")
    parser.add_argument(
        "--stride-seconds", type=float, help="seconds between window starts, instead of overlap"
    )
    parser.add_argument(
        "--channels", nargs="+", help="sensors, e.g. acc or acc gyro (default: acc)"
    )
    parser.add_argument(
        "--all-windows",
        action="store_true",
        help="keep unlabelled stretches too (labelled_only=False), for pretraining",
    )
    parser.add_argument(
        "--continuous",
        action="store_true",
        help="step windows across label boundaries (always on for a corpus)",
    )
    parser.add_argument("--max-subjects", type=int, help="only the first N subjects")
    parser.add_argument("--shard-size", type=int, default=65536, help="windows per shard")
    parser.add_argument("--download", action="store_true", help="fetch the data if missing")
    parser.set_defaults(func=run)
    return parser


def _corpus_specs(args: argparse.Namespace) -> list | None:
    """The corpus specs asked for, or None for the single-dataset form."""
    if args.name is not None:
        if args.dataset or args.corpus or args.exclude or args.labelled_only:
            raise DatasetParameterError(
                "give either a dataset NAME or --dataset/--corpus, not both; --exclude and "
                "--labelled-only apply to a corpus only"
            )
        return None
    if not args.dataset and not args.corpus:
        raise DatasetParameterError(
            "name a dataset (tsfm prepare hapt ...) or a corpus (--corpus wrist, or "
            "--dataset hapt --dataset 'geotec?device=both' ...)"
        )
    if args.all_windows and args.labelled_only:
        raise DatasetParameterError(
            "--all-windows and --labelled-only contradict each other; a corpus keeps all "
            "windows unless --labelled-only is given"
        )
    from tsfm.datasets.corpus import CORPORA

    return [*CORPORA.get(args.corpus, ()), *args.dataset]


def run(args: argparse.Namespace) -> int:
    """Write the shards; print a JSON summary (one dataset) or a table (a corpus)."""
    specs = _corpus_specs(args)
    if specs is not None:
        return _run_corpus(args, specs)
    from tsfm.datasets.loading import stream_windows

    stream = stream_windows(
        args.name,
        args.data_dir,
        rate=args.rate,
        window_seconds=args.window_seconds,
        overlap=args.overlap,
        stride_seconds=args.stride_seconds,
        channels=args.channels,
        labelled_only=not args.all_windows,
        continuous=args.continuous,
        max_subjects=args.max_subjects,
        download=args.download,
    )
    from tsfm.datasets.shards import write_shards  # imports torch

    manifest_path = write_shards(stream, args.out, shard_size=args.shard_size)
    manifest = json.loads(manifest_path.read_text())
    summary = {
        key: manifest[key]
        for key in ("n_windows", "n_channels", "n_timepoints", "n_subjects", "classes")
    }
    summary.update(manifest=str(manifest_path), shards=len(manifest["shards"]))
    print(json.dumps(summary))
    return 0


def _run_corpus(args: argparse.Namespace, specs: list) -> int:
    from tsfm.datasets.corpus import build_corpus, corpus_table

    corpus = build_corpus(
        specs,
        args.out,
        args.data_dir,
        rate=30.0 if args.rate is None else args.rate,
        window_seconds=10.0 if args.window_seconds is None else args.window_seconds,
        overlap=args.overlap,
        stride_seconds=args.stride_seconds,
        channels=args.channels or ("acc",),
        labelled_only=args.labelled_only,
        max_subjects=args.max_subjects,
        exclude=args.exclude,
        shard_size=args.shard_size,
        download=args.download,
    )
    print(corpus_table(corpus).to_string())
    print(f"manifest: {corpus.root / 'manifest.json'}")
    return 0
