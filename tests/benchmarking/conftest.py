"""A tiny synthetic HAR dataset, a minimal benchmark budget and the shared data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tsfm import FlowFMPretrainer
from tsfm.benchmarking import BenchmarkConfig, BenchmarkData

N_SUBJECTS = 6
CLASSES = ("rest", "walk", "run")
#: a one-block, 16-wide architecture with patches of 10: pretrains in about a second
TINY = {"depth": 1, "width": 16, "heads": 2, "patch_size": 10}


def synthetic_har(n_per_class: int = 4, n_timepoints: int = 40, seed: int = 0) -> BenchmarkData:
    """Three activities (sine frequencies) for six subjects, each with a subject offset."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 1, n_timepoints, dtype=np.float32)
    X, y, groups = [], [], []
    for subject in range(N_SUBJECTS):
        offset = rng.normal(scale=0.3, size=(3, 1))
        for freq, label in zip((1.0, 3.0, 6.0), CLASSES, strict=True):
            for _ in range(n_per_class):
                phase = rng.uniform(0, 2 * np.pi, size=(3, 1))
                X.append(np.sin(2 * np.pi * freq * t + phase) + offset
                         + 0.1 * rng.normal(size=(3, n_timepoints)))
                y.append(label)
                groups.append(f"s{subject}")
    return BenchmarkData(name="synthetic", X=np.asarray(X, dtype=np.float32), y=np.array(y),
                         groups=np.array(groups), info={"title": "synthetic sines"})


@pytest.fixture(scope="session")
def make_har():
    """The :func:`synthetic_har` factory, for fixtures of wider scope."""
    return synthetic_har


@pytest.fixture
def har_data() -> BenchmarkData:
    """72 windows of shape (3, 40): 6 subjects x 3 activities x 4 windows."""
    return synthetic_har()


@pytest.fixture
def tiny_config() -> BenchmarkConfig:
    """One epoch everywhere, 3 outer folds, 2 inner folds, one seed."""
    return BenchmarkConfig(model="tiny", patch_size=10, pretrain_epochs=1, finetune_epochs=1,
                           batch_size=16, n_folds=3, inner_folds=2, seeds=(0,),
                           probe_C=(0.1, 1.0), quick=True)


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    """``../shared/data`` for fixtures of module scope; skips where it is absent."""
    path = Path(__file__).resolve().parents[3] / "shared" / "data"
    if not path.is_dir():
        pytest.skip(f"real datasets not found at {path} (../shared/data is absent)")
    return path


def declare_rate(data: BenchmarkData, rate: float) -> BenchmarkData:
    """``data`` with its windows declared as sampled at ``rate`` Hz."""
    return BenchmarkData(name=data.name, X=data.X, y=data.y, groups=data.groups,
                         info={**data.info, "rate": rate})


@pytest.fixture(scope="session")
def at_rate():
    """The :func:`declare_rate` helper."""
    return declare_rate


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory):
    """A tiny FlowFM model pretrained for one epoch on the (3, 40) synthetic windows."""
    pre = FlowFMPretrainer(model="tiny", max_epochs=1, encoder=TINY, velocity=TINY,
                           device="cpu", random_state=0).fit(synthetic_har().X)
    return pre.save_pretrained(tmp_path_factory.mktemp("model") / "tiny")
