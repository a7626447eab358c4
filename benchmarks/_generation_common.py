"""Shared set-up of the generation benchmarks: data split, models, extractor, reporting.

Both twins (FlowFM and DiffFM) are trained with identical settings on the same
windows; only ``objective`` differs. Everything runs on the CPU with one torch
thread (on the shared 2-core benchmark machine, tiny models ran ~100x faster with
one thread than with two, because of thread contention).
"""

from __future__ import annotations

from pathlib import Path

import _report
import numpy as np
import torch
from _report import machine, markdown_table  # noqa: F401  (re-exported)

from tsfm import FlowFMPretrainer
from tsfm.metrics import FeatureExtractor

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "generation"
DATA_DIR = ROOT.parent / "shared" / "data" / "UCI_HAPT"

#: the pretraining settings shared by both twins (only ``objective`` differs)
TWIN_PARAMS = {
    "model": "tiny",  # ViT-1D and DiT-1D: depth 2, width 64, 4 heads, patch 10
    "mask_prob": 0.5,  # DGS
    "batch_size": 64,
    "lr": 1e-3,
    "device": "cpu",
    "random_state": 0,
}
TWINS = {"FlowFM": "flow_matching", "DiffFM": "diffusion"}

#: test subjects of the held-out split: the last 9 of HAPT's 30 volunteers
N_TEST_SUBJECTS = 9


def setup_torch() -> None:
    torch.set_num_threads(1)


def load_split(overlap: float = 0.5) -> dict[str, np.ndarray]:
    """HAPT at 30 Hz, 10 s windows (accelerometer, 3 axes), split by subject.

    Returns
    -------
    dict
        ``X_train, y_train, X_test, y_test`` (labelled windows of the 6 activities;
        subjects 1-21 train, 22-30 test) and ``channel_names``.
    """
    from tsfm.datasets import load_dataset

    ds = load_dataset("hapt", data_dir=DATA_DIR, rate=30, window_seconds=10, overlap=overlap)
    subjects = np.array([int(g) for g in ds.groups])
    order = sorted(set(subjects))
    test = np.isin(subjects, order[-N_TEST_SUBJECTS:])
    names = ds.info.get("channels") or ds.info.get("channel_names") or ["acc_x", "acc_y", "acc_z"]
    return {
        "X_train": ds.X[~test], "y_train": ds.y[~test].astype(str),
        "X_test": ds.X[test], "y_test": ds.y[test].astype(str),
        "subjects_train": sorted(set(subjects[~test].tolist())),
        "subjects_test": sorted(set(subjects[test].tolist())),
        "channel_names": list(names)[: ds.X.shape[1]],
    }


def load_or_train_extractor(split: dict, *, retrain: bool = False) -> FeatureExtractor:
    """The frozen HAPT feature extractor, trained once on the training subjects' labels."""
    path = RESULTS / "extractor_hapt"
    if path.is_dir() and not retrain:
        return FeatureExtractor.load(path)
    extractor = FeatureExtractor(width=32, depth=3, max_epochs=30, batch_size=32, lr=3e-3,
                                 random_state=0)
    extractor.fit(split["X_train"], split["y_train"])
    held_out = float((extractor.predict(split["X_test"]) == split["y_test"]).mean())
    extractor.save(path, metadata={
        "dataset": "UCI HAPT v2.1, accelerometer, 30 Hz, 10 s windows, overlap 0.5",
        "trained_on": f"labelled windows of subjects {split['subjects_train']}",
        "held_out_accuracy": held_out,
        "architecture": "3 x [Conv1d(k=5, 32) BatchNorm ReLU MaxPool(2)], global average "
                        "pool -> 32 features, Linear head (tsfm.metrics.ConvFeatureNet)",
    })
    return FeatureExtractor.load(path)


def twin(name: str, epochs: int, **extra) -> FlowFMPretrainer:
    return FlowFMPretrainer(objective=TWINS[name], max_epochs=epochs, **TWIN_PARAMS, **extra)


def write_report(stem: str, title: str, sections: list[str], rows: list[dict],
                 info: dict) -> Path:
    return _report.write_report(RESULTS, stem, title, sections, rows, info)
