"""Shared pieces of the UEA motion benchmarks: data, probe and FlowFM settings."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from _report import RESULTS
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from tsfm import FlowFMTransformer

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "UEA_motion"
#: written by uea_train_cv.py, read by uea_probe.py
SELECTION = RESULTS / "uea_train_cv.json"
CROP = {"crop_scale": 0.7}
CROP_JITTER = {"crop_scale": 0.7, "jitter": 0.1}


def load(name: str):
    """((X_train, y_train), (X_test, y_test)) of a UEA problem, X float32 (n, C, T)."""
    from sktime.datasets import load_from_tsfile

    split = {}
    for part in ("TRAIN", "TEST"):
        X, y = load_from_tsfile(str(DATA / name / f"{name}_{part}.ts"),
                                return_data_type="numpy3D")
        split[part] = (X.astype(np.float32), y)
    return split["TRAIN"], split["TEST"]


def flatten(X: np.ndarray) -> np.ndarray:
    return X.reshape(len(X), -1)


def probe(embedder) -> Pipeline:
    """embedder -> StandardScaler -> LogisticRegression(C=1)."""
    return make_pipeline(embedder, StandardScaler(), LogisticRegression(C=1.0, max_iter=5000))


def common_params(n_timepoints: int, seed: int) -> dict:
    """FlowFMTransformer settings shared by every FlowFM pipeline of the UEA benchmarks:
    the tiny preset, 10 patches per series, batch 32, AdamW lr 1e-3, CPU."""
    arch = {"patch_size": max(1, round(n_timepoints / 10))}
    return {"model": "tiny", "encoder": arch, "velocity": arch, "batch_size": 32,
            "lr": 1e-3, "device": "cpu", "random_state": seed}


def baselines(n_timepoints: int, seed: int) -> dict[str, Pipeline]:
    """Raw-series LR and the probe on an untrained encoder."""
    return {
        "raw-lr": probe(FunctionTransformer(flatten)),
        "random-probe": probe(FlowFMTransformer(max_epochs=0, **common_params(n_timepoints,
                                                                              seed))),
    }


def flowfm_candidates(n_timepoints: int, seed: int) -> dict[str, Pipeline]:
    """The FlowFM probes compared by train-only CV in uea_train_cv.py."""
    common = common_params(n_timepoints, seed)
    embedders = {"flowfm-e100": FlowFMTransformer(max_epochs=100, **common)}
    for epochs in (300, 1000):
        for name, augmentation in (("crop", CROP), ("crop-jitter", CROP_JITTER)):
            embedders[f"flowfm-{name}-e{epochs}"] = FlowFMTransformer(
                max_epochs=epochs, augmentation=augmentation, **common
            )
    return {name: probe(embedder) for name, embedder in embedders.items()}


def selected_candidate(dataset: str) -> str | None:
    """The FlowFM candidate with the best mean train-CV accuracy for ``dataset`` in
    ``uea_train_cv.json``, or None if that dataset was not cross-validated."""
    if not SELECTION.exists():
        return None
    rows = pd.DataFrame(json.loads(SELECTION.read_text())["rows"])
    rows = rows[(rows["dataset"] == dataset) & rows["method"].str.startswith("flowfm")]
    if rows.empty:
        return None
    return str(rows.groupby("method")["cv_accuracy"].mean().idxmax())
