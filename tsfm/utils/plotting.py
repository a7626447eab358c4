"""Figures of generated series.

Each ``*_figure`` function builds and returns a :class:`matplotlib.figure.Figure`
(made without pyplot, so nothing accumulates in pyplot's global state); the matching
``plot_*`` function writes it to a file and returns the path.

Every figure of signals labels its axes with what is drawn: the y-axis with the
data's quantity and unit (``unit=``, e.g. ``"acceleration (g)"``), the x-axis with
time in seconds when the sampling rate is known (``rate=``) and in samples otherwise,
each panel with the channel it shows, and a legend names every series.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402,F401  (kept for scripts that import it from here)
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

#: channels drawn by default: the three axes of a tri-axial sensor
N_AXES = 3
#: y-axis label when the caller does not say what the values are
UNKNOWN_UNIT = "value (unit not given)"


def _channel_names(n_channels: int, channel_names: Sequence[str] | None) -> list[str]:
    if channel_names is None:
        return [f"channel {i}" for i in range(n_channels)]
    if len(channel_names) != n_channels:
        raise ValueError(
            f"channel_names has {len(channel_names)} names but the series have {n_channels} "
            "channels; pass one name per channel"
        )
    return [str(name) for name in channel_names]


def _check_series(X, name: str) -> np.ndarray:
    X = np.asarray(X, dtype=np.float32)
    if X.ndim != 3 or len(X) == 0:
        raise ValueError(
            f"{name} must have shape (n_series, n_channels, n_timepoints), got {X.shape}"
        )
    return X


def _time_axis(n_timepoints: int, rate: float | None) -> tuple[np.ndarray, str]:
    """x values and x-axis label: seconds when the rate is known, else sample indices."""
    if rate is None:
        return np.arange(n_timepoints), "time (samples)"
    if not np.isfinite(rate) or rate <= 0:
        raise ValueError(f"rate must be a positive sampling rate in Hz, got {rate!r}")
    return np.arange(n_timepoints) / float(rate), "time (s)"


def _shown_channels(names: list[str], rows: int) -> str:
    shown = ", ".join(names[:rows])
    return f"channels shown: {shown}" + (f" ({rows} of {len(names)})" if rows < len(names)
                                         else "")


def _pick(X: np.ndarray, n: int, rng: np.random.Generator | None) -> np.ndarray:
    """Indices of the series drawn: ``n`` at random with ``rng``, else the first ``n``."""
    if rng is None:
        return np.arange(min(n, len(X)))
    return np.sort(rng.permutation(len(X))[:n])


def _draw_columns(columns, *, names: list[str], rows: int, rate: float | None,
                  unit: str | None, title: str | None) -> Figure:
    """One column per ``(heading, X, indices, legend labels)``, one row per channel."""
    fig = Figure(figsize=(5 * len(columns), 2.2 * rows + 0.8), layout="constrained")
    axes = fig.subplots(rows, len(columns), sharey="row", squeeze=False)
    colours = matplotlib.colormaps["tab10"]
    for column, (heading, X, picks, labels) in enumerate(columns):
        t, xlabel = _time_axis(X.shape[2], rate)
        for row in range(rows):
            ax = axes[row, column]
            for k, (i, label) in enumerate(zip(picks, labels, strict=True)):
                ax.plot(t, X[i, row], linewidth=0.9, alpha=0.8, color=colours(k % 10),
                        label=label)
            ax.set_title(f"{heading}: {names[row]}", fontsize=9)
            ax.set_ylabel(unit or UNKNOWN_UNIT, fontsize=8)
            if row == rows - 1:
                ax.set_xlabel(xlabel)
        axes[0, column].legend(fontsize=7, loc="upper right")
    heading = _shown_channels(names, rows)
    fig.suptitle(f"{title}\n{heading}" if title else heading, fontsize=10)
    return fig


def generated_vs_real_figure(
    real,
    generated,
    *,
    channel_names: Sequence[str] | None = None,
    unit: str | None = None,
    rate: float | None = None,
    n_examples: int = 4,
    n_channels: int = N_AXES,
    title: str | None = None,
    random_state: int | None = None,
) -> Figure:
    """Real series beside generated ones, one row per channel (the 3 axes by default).

    The two sets are unrelated draws; to show samples beside the references they were
    conditioned on, use :func:`conditioned_samples_figure`.

    Parameters
    ----------
    real : array of shape (n_real, C, T)
    generated : array of shape (n_generated, C, T)
    channel_names : sequence of str of length C, optional
        Default ``"channel 0"``, ``"channel 1"``…
    unit : str, optional
        Quantity and unit of the values, e.g. ``"acceleration (g)"``; the y-axis says
        ``"value (unit not given)"`` without it.
    rate : float, optional
        Sampling rate in Hz; the x-axis is in seconds with it, in samples without.
    n_examples : int, default=4
        Series overlaid in each panel.
    n_channels : int, default=3
        Number of leading channels drawn.
    title : str, optional
    random_state : int, optional
        Draw the examples at random with this seed; by default the first ones.

    Returns
    -------
    matplotlib.figure.Figure
        ``n_channels`` rows × 2 columns (real, generated).
    """
    real, generated = _check_series(real, "real"), _check_series(generated, "generated")
    if real.shape[1] != generated.shape[1]:
        raise ValueError(
            f"real has {real.shape[1]} channels but generated has {generated.shape[1]}"
        )
    rng = None if random_state is None else np.random.default_rng(random_state)
    real_picks, generated_picks = _pick(real, n_examples, rng), _pick(generated, n_examples, rng)
    columns = [
        ("real", real, real_picks, [f"real series {i}" for i in real_picks]),
        ("generated", generated, generated_picks,
         [f"generated sample {i}" for i in generated_picks]),
    ]
    return _draw_columns(columns, names=_channel_names(real.shape[1], channel_names),
                         rows=min(n_channels, real.shape[1]), rate=rate, unit=unit,
                         title=title)


def conditioned_samples_figure(
    references,
    samples,
    *,
    channel_names: Sequence[str] | None = None,
    unit: str | None = None,
    rate: float | None = None,
    n_examples: int = 4,
    n_channels: int = N_AXES,
    title: str | None = None,
) -> Figure:
    """Reference series beside the samples conditioned on them, one row per channel.

    Sample ``i`` and the reference it was conditioned on share a colour.

    Parameters
    ----------
    references : array of shape (n, C, T) or (1, C, T)
        The ``condition`` passed to ``FlowFMSignalGenerator.sample``; a single
        reference conditions every sample.
    samples : array of shape (n, C, T)
    channel_names, unit, rate, n_examples, n_channels, title
        As in :func:`generated_vs_real_figure`.

    Returns
    -------
    matplotlib.figure.Figure
        ``n_channels`` rows × 2 columns (references, conditioned samples).
    """
    references = _check_series(references, "references")
    samples = _check_series(samples, "samples")
    if len(references) not in (1, len(samples)) or references.shape[1] != samples.shape[1]:
        raise ValueError(
            f"references of shape {references.shape} do not match samples of shape "
            f"{samples.shape}; pass one reference per sample (or a single one) with the "
            "same channels"
        )
    if len(references) == 1:
        references = np.repeat(references, len(samples), axis=0)
    picks = _pick(samples, n_examples, None)
    columns = [
        ("references", references, picks, [f"reference {i}" for i in picks]),
        ("samples conditioned on them", samples, picks,
         [f"sample {i} (reference {i})" for i in picks]),
    ]
    return _draw_columns(columns, names=_channel_names(samples.shape[1], channel_names),
                         rows=min(n_channels, samples.shape[1]), rate=rate, unit=unit,
                         title=title)


def samples_figure(
    generated, *, channel_names: Sequence[str] | None = None, unit: str | None = None,
    rate: float | None = None, n_examples: int = 4, n_channels: int = N_AXES,
    title: str | None = None,
) -> Figure:
    """Generated series alone, one row per channel.

    Parameters
    ----------
    generated : array of shape (n, C, T)
    channel_names, unit, rate, n_examples, n_channels, title
        As in :func:`generated_vs_real_figure`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    generated = _check_series(generated, "generated")
    picks = _pick(generated, n_examples, None)
    columns = [("generated", generated, picks, [f"generated sample {i}" for i in picks])]
    return _draw_columns(columns, names=_channel_names(generated.shape[1], channel_names),
                         rows=min(n_channels, generated.shape[1]), rate=rate, unit=unit,
                         title=title)


