"""How fast the training DataLoader reads a shard directory, without the network.

Windows/s of one shuffled pass over the first ``--windows`` windows of a shard
directory through :class:`tsfm.training.streaming.StandardizedDataset` and a
``torch.utils.data.DataLoader`` (batch 256), for:

- reading, checking and standardising a whole batch at once (``__getitems__``, what
  training does) against one window at a time (the former ``__getitem__`` path);
- 0, 1 and 2 DataLoader worker processes.

Compare with the training rate in ``corpus_memory.md``: the loader only matters when it
approaches it. Pinned memory is not measured: it only speeds up host-to-GPU copies, and
there is no GPU here.

Usage::

    python benchmarks/streaming_loader.py CORPUS_DIR [--windows 20000]
"""

from __future__ import annotations

import argparse
import time

import torch
from _report import RESULTS, machine, markdown_table, write_report
from torch.utils.data import DataLoader, Subset

from tsfm.datasets import ShardDataset
from tsfm.training.streaming import StandardizedDataset, fit_standardizer


class PerWindow(StandardizedDataset):
    """The DataLoader reads, checks and standardises window by window."""

    __getitems__ = None

    def __getitem__(self, index):
        return StandardizedDataset.__getitems__(self, [index])[0]


def windows_per_s(dataset, workers: int) -> float:
    loader = DataLoader(dataset, batch_size=256, shuffle=True, num_workers=workers)
    start = time.perf_counter()
    for _ in loader:
        pass
    return len(dataset) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("--windows", type=int, default=20_000)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    windows = Subset(ShardDataset(args.corpus), range(args.windows))
    standardizer = fit_standardizer(windows)
    rows = []
    for name, cls in (("whole batch (__getitems__)", StandardizedDataset),
                      ("window by window", PerWindow)):
        for workers in (0, 1, 2):
            rows.append({"reading": name, "workers": workers,
                         "windows_per_s": windows_per_s(cls(windows, standardizer), workers)})
            print(rows[-1], flush=True)
    table = markdown_table(rows, [("reading", "reading", ""), ("workers", "workers", "d"),
                                  ("windows_per_s", "windows/s", ".0f")])
    sections = [f"One shuffled pass over {args.windows} windows of `{args.corpus}`, batch "
                "256, one torch thread, no network.\n\n" + table]
    print(write_report(RESULTS, "streaming_loader", "Streaming loader", sections, rows,
                       {**machine(), "Windows": str(args.windows)}))


if __name__ == "__main__":
    main()
