"""Draws of forecast paths as an skpro empirical distribution (``predict_proba``)."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd

from tsfm.exceptions import TsfmError


class SkproMissingError(TsfmError, NotImplementedError):
    """skpro is not installed, so no distribution object can be returned.

    A ``NotImplementedError``, which is what sktime's checks accept from a forecaster
    that cannot return ``predict_proba`` distributions in this environment (sktime
    replaces an ``ImportError`` raised there by its own, so this is not a
    :class:`tsfm.exceptions.MissingExtraError`).
    """


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
    SkproMissingError
        If skpro is not installed (``pip install tsfm[bench]`` installs it).
    """
    if importlib.util.find_spec("skpro") is None:
        raise SkproMissingError(
            "predict_proba returns an skpro distribution, and skpro is not installed; "
            "install it with pip install 'tsfm[bench]' (or use predict_quantiles)"
        )
    from skpro.distributions import Empirical

    samples = pd.MultiIndex.from_product([range(len(draws)), index],
                                         names=["sample", index.name])
    spl = pd.DataFrame(draws.transpose(0, 2, 1).reshape(-1, draws.shape[1]), index=samples,
                       columns=columns)
    return Empirical(spl, time_indep=marginal, index=index, columns=columns)
