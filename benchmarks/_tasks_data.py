"""Windows of held-out subjects for the forecasting, imputation and fall benchmarks.

Subjects are split by sorted name, every other one: the first half ("tuning"
subjects) gives the kNN analogue library, the seasonal period and the choice of the
anomaly score; the second half ("held-out" subjects) is scored. Note: the shipped
``flowfm-wrist-small`` was pretrained, without labels, on windows of all HAPT and
SmartFallMM subjects, so no subject of these two datasets is unseen by the model's
pretraining; the held-out subjects are unseen by every tuning done here.
"""

from __future__ import annotations

import numpy as np

from tsfm.datasets import load_dataset

DATA = "/work/shared/data"
RATE, SECONDS = 30, 10


def load(name: str):
    """(X, groups, metadata) of 10 s, 30 Hz accelerometer windows of a dataset."""
    options = {"device": "meta_wrist", "groups": "young", "overlap": 0.5} \
        if name == "smartfallmm" else {}
    ds = load_dataset(name, data_dir=DATA, rate=RATE, window_seconds=SECONDS,
                      channels=["acc"], **options)
    return ds.X, np.asarray(ds.groups), ds.metadata


def split_subjects(groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks (tuning, held_out) of windows by subject, every other subject."""
    subjects = sorted(set(groups))
    tuning = np.isin(groups, subjects[::2])
    return tuning, ~tuning


def pick(mask: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """``n`` indices of ``mask``'s True windows, drawn without replacement, sorted."""
    idx = np.flatnonzero(mask)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(idx, size=min(n, len(idx)), replace=False))
