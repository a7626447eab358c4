"""Peak memory and throughput of pretraining and embedding from shard directories.

For each corpus size, a fresh process pretrains ``tiny`` for one epoch from a shard
directory of synthetic windows (3 x 300, written once under ``--scratch``), then
embeds the whole corpus shard-chunk by shard-chunk, and reports its peak resident
memory (``ru_maxrss``). A last process trains on the smallest corpus held in memory,
for the cost of streaming. Peak memory should not grow with the corpus: the shards are
read batch by batch with ``os.pread`` (not memory-mapped, whose read pages would stay
resident).

Usage::

    python benchmarks/corpus_memory.py [--sizes 20000 80000] [--scratch /tmp/tsfm-corpora]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _report import RESULTS, machine, markdown_table, write_report

CHUNK = 10_000


def write_corpus(root: Path, n: int) -> Path:
    """A shard directory of ``n`` synthetic windows, written once (chunk by chunk)."""
    from throughput import synthetic_windows

    from tsfm.datasets import WindowBatch, write_shards

    out = root / f"corpus-{n}"
    if (out / "manifest.json").exists():
        return out

    def batches():
        for start in range(0, n, CHUNK):
            size = min(CHUNK, n - start)
            meta = pd.DataFrame({"subject": "s", "activity": None, "source": "synthetic",
                                 "start_time": 0.0}, index=range(size))
            yield WindowBatch(synthetic_windows(size, seed=start), meta)

    write_shards(batches(), out, shard_size=65_536)
    return out


def child(corpus: str, in_memory: bool) -> None:
    """Pretrain one epoch and embed everything; print one JSON line."""
    import torch

    from tsfm import FlowFMPretrainer
    from tsfm.datasets import ShardDataset

    torch.set_num_threads(1)
    ds = ShardDataset(corpus)
    data = np.stack([ds[i] for i in range(len(ds))]) if in_memory else corpus
    pre = FlowFMPretrainer(model="tiny", max_epochs=1, batch_size=256, device="cpu",
                           random_state=0).fit(data)
    train_s = pre.history_[-1, "dur"]
    start = time.perf_counter()
    for first in range(0, len(ds), 4096):
        pre.embed(np.stack([ds[i] for i in range(first, min(first + 4096, len(ds)))]))
    embed_s = time.perf_counter() - start
    print(json.dumps({
        "windows": len(ds), "source": "in memory" if in_memory else "shards",
        "train_per_s": len(ds) / train_s, "embed_per_s": len(ds) / embed_s,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        **proc_status_mb(),
    }))


def proc_status_mb() -> dict[str, float]:
    """Resident memory now, split into anonymous (heap) and file-backed (memory-mapped
    shards, libraries) pages, from /proc/self/status (Linux)."""
    fields = {"RssAnon": "anon_rss_mb", "RssFile": "file_rss_mb"}
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in fields:
            values[fields[key]] = int(rest.split()[0]) / 1024
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 80_000])
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/tsfm-corpora"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--in-memory", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.in_memory)
    rows = []
    runs = [(n, False) for n in args.sizes] + [(min(args.sizes), True)]
    for n, in_memory in runs:
        corpus = write_corpus(args.scratch, n)
        command = [sys.executable, __file__, "--child", str(corpus)]
        out = subprocess.run(command + (["--in-memory"] if in_memory else []), check=True,
                             capture_output=True, text=True).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
        print(rows[-1], flush=True)
    table = markdown_table(rows, [
        ("windows", "windows", "d"), ("source", "training data", ""),
        ("train_per_s", "pretrain samples/s", ".0f"), ("embed_per_s", "embed windows/s", ".0f"),
        ("peak_rss_mb", "peak RSS (MB)", ".0f"),
        ("anon_rss_mb", "heap RSS at end (MB)", ".0f"),
        ("file_rss_mb", "file-backed RSS at end (MB)", ".0f")])
    sections = [
        "`tiny`, batch 256, one epoch, then embedding in chunks of 4096 windows read from "
        "the shards; one torch thread; DataLoader without workers or pinned memory "
        "(skorch's default; no GPU to pin for; workers measured in streaming_loader.md). "
        "Shards are read with os.pread, so the windows read do not stay resident; the "
        "file-backed part is the mapped libraries. Neither part may grow with the "
        "corpus.\n\n"
        + table]
    print(write_report(RESULTS, "corpus_memory", "Corpus size and memory", sections, rows,
                       {**machine(), "Sizes": " ".join(map(str, args.sizes))}))


if __name__ == "__main__":
    main()
