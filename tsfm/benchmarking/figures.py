"""Figures of a benchmark run.

Each ``*_figure`` function builds and returns a :class:`matplotlib.figure.Figure`
(without pyplot); the matching ``plot_*`` function writes it to a file. Titles say
what was pooled and which windows are shown, so that a figure read on its own is
not misleading.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.manifold import TSNE
from sklearn.metrics import confusion_matrix

from tsfm.utils.plotting import save_figure

#: bar colour of each summary section
GROUP_COLOURS = {"transfer": "tab:blue", "fine-tuning": "tab:orange", "baseline": "tab:green",
                 "dgs": "tab:gray"}
#: at most this many test windows are drawn in the t-SNE figure
MAX_TSNE_POINTS = 800


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def confusion_title(rows: pd.DataFrame, method: str) -> str:
    """What a confusion matrix pools: folds, and seeds when there are several.

    Parameters
    ----------
    rows : DataFrame with columns ``seed, fold``
        The predictions of ``method``.
    method : str

    Returns
    -------
    str
    """
    seeds, folds = sorted(rows["seed"].unique()), rows["fold"].nunique()
    where = "the test fold" if folds == 1 else f"all {folds} test folds"
    if len(seeds) == 1:
        pooled = f"{where}, seed {seeds[0]}"
    else:
        pooled = (f"{where} pooled over {len(seeds)} seeds "
                  f"({', '.join(str(s) for s in seeds)}): each test window is counted "
                  f"{len(seeds)} times")
    return f"{method}: {pooled}\n(counts; colour = share of the true class)"


def confusion_figure(predictions: pd.DataFrame, method: str, classes) -> Figure:
    """Row-normalised confusion matrix of ``method``, pooled over folds and seeds.

    Parameters
    ----------
    predictions : DataFrame with columns ``method, seed, fold, y_true, y_pred``
    method : str
    classes : sequence of str

    Returns
    -------
    matplotlib.figure.Figure
    """
    rows = predictions[predictions["method"] == method]
    if rows.empty:
        raise ValueError(
            f"no predictions of method {method!r}; methods with predictions: "
            f"{sorted(predictions['method'].unique())}"
        )
    matrix = confusion_matrix(rows["y_true"], rows["y_pred"], labels=list(classes))
    share = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    size = max(5.0, 0.45 * len(classes) + 2.5)
    fig = Figure(figsize=(size + 1, size), layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    for i in range(len(classes)):
        for j in range(len(classes)):
            ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=7,
                    color="white" if share[i, j] > 0.6 else "black")
    ax.set_xticks(range(len(classes)), classes, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(classes)), classes, fontsize=8)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(confusion_title(rows, method), fontsize=9)
    fig.colorbar(image, ax=ax, fraction=0.046, label="share of the true class")
    return fig


def macro_f1_figure(summary: pd.DataFrame) -> Figure:
    """Mean macro-F1 per method with ± SD error bars, coloured by section.

    Parameters
    ----------
    summary : DataFrame indexed by method with ``f1_mean``, ``f1_sd`` and ``group``

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = Figure(figsize=(max(6.0, 0.55 * len(summary) + 2), 4.5), layout="constrained")
    ax = fig.subplots()
    positions = np.arange(len(summary))
    colours = [GROUP_COLOURS.get(g, "tab:blue") for g in summary["group"]]
    ax.bar(positions, summary["f1_mean"], yerr=summary["f1_sd"].fillna(0), capsize=4,
           color=colours, alpha=0.85)
    for group, colour in GROUP_COLOURS.items():
        if group in set(summary["group"]):
            ax.bar([0], [0], color=colour, label=group)
    ax.legend(fontsize=8, loc="lower right", title="method group")
    ax.set_xticks(positions, summary.index, rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("macro-F1 (mean ± SD over folds × seeds)")
    ax.set_ylim(0, 1)
    ax.grid(axis="y", alpha=0.3)
    return fig


def tsne_title(dataset: str, *, has_subjects: bool) -> str:
    """What the t-SNE windows are: held-out subjects, or an archive's test split.

    Parameters
    ----------
    dataset : str
    has_subjects : bool
        False for an archive's fixed train/test split (no subject ids, as in UEA).

    Returns
    -------
    str
    """
    if has_subjects:
        return (f"{dataset}: test windows of fold 0, from held-out subjects "
                "(encoder pretrained on the other subjects' windows)")
    return (f"{dataset}: the archive's test split (no subject ids; encoder pretrained on "
            "the archive's training split)")


def _tsne(features: np.ndarray, seed: int) -> np.ndarray:
    features = (features - features.mean(0)) / (features.std(0) + 1e-8)
    perplexity = float(min(30, max(2, (len(features) - 1) // 3)))
    return TSNE(n_components=2, perplexity=perplexity, init="pca",
                random_state=seed).fit_transform(features)


def tsne_figure(X_raw: np.ndarray, embeddings: np.ndarray, y: np.ndarray, *, dataset: str,
                has_subjects: bool, seed: int = 0) -> Figure:
    """t-SNE of raw windows beside t-SNE of FlowFM embeddings, coloured by class.

    Parameters
    ----------
    X_raw : ndarray of shape (n, n_channels, n_timepoints)
    embeddings : ndarray of shape (n, d)
    y : ndarray of shape (n,)
    dataset : str
        Name in the title.
    has_subjects : bool
        Whether the windows are held-out subjects (subject-wise folds) or an archive's
        test split; see :func:`tsne_title`.
    seed : int, default=0
        Seed of the subsample and of t-SNE.

    Returns
    -------
    matplotlib.figure.Figure
    """
    rng = np.random.default_rng(seed)
    keep = np.sort(rng.permutation(len(y))[:MAX_TSNE_POINTS])
    panels = [("raw windows (flattened)", X_raw[keep].reshape(len(keep), -1)),
              ("FlowFM embeddings (frozen encoder)", embeddings[keep])]
    classes = sorted(set(y[keep]))
    colours = matplotlib.colormaps["tab20" if len(classes) > 10 else "tab10"]
    fig = Figure(figsize=(12, 5.5), layout="constrained")
    axes = fig.subplots(1, 2)
    for ax, (name, features) in zip(axes, panels, strict=True):
        points = _tsne(features.astype(np.float64), seed)
        for i, label in enumerate(classes):
            mask = y[keep] == label
            ax.scatter(points[mask, 0], points[mask, 1], s=8, color=colours(i), label=label)
        ax.set_title(f"{name}, {len(keep)} windows", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[1].legend(fontsize=7, markerscale=2, loc="center left", bbox_to_anchor=(1, 0.5),
                   title="class")
    fig.suptitle(tsne_title(dataset, has_subjects=has_subjects), fontsize=10)
    return fig


def plot_confusion(predictions: pd.DataFrame, method: str, classes, path: Path) -> Path:
    """Write :func:`confusion_figure` to ``path``."""
    return save_figure(confusion_figure(predictions, method, classes), path)


def plot_macro_f1(summary: pd.DataFrame, path: Path) -> Path:
    """Write :func:`macro_f1_figure` to ``path``."""
    return save_figure(macro_f1_figure(summary), path)


def plot_tsne(X_raw: np.ndarray, embeddings: np.ndarray, y: np.ndarray, path: Path,
              **kwargs) -> Path:
    """Write :func:`tsne_figure` to ``path``."""
    return save_figure(tsne_figure(X_raw, embeddings, y, **kwargs), path)
