"""Outer folds are subject-disjoint; the nested search only sees training subjects."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.model_selection import GroupKFold, StratifiedKFold

from tsfm.benchmarking import BenchmarkData, make_folds
from tsfm.benchmarking.data import inner_cv


def test_outer_folds_are_subject_disjoint_and_cover_every_window(har_data):
    folds = make_folds(har_data, 3)
    assert len(folds) == 3
    for train, test in folds:
        assert set(har_data.groups[train]).isdisjoint(har_data.groups[test])
    tested = np.sort(np.concatenate([test for _, test in folds]))
    np.testing.assert_array_equal(tested, np.arange(len(har_data.X)))


def test_archive_split_gives_one_fold_with_that_split(har_data):
    split = np.where(np.arange(len(har_data.X)) % 4 == 0, "test", "train")
    data = BenchmarkData(name="archive", X=har_data.X, y=har_data.y, groups=split, split=split)
    [(train, test)] = make_folds(data, 5)
    assert (split[train] == "train").all() and (split[test] == "test").all()
    assert len(train) + len(test) == len(split)


def test_more_folds_than_subjects_is_a_clear_error(har_data):
    with pytest.raises(ValueError, match=r"between 2 and the number of subjects \(6\)"):
        make_folds(har_data, 7)


def test_inner_search_splits_training_subjects_only(har_data):
    train, _ = make_folds(har_data, 3)[0]
    cv, groups, text = inner_cv(har_data, train, 2, seed=0)
    assert isinstance(cv, GroupKFold) and "training subjects" in text
    np.testing.assert_array_equal(groups, har_data.groups[train])
    for inner_train, inner_test in cv.split(har_data.X[train], har_data.y[train], groups):
        assert set(groups[inner_train]).isdisjoint(groups[inner_test])


def test_inner_search_without_subject_ids_is_stratified(har_data):
    split = np.where(np.arange(len(har_data.X)) % 4 == 0, "test", "train")
    data = BenchmarkData(name="archive", X=har_data.X, y=har_data.y, groups=split, split=split)
    cv, groups, text = inner_cv(data, np.flatnonzero(split == "train"), 3, seed=0)
    assert isinstance(cv, StratifiedKFold) and groups is None and "no subject ids" in text


def test_mismatched_lengths_are_rejected(har_data):
    with pytest.raises(ValueError, match="same length"):
        BenchmarkData(name="bad", X=har_data.X, y=har_data.y[:-1], groups=har_data.groups)


def test_quick_budget_uses_three_seeds_on_a_single_archive_fold():
    from tsfm.benchmarking import BenchmarkConfig

    quick = BenchmarkConfig.quick_budget()
    assert quick.seeds == (0,) and quick.model == "tiny" and quick.n_folds == 3
    assert quick.adapted_to(1).seeds == (0, 1, 2)
    assert quick.adapted_to(3).seeds == (0,)
    assert BenchmarkConfig(seeds=(7,)).adapted_to(1).seeds == (7,)  # full budget unchanged
