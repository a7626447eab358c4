"""Window counts of the shared real datasets, as quoted in docs/datasets/.

Loads each dataset in ``../shared/data`` with ``tsfm.datasets.load_dataset`` at the
paper's 30 Hz / 10 s (UEA at its native rate and length) and tabulates windows,
shape, subjects, classes and what preprocessing dropped.

Usage::

    python benchmarks/dataset_windows.py
"""

from __future__ import annotations

import time
from pathlib import Path

from _report import RESULTS, machine, markdown_table, write_report

from tsfm.datasets import load_dataset

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

#: (label, adapter name, data folder, load_dataset options)
CASES = [
    ("adl", "adl", "ADL_HMP", {}),
    ("adl, overlap 0.5", "adl", "ADL_HMP", {"overlap": 0.5}),
    ("hapt", "hapt", "UCI_HAPT", {}),
    ("hapt, overlap 0.5", "hapt", "UCI_HAPT", {"overlap": 0.5}),
    ("hapt, unlabelled kept", "hapt", "UCI_HAPT", {"labelled_only": False}),
    ("hapt, acc + gyro", "hapt", "UCI_HAPT", {"channels": ("acc", "gyro")}),
    ("hapt, UCI-HAR geometry (50 Hz, 2.56 s, 50 %)", "hapt", "UCI_HAPT",
     {"rate": 50, "window_seconds": 2.56, "overlap": 0.5}),
    ("uea:RacketSports", "uea:RacketSports", "UEA_motion", {}),
    ("uea:BasicMotions", "uea:BasicMotions", "UEA_motion", {}),
]


def main() -> None:
    rows = []
    for label, name, folder, options in CASES:
        start = time.perf_counter()
        ds = load_dataset(name, data_dir=DATA / folder, **options)
        labelled = ds.y[ds.y != None]  # noqa: E711  (labels are objects; None = unlabelled)
        drops = {k: v for k, v in ds.info.get("drops", {}).items() if v}
        rows.append({
            "case": label, "windows": len(ds.X), "shape": str(tuple(ds.X.shape[1:])),
            "subjects": len(set(ds.groups)), "classes": len(set(labelled)),
            "unlabelled": int(len(ds.y) - len(labelled)),
            "drops": ", ".join(f"{k}={v}" for k, v in drops.items()),
            "seconds": time.perf_counter() - start,
        })
        print(rows[-1], flush=True)
    table = markdown_table(rows, [("case", "case", ""), ("windows", "windows", "d"),
                                  ("shape", "window shape", ""), ("subjects", "subjects", "d"),
                                  ("classes", "classes", "d"),
                                  ("unlabelled", "unlabelled", "d"),
                                  ("drops", "dropped or repaired", ""),
                                  ("seconds", "load s", ".1f")])
    print(table)
    sections = [__doc__.split("Usage::")[0].strip(), table]
    write_report(RESULTS, "dataset_windows", "Windows of the shared datasets", sections, rows,
                 machine())


if __name__ == "__main__":
    main()
