"""Draws of forecast paths as an skpro empirical distribution (``predict_proba``)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def empirical(draws: np.ndarray, index: pd.Index, columns: pd.Index, *, marginal: bool = True):
    """An skpro ``Empirical`` distribution of sampled paths.

    Parameters
    ----------
    draws : ndarray of shape (n_draws, n_channels, n_steps)
        Whole sampled paths, one per draw.
    index : pd.Index of length n_steps
        The forecast's time index.
    columns : pd.Index of length n_channels
    marginal : bool, default=True
        Whether ``sample`` draws each time point independently (the marginals) or
        whole paths (skpro's ``time_indep``).

    Returns
    -------
    skpro.distributions.Empirical
        Of shape (n_steps, n_channels).

    Raises
    ------
    ModuleNotFoundError
        If skpro is not installed (``pip install tsfm[bench]`` installs it).
    """
    from skpro.distributions import Empirical

    samples = pd.MultiIndex.from_product([range(len(draws)), index],
                                         names=["sample", index.name])
    spl = pd.DataFrame(draws.transpose(0, 2, 1).reshape(-1, draws.shape[1]), index=samples,
                       columns=columns)
    return Empirical(spl, time_indep=marginal, index=index, columns=columns)