def trajectory_figure(trajectory, times, *, channel: int = 0, sample: int = 0,
                      n_panels: int = 6, channel_names: Sequence[str] | None = None,
                      unit: str | None = None, rate: float | None = None) -> Figure:
    """Snapshots of one sample's path from noise (t=0) to data (t=1).

    Parameters
    ----------
    trajectory : array of shape (n_times, n, C, T)
        As returned by ``FlowFMSignalGenerator.sample(..., return_trajectory=True)``.
    times : array of shape (n_times,)
        ``FlowFMSignalGenerator.trajectory_times_``.
    channel, sample : int, default=0
    n_panels : int, default=6
    channel_names, unit, rate
        As in :func:`generated_vs_real_figure`.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per network time.
    """
    trajectory = np.asarray(trajectory)
    if trajectory.ndim != 4 or len(trajectory) != len(times):
        raise ValueError(
            f"trajectory must have shape (n_times, n, C, T) with n_times=len(times)="
            f"{len(times)}, got {trajectory.shape}"
        )
    name = _channel_names(trajectory.shape[2], channel_names)[channel]
    t, xlabel = _time_axis(trajectory.shape[3], rate)
    picks = np.unique(np.linspace(0, len(times) - 1, min(n_panels, len(times))).round()
                      .astype(int))
    fig = Figure(figsize=(2.4 * len(picks), 2.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(picks), sharey=True))
    for ax, i in zip(axes, picks, strict=True):
        ax.plot(t, trajectory[i, sample, channel], linewidth=0.9,
                label=f"sample {sample}, {name}")
        ax.set_title(f"t = {float(times[i]):.2f}", fontsize=9)
        ax.set_xlabel(xlabel, fontsize=8)
    axes[0].set_ylabel(unit or UNKNOWN_UNIT, fontsize=8)
    axes[-1].legend(fontsize=7)
    fig.suptitle(f"sample {sample}, {name}: from noise (t = 0) to data (t = 1)", fontsize=10)
    return fig


