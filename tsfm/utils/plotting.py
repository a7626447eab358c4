"""Figures of generated series, written with matplotlib's non-interactive Agg backend."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

#: channels drawn by default: the three axes of a tri-axial sensor
N_AXES = 3


def _channel_names(n_channels: int, channel_names: Sequence[str] | None) -> list[str]:
    if channel_names is None:
        return [f"channel {i}" for i in range(n_channels)]
    if len(channel_names) < n_channels:
        raise ValueError(
            f"channel_names has {len(channel_names)} names but {n_channels} channels are drawn"
        )
    return list(channel_names)


def _check_series(X, name: str) -> np.ndarray:
    X = np.asarray(X, dtype=np.float32)
    if X.ndim != 3 or len(X) == 0:
        raise ValueError(
            f"{name} must have shape (n_series, n_channels, n_timepoints), got {X.shape}"
        )
    return X


def plot_generated_vs_real(
    real,
    generated,
    path,
    *,
    channel_names: Sequence[str] | None = None,
    n_examples: int = 4,
    n_channels: int = N_AXES,
    title: str | None = None,
    random_state: int | None = None,
) -> Path:
    """Real series beside generated ones, one row per channel (the 3 axes by default).

    Parameters
    ----------
    real : array of shape (n_real, C, T)
    generated : array of shape (n_generated, C, T)
    path : str or Path
        Output image (PNG, PDF, SVG… by suffix).
    channel_names : sequence of str, optional
    n_examples : int, default=4
        Series overlaid in each panel.
    n_channels : int, default=3
        Number of leading channels drawn.
    title : str, optional
    random_state : int, optional
        Draw the examples at random with this seed; by default the first ones.

    Returns
    -------
    Path
    """
    real, generated = _check_series(real, "real"), _check_series(generated, "generated")
    if random_state is not None:
        rng = np.random.default_rng(random_state)
        real = real[rng.permutation(len(real))[:n_examples]]
        generated = generated[rng.permutation(len(generated))[:n_examples]]
    if real.shape[1] != generated.shape[1]:
        raise ValueError(
            f"real has {real.shape[1]} channels but generated has {generated.shape[1]}"
        )
    rows = min(n_channels, real.shape[1])
    names = _channel_names(real.shape[1], channel_names)
    fig, axes = plt.subplots(rows, 2, figsize=(10, 2.2 * rows), sharey="row", squeeze=False)
    for column, (label, X) in enumerate((("real", real), ("generated", generated))):
        for row in range(rows):
            ax = axes[row, column]
            for series in X[:n_examples]:
                ax.plot(series[row], linewidth=0.9, alpha=0.8)
            ax.set_ylabel(names[row] if column == 0 else "")
            if row == 0:
                ax.set_title(label)
            if row == rows - 1:
                ax.set_xlabel("timepoint")
    if title:
        fig.suptitle(title)
    return _save(fig, path)


def plot_samples(
    generated, path, *, channel_names: Sequence[str] | None = None, n_examples: int = 4,
    n_channels: int = N_AXES,
) -> Path:
    """Generated series alone, one row per channel.

    Parameters
    ----------
    generated : array of shape (n, C, T)
    path : str or Path
    channel_names : sequence of str, optional
    n_examples : int, default=4
    n_channels : int, default=3

    Returns
    -------
    Path
    """
    generated = _check_series(generated, "generated")
    rows = min(n_channels, generated.shape[1])
    names = _channel_names(generated.shape[1], channel_names)
    fig, axes = plt.subplots(rows, 1, figsize=(7, 2.2 * rows), squeeze=False)
    for row in range(rows):
        for series in generated[:n_examples]:
            axes[row, 0].plot(series[row], linewidth=0.9, alpha=0.8)
        axes[row, 0].set_ylabel(names[row])
    axes[0, 0].set_title("generated")
    axes[-1, 0].set_xlabel("timepoint")
    return _save(fig, path)


def plot_trajectory(trajectory, times, path, *, channel: int = 0, sample: int = 0,
                    n_panels: int = 6) -> Path:
    """Snapshots of one sample's path from noise (t=0) to data (t=1).

    Parameters
    ----------
    trajectory : array of shape (n_times, n, C, T)
        As returned by ``FlowFMSignalGenerator.sample(..., return_trajectory=True)``.
    times : array of shape (n_times,)
        ``FlowFMSignalGenerator.trajectory_times_``.
    path : str or Path
    channel, sample : int, default=0
    n_panels : int, default=6

    Returns
    -------
    Path
    """
    trajectory = np.asarray(trajectory)
    if trajectory.ndim != 4 or len(trajectory) != len(times):
        raise ValueError(
            f"trajectory must have shape (n_times, n, C, T) with n_times=len(times)="
            f"{len(times)}, got {trajectory.shape}"
        )
    picks = np.linspace(0, len(times) - 1, min(n_panels, len(times)))
    picks = np.unique(picks.round().astype(int))
    fig, axes = plt.subplots(1, len(picks), figsize=(2.2 * len(picks), 2.2), sharey=True)
    for ax, i in zip(np.atleast_1d(axes), picks, strict=True):
        ax.plot(trajectory[i, sample, channel], linewidth=0.9)
        ax.set_title(f"t = {float(times[i]):.2f}")
    return _save(fig, path)


def plot_metric_vs_nfe(
    rows: Sequence[dict], path, *, metric: str = "fid", group: str = "method"
) -> Path:
    """One line per method of a metric against the number of function evaluations.

    Parameters
    ----------
    rows : sequence of dict
        Each with keys ``group`` (e.g. ``"FlowFM euler"``), ``"nfe"`` and ``metric``.
    path : str or Path
    metric : str, default="fid"
    group : str, default="method"

    Returns
    -------
    Path
    """
    fig, ax = plt.subplots(figsize=(6, 4))
    for name in dict.fromkeys(row[group] for row in rows):
        points = sorted((row["nfe"], row[metric]) for row in rows if row[group] == name)
        nfe, values = zip(*points, strict=True)
        ax.plot(nfe, values, marker="o", linestyle="-" if len(points) > 1 else "none", label=name)
    ax.set_xscale("log")
    ax.set_xlabel("function evaluations per sample (NFE)")
    ax.set_ylabel(metric.upper() if metric == "fid" else metric)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    return _save(fig, path)


def plot_feature_tsne(real_features, generated_features, path, *, random_state: int = 0,
                      title: str | None = None) -> Path:
    """t-SNE of real and generated features in one map.

    Parameters
    ----------
    real_features : array of shape (n_real, d)
    generated_features : array of shape (n_generated, d)
    path : str or Path
    random_state : int, default=0
    title : str, optional

    Returns
    -------
    Path
    """
    from sklearn.manifold import TSNE

    real_features = np.asarray(real_features)
    generated_features = np.asarray(generated_features)
    both = np.concatenate([real_features, generated_features])
    perplexity = min(30.0, (len(both) - 1) / 3)
    tsne = TSNE(perplexity=perplexity, random_state=random_state, init="pca")
    embedded = tsne.fit_transform(both)
    n = len(real_features)
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.scatter(*embedded[:n].T, s=8, alpha=0.6, label="real")
    ax.scatter(*embedded[n:].T, s=8, alpha=0.6, label="generated")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.legend()
    if title:
        ax.set_title(title)
    return _save(fig, path)


def _save(fig, path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
