"""Reproducible randomness: one integer seed drives torch inside ``fit``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np
import torch
from sklearn.utils import check_random_state


def resolve_seed(random_state) -> int:
    """Turn a scikit-learn ``random_state`` (None, int or RandomState) into an int seed."""
    if isinstance(random_state, int | np.integer) and not isinstance(random_state, bool):
        return int(random_state)
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


@contextlib.contextmanager
def torch_seed(seed: int, device: str) -> Iterator[None]:
    """Seed torch's global generators inside the block and restore them afterwards."""
    devices = [torch.device(device)] if torch.device(device).type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield
