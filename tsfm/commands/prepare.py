"""``tsfm prepare``: window a dataset into memory-mapped ``.npy`` shards plus a manifest.

Recordings are read and windowed one at a time, so a corpus such as Capture-24
(1.3 M windows) never has to fit in memory::

    tsfm prepare capture24 --data-dir data/capture24 --out shards/capture24 --all-windows
"""

from __future__ import annotations

import argparse
import json

from tsfm.datasets.loading import stream_windows
from tsfm.datasets.shards import write_shards


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``prepare`` subcommand."""
    parser = subparsers.add_parser(
        "prepare",
        help="window a dataset into memory-mapped .npy shards",
        description=__doc__.split("\n\n")[0],
    )
    parser.add_argument("name", help="dataset adapter, e.g. adl, hapt, capture24, uea:Problem")
    parser.add_argument("--data-dir", help="dataset folder (default: $TSFM_DATA)")
    parser.add_argument("--out", required=True, help="output folder for shards and manifest")
    parser.add_argument("--rate", type=float, help="target rate in Hz (default: adapter's)")
    parser.add_argument("--window-seconds", type=float, help="window length in seconds")
    parser.add_argument("--overlap", type=float, default=0.0, help="fraction in [0, 1)")
    parser.add_argument(
        "--channels", nargs="+", help="sensors, e.g. acc or acc gyro (default: acc)"
    )
    parser.add_argument(
        "--all-windows",
        action="store_true",
        help="keep unlabelled stretches too (labelled_only=False), for pretraining",
    )
    parser.add_argument("--max-subjects", type=int, help="only the first N subjects")
    parser.add_argument("--shard-size", type=int, default=65536, help="windows per shard")
    parser.add_argument("--download", action="store_true", help="fetch the data if missing")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Write the shards and print a one-line JSON summary."""
    stream = stream_windows(
        args.name,
        args.data_dir,
        rate=args.rate,
        window_seconds=args.window_seconds,
        overlap=args.overlap,
        channels=args.channels,
        labelled_only=not args.all_windows,
        max_subjects=args.max_subjects,
        download=args.download,
    )
    manifest_path = write_shards(stream, args.out, shard_size=args.shard_size)
    manifest = json.loads(manifest_path.read_text())
    summary = {
        key: manifest[key]
        for key in ("n_windows", "n_channels", "n_timepoints", "n_subjects", "classes")
    }
    summary.update(manifest=str(manifest_path), shards=len(manifest["shards"]))
    print(json.dumps(summary))
    return 0