def metric_vs_nfe_figure(rows: Sequence[dict], *, metric: str = "fid",
                         group: str = "method") -> Figure:
    """One line per method of a metric against the number of function evaluations.

    Parameters
    ----------
    rows : sequence of dict
        Each with keys ``group`` (e.g. ``"FlowFM euler"``), ``"nfe"`` and ``metric``.
    metric : str, default="fid"
    group : str, default="method"

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.subplots()
    for name in dict.fromkeys(row[group] for row in rows):
        points = sorted((row["nfe"], row[metric]) for row in rows if row[group] == name)
        nfe, values = zip(*points, strict=True)
        ax.plot(nfe, values, marker="o", linestyle="-" if len(points) > 1 else "none", label=name)
    ax.set_xscale("log")
    ax.set_xlabel("function evaluations per sample (NFE)")
    ax.set_ylabel(metric.upper() if metric == "fid" else metric)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, title=group)
    return fig


def feature_tsne_figure(real_features, generated_features, *, random_state: int = 0,
                        title: str | None = None) -> Figure:
    """t-SNE of real and generated features in one map.

    Parameters
    ----------
    real_features : array of shape (n_real, d)
    generated_features : array of shape (n_generated, d)
    random_state : int, default=0
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    from sklearn.manifold import TSNE

    real_features = np.asarray(real_features)
    generated_features = np.asarray(generated_features)
    both = np.concatenate([real_features, generated_features])
    perplexity = min(30.0, (len(both) - 1) / 3)
    tsne = TSNE(perplexity=perplexity, random_state=random_state, init="pca")
    embedded = tsne.fit_transform(both)
    n = len(real_features)
    fig = Figure(figsize=(5, 5), layout="constrained")
    ax = fig.subplots()
    ax.scatter(*embedded[:n].T, s=8, alpha=0.6, label=f"real ({n})")
    ax.scatter(*embedded[n:].T, s=8, alpha=0.6, label=f"generated ({len(embedded) - n})")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.legend()
    if title:
        ax.set_title(title)
    return fig


def plot_generated_vs_real(real, generated, path, **kwargs) -> Path:
    """Write :func:`generated_vs_real_figure` to ``path`` (PNG, PDF, SVG… by suffix)."""
    return save_figure(generated_vs_real_figure(real, generated, **kwargs), path)


def plot_conditioned_samples(references, samples, path, **kwargs) -> Path:
    """Write :func:`conditioned_samples_figure` to ``path``."""
    return save_figure(conditioned_samples_figure(references, samples, **kwargs), path)


def plot_samples(generated, path, **kwargs) -> Path:
    """Write :func:`samples_figure` to ``path``."""
    return save_figure(samples_figure(generated, **kwargs), path)


def plot_trajectory(trajectory, times, path, **kwargs) -> Path:
    """Write :func:`trajectory_figure` to ``path``."""
    return save_figure(trajectory_figure(trajectory, times, **kwargs), path)


def plot_metric_vs_nfe(rows: Sequence[dict], path, **kwargs) -> Path:
    """Write :func:`metric_vs_nfe_figure` to ``path``."""
    return save_figure(metric_vs_nfe_figure(rows, **kwargs), path)


def plot_feature_tsne(real_features, generated_features, path, **kwargs) -> Path:
    """Write :func:`feature_tsne_figure` to ``path``."""
    return save_figure(feature_tsne_figure(real_features, generated_features, **kwargs), path)


def save_figure(fig: Figure, path) -> Path:
    """Write ``fig`` to ``path`` (format by suffix, 120 dpi), creating its folder.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    path : str or Path

    Returns
    -------
    Path
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    return path
