"""Reproducible randomness: scikit-learn ``random_state`` values turned into torch seeds.

``random_state`` follows scikit-learn's conventions:

- an int is a seed and must lie in ``[0, 2**32 - 1]`` (numpy's and scikit-learn's
  range); anything else raises instead of being wrapped silently (torch's CPU
  generator keeps only the low 32 bits, so ``2**32`` would otherwise equal ``0``);
- None draws a fresh seed from numpy's global random state;
- a ``numpy.random.RandomState`` or ``numpy.random.Generator`` instance is consumed:
  each call draws a new seed from it, so repeated calls differ while the sequence of
  calls stays reproducible.

Training (:func:`torch_seed`) seeds torch's global generators, because skorch's
data loader and the generators' training examples draw from them. Sampling draws
from its own :func:`torch_generator`, so seeded calls from several threads do not
disturb one another.
"""

from __future__ import annotations

import contextlib
import numbers
from collections.abc import Iterator

import numpy as np
import torch
from sklearn.utils import check_random_state

#: largest accepted int seed (numpy's and scikit-learn's range is [0, 2**32 - 1])
MAX_SEED = 2**32 - 1


def resolve_seed(random_state) -> int:
    """Turn a scikit-learn ``random_state`` into an int seed in ``[0, 2**32 - 1]``.

    Parameters
    ----------
    random_state : None, int, numpy.random.RandomState or numpy.random.Generator
        See the module docstring.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If an int seed is outside ``[0, 2**32 - 1]``.
    TypeError
        If ``random_state`` is of another type (bools included).
    """
    if isinstance(random_state, bool | np.bool_):
        raise TypeError(
            f"random_state must be None, an int, a numpy RandomState or Generator, got the "
            f"bool {random_state!r}; pass an int seed such as 0"
        )
    if isinstance(random_state, numbers.Integral):
        if not 0 <= random_state <= MAX_SEED:
            raise ValueError(
                f"random_state={random_state!r} is outside the valid seed range [0, 2**32 - 1]; "
                "pass a smaller seed, e.g. random_state % 2**32, or a "
                "numpy.random.Generator"
            )
        return int(random_state)
    if random_state is None or isinstance(random_state, np.random.RandomState):
        return int(check_random_state(random_state).randint(MAX_SEED + 1, dtype=np.int64))
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(MAX_SEED + 1))
    raise TypeError(
        "random_state must be None, an int in [0, 2**32 - 1], a numpy RandomState or a numpy "
        f"Generator, got {type(random_state).__name__}"
    )


def torch_generator(seed: int, device: torch.device | str) -> torch.Generator:
    """A new torch generator on ``device`` seeded with ``seed``, for one call's draws.

    Parameters
    ----------
    seed : int
        A seed from :func:`resolve_seed`.
    device : torch.device or str
        The device the random tensors are drawn on.

    Returns
    -------
    torch.Generator
    """
    generator = torch.Generator(device=torch.device(device))
    generator.manual_seed(seed)
    return generator


@contextlib.contextmanager
def torch_seed(seed: int, device: str) -> Iterator[None]:
    """Seed torch's global generators inside the block and restore them afterwards.

    Not thread-safe (the generators are global); used for training, where skorch
    draws batches and noise from them.
    """
    devices = [torch.device(device)] if torch.device(device).type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield
