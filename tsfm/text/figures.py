"""Figures of text-to-signal generation: a prompt grid (paper Fig. 5) and a t-SNE (Fig. 6)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

AXES = ("x", "y", "z")


def prompt_grid_figure(
    prompts: Sequence[str],
    generated: Sequence[np.ndarray],
    references: Sequence[np.ndarray | None],
    *,
    rate: float,
    unit: str = "g",
) -> Figure:
    """One row per prompt: a generated sample beside a real window of the same prompt.

    Parameters
    ----------
    prompts : sequence of str, length k
    generated : sequence of k arrays of shape (C, T)
    references : sequence of k arrays of shape (C, T) or None
        A real window described by the prompt; None for a prompt no real window has
        (its panel says so).
    rate : float
        Sampling rate in Hz (the time axis is in seconds).
    unit : str, default="g"

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not (len(prompts) == len(generated) == len(references)) or not prompts:
        raise ValueError("prompts, generated and references must be non-empty and of one length")
    fig = Figure(figsize=(10, 2.1 * len(prompts)), layout="constrained")
    axes = fig.subplots(len(prompts), 2, sharex=True, squeeze=False)
    for row, (prompt, sample, real) in enumerate(zip(prompts, generated, references,
                                                     strict=True)):
        for col, (series, label) in enumerate(((sample, "generated"), (real, "real"))):
            ax = axes[row, col]
            if series is None:
                ax.text(0.5, 0.5, "no real window has this prompt", ha="center",
                        va="center", transform=ax.transAxes)
            else:
                t = np.arange(series.shape[-1]) / rate
                for channel, values in enumerate(series):
                    name = AXES[channel] if channel < len(AXES) else str(channel)
                    ax.plot(t, values, lw=0.8, label=name)
                ax.set_ylabel(f"acceleration ({unit})")
            ax.set_title(f"{label}: {prompt}", fontsize=8)
        axes[row, 0].legend(fontsize=7, loc="upper right")
    for ax in axes[-1]:
        ax.set_xlabel("time (s)")
    return fig


def activity_tsne_figure(
    real_features: np.ndarray,
    real_labels: Sequence[str],
    generated_features: np.ndarray,
    generated_labels: Sequence[str],
    *,
    random_state: int = 0,
    title: str | None = None,
) -> Figure:
    """t-SNE of real (circles) and text-generated (crosses) features, coloured by activity.

    Parameters
    ----------
    real_features : array of shape (n_real, d)
    real_labels : sequence of n_real str
    generated_features : array of shape (n_generated, d)
    generated_labels : sequence of n_generated str
        The activity each generated sample's prompt names.
    random_state : int, default=0
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    from sklearn.manifold import TSNE

    both = np.concatenate([real_features, generated_features])
    perplexity = min(30.0, (len(both) - 1) / 3)
    embedded = TSNE(perplexity=perplexity, random_state=random_state,
                    init="pca").fit_transform(both)
    n = len(real_features)
    labels = np.asarray([*map(str, real_labels), *map(str, generated_labels)])
    fig = Figure(figsize=(7, 6), layout="constrained")
    ax = fig.subplots()
    colours = {name: f"C{i % 10}" for i, name in enumerate(sorted(set(labels)))}
    for name, colour in colours.items():
        real = np.flatnonzero(labels[:n] == name)
        gen = n + np.flatnonzero(labels[n:] == name)
        ax.scatter(*embedded[real].T, s=10, c=colour, marker="o", alpha=0.5, label=name)
        ax.scatter(*embedded[gen].T, s=14, c=colour, marker="x", alpha=0.8)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.legend(fontsize=7, title="activity (o real, x generated)", title_fontsize=7)
    if title:
        ax.set_title(title)
    return fig
