"""Random observation masks for tuning an observation conditioner.

Every window hides one of three patterns, chosen with equal probability: its future
(the end of the window), one gap, or scattered points; the settings are an
:class:`tsfm.config.observation_config.ObservationConfig`.
"""

from __future__ import annotations

import torch

from tsfm.config.observation_config import FractionRange, ObservationConfig

#: the three patterns, in the order of the draw
PATTERNS = ("future", "gap", "points")


def _length(fractions: FractionRange, n_timepoints: int, generator) -> int:
    """A length in points drawn uniformly from the range, at least 1 and below T."""
    u = torch.rand((), generator=generator).item()
    fraction = fractions.low + u * (fractions.high - fractions.low)
    return min(max(1, round(fraction * n_timepoints)), n_timepoints - 1)


def random_masks(n: int, n_channels: int, n_timepoints: int, config: ObservationConfig,
                 generator: torch.Generator) -> torch.Tensor:
    """Boolean masks (True at observed points) of ``n`` windows.

    Parameters
    ----------
    n, n_channels, n_timepoints : int
    config : ObservationConfig
    generator : torch.Generator
        A CPU generator; the only source of randomness.

    Returns
    -------
    bool tensor of shape (n, n_channels, n_timepoints), on the CPU
        Every channel of every window keeps at least one observed point.
    """
    if n_timepoints < 2:
        raise ValueError(f"windows need at least 2 timepoints to hide some, got {n_timepoints}")
    mask = torch.ones((n, n_channels, n_timepoints), dtype=torch.bool)
    patterns = torch.randint(len(PATTERNS), (n,), generator=generator)
    for i, pattern in enumerate(patterns.tolist()):
        if PATTERNS[pattern] == "future":
            mask[i, :, n_timepoints - _length(config.future, n_timepoints, generator):] = False
        elif PATTERNS[pattern] == "gap":
            length = _length(config.gap, n_timepoints, generator)
            start = torch.randint(n_timepoints - length + 1, (), generator=generator).item()
            mask[i, :, start:start + length] = False
        else:
            u = torch.rand((), generator=generator).item()
            p = config.points.low + u * (config.points.high - config.points.low)
            mask[i] = torch.rand((n_channels, n_timepoints), generator=generator) >= p
    empty = ~mask.any(dim=-1)
    if empty.any():
        rows, channels = torch.nonzero(empty, as_tuple=True)
        keep = torch.randint(n_timepoints, (len(rows),), generator=generator)
        mask[rows, channels, keep] = True
    return mask
