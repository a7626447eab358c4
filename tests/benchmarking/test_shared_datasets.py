"""The benchmark windowing of the shared datasets (skipped where ../shared/data is absent)."""

from __future__ import annotations

import numpy as np

from tsfm.benchmarking import load_benchmark_data, make_folds


def test_hapt_is_30hz_10s_with_the_six_activities(shared_data):
    data = load_benchmark_data("hapt", shared_data / "UCI_HAPT")
    assert data.X.shape[1:] == (3, 300)
    assert sorted(set(data.y)) == ["LAYING", "SITTING", "STANDING", "WALKING",
                                   "WALKING_DOWNSTAIRS", "WALKING_UPSTAIRS"]
    assert len(set(data.groups)) == 30 and data.has_subjects
    for train, test in make_folds(data, 5):
        assert set(data.groups[train]).isdisjoint(data.groups[test])


def test_racketsports_uses_the_archive_split(shared_data):
    data = load_benchmark_data("uea:RacketSports", shared_data / "UEA_motion")
    [(train, test)] = make_folds(data, 5)
    assert (len(train), len(test)) == (151, 152)
    assert data.X.shape[1:] == (6, 30) and not data.has_subjects
    assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(303))
