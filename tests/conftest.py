"""Shared fixtures: small synthetic panels and the real datasets in ../shared/data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session", autouse=True)
def _one_torch_thread():
    """Run torch on one thread: the test models are far too small to gain from threads,
    and on a busy 2-core machine thread synchronisation made them up to ~100x slower."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def shared_data() -> Path:
    """``../shared/data`` beside the repository; skips the test where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real datasets not found at {SHARED_DATA} (../shared/data is absent)")
    return SHARED_DATA


@pytest.fixture
def panel() -> np.ndarray:
    """A small (24, 3, 40) float32 panel of noisy sines with two frequencies."""
    rng = np.random.default_rng(0)
    t = np.linspace(0, 1, 40, dtype=np.float32)
    freq = np.repeat([2.0, 5.0], 12)[:, None, None]
    phase = rng.uniform(0, 2 * np.pi, size=(24, 3, 1))
    return (np.sin(2 * np.pi * freq * t + phase) + 0.1 * rng.normal(size=(24, 3, 40))).astype(
        np.float32
    )


@pytest.fixture
def labels() -> np.ndarray:
    """Labels of :func:`panel`: the sine frequency class."""
    return np.repeat(np.array(["slow", "fast"]), 12)
