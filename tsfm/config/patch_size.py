"""The ``patch_size="auto"`` rule: a patch length that gives a series about 16 tokens.

A Transformer over very few tokens has little to attend to: RacketSports (T = 30) with
the paper's patch of 10 samples gives 3 tokens, and its FlowFM embedding lost to
logistic regression on the raw series. ``"auto"`` picks the patch from the series
length instead:

    patch = max(1, floor(T / 16 + 1/2))

(``T / 16`` rounded half up), then clamped so that the ``ceil(T / patch)`` tokens lie
within ``[10, 30]`` wherever the length allows it. Since ``patch`` is ``T / 16``
rounded, the rule alone already gives 12 to 20 tokens for ``T >= 24``; shorter series
get a patch of 1, i.e. one token per timepoint. The chosen integer is recorded in the
model configuration, so a saved model never depends on the rule.
"""

from __future__ import annotations

import math

#: the token count ``"auto"`` aims at
TARGET_TOKENS = 16
#: ``"auto"`` keeps the token count within this range wherever the length allows it
TOKEN_RANGE = (10, 30)
#: the value of ``encoder__patch_size`` / ``velocity__patch_size`` that selects the rule
AUTO = "auto"


def auto_patch_size(n_timepoints: int) -> int:
    """The patch size ``"auto"`` selects for series of ``n_timepoints`` samples.

    Parameters
    ----------
    n_timepoints : int
        Length of the training series, at least 1.

    Returns
    -------
    int
        A patch size in ``[1, n_timepoints]``.

    Examples
    --------
    >>> [auto_patch_size(t) for t in (6, 30, 40, 128, 300)]
    [1, 2, 3, 8, 19]
    """
    low, high = TOKEN_RANGE
    patch = max(1, math.floor(n_timepoints / TARGET_TOKENS + 0.5))
    if math.ceil(n_timepoints / patch) > high:
        patch = math.ceil(n_timepoints / high)
    if math.ceil(n_timepoints / patch) < low:
        patch = max(1, n_timepoints // low)
    return patch
