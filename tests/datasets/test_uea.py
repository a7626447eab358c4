"""UEA/UCR archive problems (``uea:<Problem>``) and sktime's bundled BasicMotions."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from tsfm.datasets import WindowedDataset, load_dataset


def test_fixture_cases_are_kept_whole_at_their_own_rate(uea_dir):
    ds = load_dataset("uea:Toy", uea_dir)
    assert ds.X.shape == (3, 2, 5)
    np.testing.assert_array_equal(ds.X[0], [[1, 2, 3, 4, 5], [0.5] * 5])
    assert ds.y.tolist() == ["Up", "Down", "Up"]


def test_groups_hold_the_official_split_because_there_are_no_subjects(uea_dir):
    ds = load_dataset("uea:Toy", uea_dir)
    assert ds.groups.tolist() == ["train", "train", "test"]
    assert ds.metadata["subject"].isna().all()
    assert ds.info["subject_ids"] is False
    assert "no subject ids" in ds.info["groups"]


def test_unknown_rate_is_flagged_as_nominal(uea_dir):
    assert load_dataset("uea:Toy", uea_dir).info["rate_is_nominal"] is True


def test_a_case_line_with_missing_dimensions_is_skipped_and_counted(uea_dir):
    assert load_dataset("uea:Toy", uea_dir).info["drops"]["malformed_lines"] == 1


def test_a_problem_that_is_not_there_lists_the_expected_files(uea_dir):
    with pytest.raises(FileNotFoundError, match="Missing_TRAIN.ts and Missing_TEST.ts"):
        load_dataset("uea:Missing", uea_dir)


def test_basic_motions_loads_without_a_data_dir():
    ds = load_dataset("basic_motions")
    assert ds.X.shape == (80, 6, 100)
    assert ds.info["rate"] == 10.0
    assert sorted(set(ds.groups)) == ["test", "train"]
    assert len(ds.classes_) == 4


# ------------------------------------------------------------------------ real files
@functools.cache
def _real(root: str) -> WindowedDataset:
    return load_dataset("uea:RacketSports", root)


@pytest.fixture
def real(shared_data):
    return _real(str(shared_data))


def test_real_racket_sports_counts_shape_and_rate(real):
    assert real.X.shape == (303, 6, 30)
    assert real.info["rate"] == 10.0 and real.info["window_seconds"] == 3.0
    assert (real.groups == "train").sum() == 151 and (real.groups == "test").sum() == 152


def test_real_racket_sports_classes(real):
    assert list(real.classes_) == [
        "Badminton_Clear", "Badminton_Smash", "Squash_BackhandBoast", "Squash_ForehandBoast",
    ]


def test_real_values_match_the_file_and_stay_in_a_plausible_range(real, shared_data):
    path = shared_data / "UEA_motion" / "RacketSports" / "RacketSports_TRAIN.ts"
    first_case = next(line for line in path.read_text().splitlines() if line[:1].isdigit()
                      or line[:1] == "-")
    dims = [list(map(float, d.split(","))) for d in first_case.split(":")[:-1]]
    np.testing.assert_allclose(real.X[0], dims, rtol=1e-6)
    assert np.isfinite(real.X).all() and np.abs(real.X).max() < 50


def test_real_basic_motions_agrees_with_sktimes_copy(shared_data):
    from_files = load_dataset("uea:BasicMotions", shared_data)
    bundled = load_dataset("basic_motions")
    np.testing.assert_allclose(from_files.X, bundled.X, rtol=1e-6)
    assert [y.lower() for y in from_files.y] == [y.lower() for y in bundled.y]


def test_real_windows_are_identical_on_a_second_run(real, shared_data):
    again = load_dataset("uea:RacketSports", shared_data)
    np.testing.assert_array_equal(again.X, real.X)
    assert again.metadata.equals(real.metadata)
