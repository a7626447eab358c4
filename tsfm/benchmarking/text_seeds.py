"""Multi-seed aggregation of the Table-2-style text-to-signal comparison.

The text benchmark (``benchmarks/text_generation.py --seeds 0,1,2``) tunes and samples
every (dataset, condition) once per seed, with the subject split and the feature
extractor fixed. These functions turn its per-seed rows into mean and standard
deviation per (dataset, condition) and compare Text+Rep with Text-Only on FID: per
seed, on the means, and against the spread over seeds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: the row fields averaged over seeds
METRICS = ("fid", "precision", "recall", "faithfulness", "faithfulness_over_chance")
CONDITIONS = ("text", "text+rep")


def _ordered(values) -> list:
    return list(dict.fromkeys(values))


def _std(values: np.ndarray) -> float | None:
    """Sample standard deviation (ddof=1); None for a single value (no spread known)."""
    return float(values.std(ddof=1)) if len(values) > 1 else None


def aggregate_seeds(rows: Sequence[dict], metrics: Sequence[str] = METRICS) -> list[dict]:
    """Mean and standard deviation over seeds per (dataset, condition).

    Parameters
    ----------
    rows : sequence of dict
        One per (dataset, condition, seed), with keys ``dataset``, ``condition``,
        ``seed`` and every name in ``metrics``.
    metrics : sequence of str

    Returns
    -------
    list of dict
        In the order the (dataset, condition) pairs first appear: ``dataset``,
        ``condition``, ``seeds`` (the sorted seeds), ``n_seeds``, and
        ``<metric>_mean`` and ``<metric>_std`` (ddof=1; None with one seed).

    Raises
    ------
    ValueError
        If ``rows`` is empty, a row lacks a key, a seed repeats within a pair, or a
        metric is not finite.
    """
    if not rows:
        raise ValueError("rows is empty; pass one row per dataset, condition and seed")
    needed = ("dataset", "condition", "seed", *metrics)
    for i, row in enumerate(rows):
        missing = [k for k in needed if k not in row]
        if missing:
            raise ValueError(f"row {i} lacks {missing}; every row needs {list(needed)}")
    out = []
    for dataset, condition in _ordered((r["dataset"], r["condition"]) for r in rows):
        group = [r for r in rows if r["dataset"] == dataset and r["condition"] == condition]
        seeds = [r["seed"] for r in group]
        if len(set(seeds)) != len(seeds):
            raise ValueError(
                f"{dataset} {condition}: seed repeated in {seeds}; pass one row per seed"
            )
        entry = {"dataset": dataset, "condition": condition, "seeds": sorted(seeds),
                 "n_seeds": len(seeds)}
        for metric in metrics:
            values = np.array([r[metric] for r in group], dtype=float)
            if not np.isfinite(values).all():
                raise ValueError(f"{dataset} {condition}: {metric} is not finite: {values}")
            entry[f"{metric}_mean"] = float(values.mean())
            entry[f"{metric}_std"] = _std(values)
        out.append(entry)
    return out


def compare_fid(rows: Sequence[dict]) -> list[dict]:
    """Text+Rep against Text-Only on FID (lower is better), per dataset.

    Parameters
    ----------
    rows : sequence of dict
        As for :func:`aggregate_seeds`; every dataset needs both conditions for the
        same seeds.

    Returns
    -------
    list of dict
        Per dataset: ``wins_per_seed`` ({seed: whether Text+Rep's FID is lower}),
        ``seed_wins`` (how many seeds it wins), ``n_seeds``, ``fid_text_mean``/``_std``,
        ``fid_text+rep_mean``/``_std``, ``mean_win`` (Text+Rep's mean FID is lower),
        ``difference_mean`` and ``difference_std`` (the paired per-seed difference
        Text-Only minus Text+Rep: positive favours Text+Rep; std None with one seed),
        and ``exceeds_spread``: whether the two means differ by more than the sum of
        their standard deviations (mean +- std intervals do not overlap); None with one
        seed.

    Raises
    ------
    ValueError
        If a dataset lacks a condition, or the two conditions were run with different
        seeds.
    """
    aggregate_seeds(rows, ("fid",))  # validates the rows
    out = []
    for dataset in _ordered(r["dataset"] for r in rows):
        fid = {}
        for condition in CONDITIONS:
            fid[condition] = {r["seed"]: float(r["fid"]) for r in rows
                              if r["dataset"] == dataset and r["condition"] == condition}
            if not fid[condition]:
                raise ValueError(f"{dataset} has no {condition!r} rows; run both conditions")
        if set(fid["text"]) != set(fid["text+rep"]):
            raise ValueError(
                f"{dataset}: Text-Only seeds {sorted(fid['text'])} differ from Text+Rep "
                f"seeds {sorted(fid['text+rep'])}; compare the same seeds"
            )
        seeds = sorted(fid["text"])
        text = np.array([fid["text"][s] for s in seeds])
        rep = np.array([fid["text+rep"][s] for s in seeds])
        diff = text - rep
        std_text, std_rep = _std(text), _std(rep)
        exceeds = None
        if std_text is not None:
            exceeds = bool(abs(text.mean() - rep.mean()) > std_text + std_rep)
        out.append({
            "dataset": dataset, "n_seeds": len(seeds),
            "wins_per_seed": {s: bool(d > 0) for s, d in zip(seeds, diff, strict=True)},
            "seed_wins": int((diff > 0).sum()),
            "fid_text_mean": float(text.mean()), "fid_text_std": std_text,
            "fid_text+rep_mean": float(rep.mean()), "fid_text+rep_std": std_rep,
            "mean_win": bool(rep.mean() < text.mean()),
            "difference_mean": float(diff.mean()), "difference_std": _std(diff),
            "exceeds_spread": exceeds,
        })
    return out


def wins_per_seed(comparison: Sequence[dict]) -> dict:
    """Datasets won by Text+Rep on FID, per seed and on the means.

    Parameters
    ----------
    comparison : sequence of dict
        The output of :func:`compare_fid`.

    Returns
    -------
    dict
        ``per_seed`` ({seed: number of datasets won}), ``on_mean`` (datasets won on the
        mean FID) and ``n_datasets``.
    """
    seeds = sorted({s for c in comparison for s in c["wins_per_seed"]})
    return {
        "per_seed": {s: sum(bool(c["wins_per_seed"].get(s)) for c in comparison)
                     for s in seeds},
        "on_mean": sum(c["mean_win"] for c in comparison),
        "n_datasets": len(comparison),
    }
