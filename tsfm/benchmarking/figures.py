"""Figures of a benchmark run (matplotlib, Agg backend)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.manifold import TSNE  # noqa: E402
from sklearn.metrics import confusion_matrix  # noqa: E402

#: bar colour of each summary section
GROUP_COLOURS = {"transfer": "tab:blue", "fine-tuning": "tab:orange", "baseline": "tab:green",
                 "dgs": "tab:gray"}
#: at most this many test windows are drawn in the t-SNE figure
MAX_TSNE_POINTS = 800


def plot_confusion(predictions: pd.DataFrame, method: str, classes, path: Path) -> Path:
    """Row-normalised confusion matrix of ``method``, pooled over folds and seeds.

    Parameters
    ----------
    predictions : DataFrame with columns ``method, y_true, y_pred``
    method : str
    classes : sequence of str
    path : Path
    """
    rows = predictions[predictions["method"] == method]
    matrix = confusion_matrix(rows["y_true"], rows["y_pred"], labels=list(classes))
    share = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    size = max(5.0, 0.45 * len(classes) + 2.5)
    fig, ax = plt.subplots(figsize=(size + 1, size))
    image = ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    for i in range(len(classes)):
        for j in range(len(classes)):
            ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=7,
                    color="white" if share[i, j] > 0.6 else "black")
    ax.set_xticks(range(len(classes)), classes, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(classes)), classes, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(f"{method}: all test folds\n(counts; colour = share of the true class)",
                 fontsize=10)
    fig.colorbar(image, ax=ax, fraction=0.046)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_macro_f1(summary: pd.DataFrame, path: Path) -> Path:
    """Mean macro-F1 per method with ± SD error bars.

    Parameters
    ----------
    summary : DataFrame indexed by method with ``f1_mean``, ``f1_sd`` and ``group``
    path : Path
    """
    fig, ax = plt.subplots(figsize=(max(6.0, 0.55 * len(summary) + 2), 4.5))
    positions = np.arange(len(summary))
    colours = [GROUP_COLOURS.get(g, "tab:blue") for g in summary["group"]]
    ax.bar(positions, summary["f1_mean"], yerr=summary["f1_sd"].fillna(0), capsize=4,
           color=colours, alpha=0.85)
    for group, colour in GROUP_COLOURS.items():
        if group in set(summary["group"]):
            ax.bar([0], [0], color=colour, label=group)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_xticks(positions, summary.index, rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("macro-F1 (mean ± SD over folds × seeds)")
    ax.set_ylim(0, 1)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _tsne(features: np.ndarray, seed: int) -> np.ndarray:
    features = (features - features.mean(0)) / (features.std(0) + 1e-8)
    perplexity = float(min(30, max(2, (len(features) - 1) // 3)))
    return TSNE(n_components=2, perplexity=perplexity, init="pca",
                random_state=seed).fit_transform(features)


def plot_tsne(X_raw: np.ndarray, embeddings: np.ndarray, y: np.ndarray, path: Path,
              *, seed: int = 0, title: str = "") -> Path:
    """t-SNE of raw windows beside t-SNE of FlowFM embeddings, coloured by activity.

    Parameters
    ----------
    X_raw : ndarray of shape (n, n_channels, n_timepoints)
    embeddings : ndarray of shape (n, d)
    y : ndarray of shape (n,)
    path : Path
    seed : int
        Seed of the subsample and of t-SNE.
    title : str
    """
    rng = np.random.default_rng(seed)
    keep = np.sort(rng.permutation(len(y))[:MAX_TSNE_POINTS])
    panels = [("raw windows (flattened)", X_raw[keep].reshape(len(keep), -1)),
              ("FlowFM embeddings (frozen encoder)", embeddings[keep])]
    classes = sorted(set(y[keep]))
    colours = plt.get_cmap("tab20" if len(classes) > 10 else "tab10")
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.5))
    for ax, (name, features) in zip(axes, panels, strict=True):
        points = _tsne(features.astype(np.float64), seed)
        for i, label in enumerate(classes):
            mask = y[keep] == label
            ax.scatter(points[mask, 0], points[mask, 1], s=8, color=colours(i), label=label)
        ax.set_title(name)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[1].legend(fontsize=7, markerscale=2, loc="center left", bbox_to_anchor=(1, 0.5))
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
