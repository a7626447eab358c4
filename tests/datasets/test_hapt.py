"""HAPT raw signals: fixture files in the published layout, and the real files."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from tsfm.datasets import WindowedDataset, load_dataset


def test_fixture_windows_follow_the_label_intervals(hapt_dir):
    ds = load_dataset("hapt", hapt_dir, rate=30, window_seconds=10)
    assert ds.X.shape == (4, 3, 300)
    assert ds.y.tolist() == ["STANDING", "SITTING", "WALKING", "WALKING"]
    assert ds.groups.tolist() == ["1", "1", "2", "2"]


def test_labels_txt_rows_are_one_based_and_inclusive(hapt_dir):
    ds = load_dataset("hapt", hapt_dir, rate=50, window_seconds=2)
    standing = ds.metadata[ds.y == "STANDING"]
    # rows 1..600 = samples 0..599 at 50 Hz: 6 windows of 100 samples
    assert len(standing) == 6
    assert standing["start_time"].tolist() == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]


def test_gyro_channels_follow_the_accelerometer(hapt_dir):
    ds = load_dataset("hapt", hapt_dir, channels=("acc", "gyro"))
    assert ds.info["channels"] == ["acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z"]
    assert ds.info["units"] == ["g", "g", "g", "rad/s", "rad/s", "rad/s"]
    np.testing.assert_allclose(ds.X[:, 5, 20:-20], 0.5, atol=1e-3)
    np.testing.assert_allclose(ds.X[:, 0, 20:-20], 1.0208333, atol=1e-3)


def test_transitions_can_be_dropped(hapt_dir):
    kept = load_dataset("hapt", hapt_dir, window_seconds=2)
    dropped = load_dataset("hapt", hapt_dir, window_seconds=2, transitions=False)
    assert "STAND_TO_SIT" in kept.classes_
    assert "STAND_TO_SIT" not in dropped.classes_
    assert len(kept.X) - len(dropped.X) == 1


def test_unlabelled_stretches_are_kept_for_pretraining(hapt_dir):
    ds = load_dataset("hapt", hapt_dir, labelled_only=False)
    assert ds.y.tolist().count(None) == 1
    assert list(ds.classes_) == ["SITTING", "STANDING", "WALKING"]


def test_official_split_is_in_metadata(hapt_dir):
    ds = load_dataset("hapt", hapt_dir)
    assert dict(zip(ds.groups, ds.metadata["split"], strict=True)) == {"1": "train", "2": "test"}


def test_a_malformed_label_line_is_counted(hapt_dir):
    labels = hapt_dir / "RawData" / "labels.txt"
    labels.write_text(labels.read_text() + "2 2 1 1001\n")
    assert load_dataset("hapt", hapt_dir).info["drops"]["malformed_lines"] == 1


# ------------------------------------------------------------------------ real files
@functools.cache
def _real(root: str) -> WindowedDataset:
    return load_dataset("hapt", root, rate=30, window_seconds=10, overlap=0.0)


@pytest.fixture
def real(shared_data):
    return _real(str(shared_data))


def _label_rows(shared_data) -> np.ndarray:
    return np.loadtxt(shared_data / "UCI_HAPT" / "HAPT Data Set" / "RawData" / "labels.txt")


def test_real_window_count_shape_and_rate(real):
    assert real.X.shape == (1140, 3, 300)
    assert real.info["rate"] == 30.0 and real.info["original_rate"] == 50.0


def test_real_subjects_and_classes(real):
    assert sorted(set(real.groups), key=int) == [str(s) for s in range(1, 31)]
    # 10 s windows only fit the six activities; every transition is shorter
    assert list(real.classes_) == [
        "LAYING", "SITTING", "STANDING", "WALKING", "WALKING_DOWNSTAIRS", "WALKING_UPSTAIRS",
    ]


def test_real_values_are_in_a_plausible_g_range(real):
    assert np.abs(real.X).max() < 4.0  # smartphone range is +-2 g, plus filter overshoot
    magnitude = np.linalg.norm(real.X, axis=1)
    assert 0.9 < np.median(magnitude) < 1.1


def test_real_windows_lie_inside_one_labelled_interval(real, shared_data):
    rows = _label_rows(shared_data)
    names = {1: "WALKING", 2: "WALKING_UPSTAIRS", 3: "WALKING_DOWNSTAIRS", 4: "SITTING",
             5: "STANDING", 6: "LAYING"}
    for (_, meta), label, subject in zip(real.metadata.iterrows(), real.y, real.groups,
                                         strict=True):
        first = meta["start_time"] * 50 + 1  # 1-based row of the first sample
        last = first + 10 * 50 - 1
        inside = rows[(rows[:, 0] == meta["experiment"]) & (rows[:, 1] == int(subject))
                      & (rows[:, 3] <= first + 1e-6) & (rows[:, 4] >= last - 1e-6)]
        assert len(inside) == 1
        assert names[int(inside[0, 2])] == label


def test_real_windows_are_identical_on_a_second_run(real, shared_data):
    again = load_dataset("hapt", shared_data, rate=30, window_seconds=10, overlap=0.0)
    np.testing.assert_array_equal(again.X, real.X)
    assert again.metadata.equals(real.metadata)


def test_real_counts_quoted_in_the_docs(shared_data):
    overlapping = load_dataset("hapt", shared_data, overlap=0.5)
    everything = load_dataset("hapt", shared_data, labelled_only=False)
    uci_har_like = load_dataset("hapt", shared_data, rate=50, window_seconds=2.56, overlap=0.5)
    assert len(overlapping) == 1729
    assert (len(everything), list(everything.y).count(None)) == (1465, 325)
    assert (len(uci_har_like), len(uci_har_like.classes_)) == (10929, 12)
    assert uci_har_like.X.shape[1:] == (3, 128)
