"""Tiny FlowFM and DiffFM models shared by the generation tests (trained once per session)."""

from __future__ import annotations

import numpy as np
import pytest

from tsfm import FlowFMPretrainer

#: tiny architecture over 40 timepoints: 5 patches of 8
TINY = {
    "model": "tiny",
    "encoder": {"patch_size": 8},
    "velocity": {"patch_size": 8},
    "max_epochs": 2,
    "random_state": 0,
}


@pytest.fixture(scope="session")
def series() -> np.ndarray:
    """(32, 3, 40) noisy sines in 'data units': mean about 5, scale about 3 per channel."""
    rng = np.random.default_rng(0)
    t = np.linspace(0, 1, 40, dtype=np.float32)
    freq = np.repeat([2.0, 5.0], 16)[:, None, None]
    phase = rng.uniform(0, 2 * np.pi, size=(32, 3, 1))
    X = np.sin(2 * np.pi * freq * t + phase) + 0.1 * rng.normal(size=(32, 3, 40))
    return (3.0 * X + 5.0).astype(np.float32)


@pytest.fixture(scope="session")
def flowfm(series) -> FlowFMPretrainer:
    """A tiny FlowFM trained with DGS (mask_prob=0.5)."""
    return FlowFMPretrainer(**TINY).fit(series)


@pytest.fixture(scope="session")
def difffm(series) -> FlowFMPretrainer:
    """A tiny DiffFM twin (objective='diffusion') trained with DGS."""
    return FlowFMPretrainer(objective="diffusion", **TINY).fit(series)


@pytest.fixture(scope="session")
def flowfm_without_dgs(series) -> FlowFMPretrainer:
    """A tiny FlowFM trained without masking: no null condition."""
    return FlowFMPretrainer(mask_prob=0.0, **TINY).fit(series)
