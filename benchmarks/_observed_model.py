"""The observation-conditioned wrist model the task benchmarks compare (mechanism 2).

``flowfm-wrist-small`` tuned by ``FlowFMSignalGenerator.fit_observed`` on windows of
the *fitting* half of the tuning subjects of HAPT and SmartFallMM (every other tuning
subject, sorted by name); the other half of the tuning subjects is the validation
part that chooses the default mechanism (``tasks_mechanisms.py``). No held-out subject
is seen. The tuned model is a run artefact: it is cached under ``--cache`` (default
``$TSFM_SCRATCH`` or ``/tmp/tsfm-bench``), keyed by the tuning settings, and never
committed.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import numpy as np
from _tasks_data import load, split_subjects

from tsfm import FlowFMSignalGenerator

PRETRAINED = "flowfm-wrist-small"
DATASETS = ("hapt", "smartfallmm")
#: the one tuning setting used (not searched: the CPU budget allowed one run)
SETTINGS = {"max_epochs": 30, "batch_size": 64, "lr": 3e-4, "random_state": 0}


def scratch() -> Path:
    """Where tuned models are cached: ``$TSFM_SCRATCH`` or ``/tmp/tsfm-bench``."""
    return Path(os.environ.get("TSFM_SCRATCH", "/tmp/tsfm-bench"))


def split_tuning(groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks (fit, validation) of windows: the tuning subjects, every other one."""
    tuning, _ = split_subjects(groups)
    subjects = sorted(set(groups[tuning]))
    fit = np.isin(groups, subjects[::2])
    return fit, tuning & ~fit


def fitting_windows() -> np.ndarray:
    """Windows (n, 3, 300) of the fitting subjects of both datasets."""
    parts = []
    for name in DATASETS:
        X, groups, _ = load(name)
        parts.append(X[split_tuning(groups)[0]])
    return np.concatenate(parts).astype(np.float32)


def tuned_model(cache: Path | None = None) -> tuple[Path, dict]:
    """The directory of the tuned model (tuned now if not cached) and its record.

    Returns
    -------
    (Path, dict)
        The model directory and ``{"settings", "windows", "seconds", "losses"}``.
    """
    key = hashlib.sha256(json.dumps([PRETRAINED, DATASETS, SETTINGS]).encode()).hexdigest()[:10]
    directory = (cache or scratch()) / f"observed-{key}"
    record_file = directory / "tuning.json"
    if record_file.exists():
        return directory, json.loads(record_file.read_text())
    X = fitting_windows()
    gen = FlowFMSignalGenerator(pretrained=PRETRAINED, device="cpu").fit()
    start = time.time()
    gen.fit_observed(X, **SETTINGS)
    record = {"settings": SETTINGS, "windows": len(X), "seconds": time.time() - start,
              "losses": gen.observed_history_}
    gen.save_pretrained(directory)
    record_file.write_text(json.dumps(record, indent=1))
    return directory, record


if __name__ == "__main__":
    path, info = tuned_model()
    print(path, json.dumps(info))
