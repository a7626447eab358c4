"""Benchmark figures say what they pool and which windows they show."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsfm.benchmarking.figures import confusion_figure, macro_f1_figure, tsne_figure


def predictions(seeds, folds) -> pd.DataFrame:
    rows = [{"method": "minirocket", "seed": s, "fold": f, "y_true": c, "y_pred": c}
            for s in seeds for f in folds for c in ("rest", "walk")]
    return pd.DataFrame(rows)


def test_confusion_title_says_when_seeds_are_pooled():
    fig = confusion_figure(predictions(seeds=(0, 1, 2), folds=(0,)), "minirocket",
                           ["rest", "walk"])
    title = fig.axes[0].get_title()
    assert title.startswith("minirocket: the test fold pooled over 3 seeds (0, 1, 2): "
                            "each test window is counted 3 times")


def test_confusion_title_with_one_seed_names_it_and_the_folds():
    fig = confusion_figure(predictions(seeds=(0,), folds=(0, 1, 2)), "minirocket",
                           ["rest", "walk"])
    title = fig.axes[0].get_title()
    assert title.startswith("minirocket: all 3 test folds, seed 0\n")
    assert "pooled" not in title


def test_confusion_of_an_unknown_method_is_an_error():
    with pytest.raises(ValueError, match=r"no predictions of method 'scratch'.*'minirocket'"):
        confusion_figure(predictions((0,), (0,)), "scratch", ["rest", "walk"])


@pytest.fixture(scope="module")
def windows():
    rng = np.random.default_rng(0)
    return rng.normal(size=(30, 3, 10)), rng.normal(size=(30, 8)), np.repeat(["a", "b", "c"], 10)


def test_tsne_title_of_an_archive_split_claims_no_held_out_subjects(windows):
    fig = tsne_figure(*windows, dataset="RacketSports", has_subjects=False)
    title = fig.get_suptitle()
    assert title == ("RacketSports: the archive's test split (no subject ids; encoder "
                     "pretrained on the archive's training split)")
    assert "held-out subjects" not in title and "fold" not in title


def test_tsne_title_of_subject_folds_says_held_out_subjects(windows):
    fig = tsne_figure(*windows, dataset="hapt", has_subjects=True)
    assert fig.get_suptitle().startswith("hapt: test windows of fold 0, from held-out subjects")


def test_tsne_legend_lists_the_classes(windows):
    fig = tsne_figure(*windows, dataset="hapt", has_subjects=True)
    legend = fig.axes[1].get_legend()
    assert legend.get_title().get_text() == "class"
    assert [t.get_text() for t in legend.get_texts()] == ["a", "b", "c"]


def test_macro_f1_legend_names_the_method_groups():
    summary = pd.DataFrame({"f1_mean": [0.8, 0.9], "f1_sd": [0.01, np.nan],
                            "group": ["transfer", "baseline"]}, index=["flowfm-probe", "rf"])
    legend = macro_f1_figure(summary).axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["transfer", "baseline"]
