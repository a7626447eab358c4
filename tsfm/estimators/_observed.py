"""Sampling a fitted generator given the observed points of windows (numpy in, numpy out).

Used by :meth:`tsfm.FlowFMSignalGenerator.sample_observed` and, through it, by the
forecaster, imputer and anomaly detector of :mod:`tsfm.sktime`.
"""

from __future__ import annotations

import numpy as np
import torch

from tsfm.estimators._base import check_positive_int
from tsfm.nn.eval_mode import shared_eval_mode
from tsfm.training.seeding import resolve_seed, torch_generator
from tsfm.utils.validation import check_finite_output

#: what the velocity network is conditioned on while the unknown points are drawn
CONDITIONS = ("observed", "none")


def fill_unknown(X: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``X`` with its unknown points linearly interpolated along time (ends held).

    Parameters
    ----------
    X : ndarray of shape (n, C, T)
    mask : bool ndarray of shape (n, C, T)
        True at the observed points; every (series, channel) needs one.

    Returns
    -------
    ndarray of shape (n, C, T), float32
    """
    filled = np.array(X, dtype=np.float32, copy=True)
    grid = np.arange(X.shape[-1])
    for i, c in zip(*np.nonzero(~mask.all(axis=-1)), strict=True):
        known = mask[i, c]
        filled[i, c] = np.interp(grid, grid[known], X[i, c, known])
    return filled


def check_observed(X, mask, n_channels: int, n_timepoints: int) -> tuple[np.ndarray, np.ndarray]:
    """``X`` as float32 (n, C, T) and its boolean mask; NaN in ``X`` marks unknown points.

    Raises
    ------
    ValueError
        On a wrong shape or channel count, no window, a mask of another shape, a channel
        with no observed point, or non-finite values at observed points (without
        ``mask``, only NaN marks a point unknown: ±inf is an error, not a gap).
    """
    X = np.asarray(X, dtype=np.float32)
    if X.ndim != 3 or X.shape[1:] != (n_channels, n_timepoints):
        raise ValueError(
            f"X must have shape (n, {n_channels}, {n_timepoints}) (the model's channels and "
            f"window length), got {X.shape}"
        )
    if len(X) == 0:
        raise ValueError("X holds no window (shape (0, ...)); pass at least one window")
    mask = ~np.isnan(X) if mask is None else np.asarray(mask, dtype=bool)
    if mask.shape != X.shape:
        raise ValueError(f"mask must have X's shape {X.shape}, got {mask.shape}")
    if not np.isfinite(X[mask]).all():
        raise ValueError("X is NaN or inf at points the mask marks observed; fix X or the mask")
    empty = ~mask.any(axis=-1)
    if empty.any():
        i, c = np.argwhere(empty)[0]
        raise ValueError(
            f"series {i}, channel {c} has no observed point; conditional sampling needs "
            "at least one observed value in every channel of every window"
        )
    return X, mask


def sample_observed(gen, X, mask=None, n_draws: int = 1, *, method: str = "guided_inpainting",
                    condition: str = "observed", random_state=None) -> np.ndarray:
    """Draws of whole windows whose observed points are those of ``X``.

    Parameters
    ----------
    gen : FlowFMSignalGenerator
        A fitted generator.
    X : array-like of shape (n, C, T)
        Windows in the data's units; NaN marks unknown points when ``mask`` is None.
    mask : bool array-like of shape (n, C, T), optional
        True at the observed points.
    n_draws : int, default=1
    method : str, default="guided_inpainting"
        A registered conditional sampler.
    condition : {"observed", "none"}, default="observed"
        ``"observed"`` conditions the network on the encoder's representation of the
        window with its unknown points linearly interpolated; ``"none"`` on the null
        condition (a model pretrained with DGS only).
    random_state : None, int, RandomState or Generator

    Returns
    -------
    ndarray of shape (n_draws, n, C, T), float32
        In the data's units, equal to ``X`` at the observed points.
    """
    from tsfm.plugins import get_plugin

    n_draws = check_positive_int(n_draws, "n_draws")
    if condition not in CONDITIONS:
        raise ValueError(f"condition must be one of {list(CONDITIONS)}, got {condition!r}")
    if condition == "none" and not gen.supports_guidance_:
        raise ValueError(
            "condition='none' needs the null condition, which this model (pretrained "
            "without DGS) lacks; use condition='observed'"
        )
    X, mask = check_observed(X, mask, gen.n_channels_, gen.n_timepoints_)
    sampler = get_plugin("conditional_sampler", method)()
    pre = gen.pretrainer_
    module = pre.net_.module_
    device = next(module.parameters()).device
    standardized = pre.standardizer_.transform(fill_unknown(X, mask), name="X")
    representation = None
    if condition == "observed":
        r = pre.net_.embed(standardized, batch_size=gen.sample_batch_size)
        representation = torch.as_tensor(r, device=device)
    observed = torch.as_tensor(standardized, device=device)
    mask_t = torch.as_tensor(mask, device=device)
    options = gen._sampler_options(module, gen.solver_, gen.steps_, False)
    rng = torch_generator(resolve_seed(random_state), device)
    options["rng"] = rng
    n = len(X)
    rows = np.tile(np.arange(n), n_draws)  # draw-major: draw d of series i is d * n + i
    batch = check_positive_int(gen.sample_batch_size, "sample_batch_size")
    out = []
    with shared_eval_mode(module), torch.inference_mode():
        for start in range(0, len(rows), batch):
            idx = torch.as_tensor(rows[start : start + batch], device=device)
            r = None if representation is None else representation[idx]
            predict = sampler.predictor(module, r, observed[idx], mask_t[idx])
            noise = torch.randn((len(idx), *X.shape[1:]), generator=rng, device=device)
            draws = sampler.sample(module.objective, predict, noise, observed[idx],
                                   mask_t[idx], **options)
            out.append(draws.float().cpu().numpy())
    standardized_draws = check_finite_output(
        np.concatenate(out), what="conditional samples",
        fix="use more steps or another solver; check that the model's weights are finite")
    draws = pre.standardizer_.inverse_transform(standardized_draws)
    draws = np.where(np.tile(mask, (n_draws, 1, 1)), np.tile(X, (n_draws, 1, 1)), draws)
    return draws.reshape(n_draws, n, *X.shape[1:]).astype(np.float32)
