"""ADL (HMP): fixture files in the published layout, and the real files in ../shared/data."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from tsfm.datasets import WindowedDataset, load_dataset


def test_fixture_windows_subjects_and_classes(adl_dir):
    ds = load_dataset("adl", adl_dir, rate=30, window_seconds=10)
    assert ds.X.shape == (3, 3, 300)
    assert ds.X.dtype == np.float32
    assert sorted(set(ds.groups)) == ["f1", "m2"]
    assert list(ds.classes_) == ["walk"]


def test_codes_are_converted_to_g(adl_dir):
    ds = load_dataset("adl", adl_dir, rate=30, window_seconds=10)
    np.testing.assert_allclose(ds.X[:, :, 20:-20].mean(axis=(0, 2)), [0.5, -0.5, 1.5], atol=1e-3)
    assert ds.info["units"] == ["g", "g", "g"]
    assert ds.info["original_units"] == {"acc": "hmp-code"}


def test_model_folders_are_excluded_unless_asked(adl_dir):
    assert len(load_dataset("adl", adl_dir, include_model=True).X) == 4
    assert not load_dataset("adl", adl_dir).metadata["model_trial"].any()


def test_trials_shorter_than_the_window_are_counted(adl_dir):
    ds = load_dataset("adl", adl_dir)
    assert ds.info["drops"]["segments_shorter_than_window"] == 1


def test_metadata_has_sex_source_and_file_clock(adl_dir):
    ds = load_dataset("adl", adl_dir)
    row = ds.metadata.iloc[0]
    assert row["sex"] == "female"
    assert row["source"] == "Walk/Accelerometer-2011-03-24-09-51-07-walk-f1.txt"
    assert row["start_time"] == pytest.approx(1300960267.0)  # 2011-03-24 09:51:07


def test_a_truncated_line_is_skipped_counted_and_interpolated(adl_dir):
    path = adl_dir / "Walk" / "Accelerometer-2011-03-24-09-51-07-walk-f1.txt"
    lines = path.read_bytes().split(b"\r\n")
    lines[10] = b"42 21"
    path.write_bytes(b"\r\n".join(lines))
    ds = load_dataset("adl", adl_dir)
    assert ds.info["drops"]["malformed_lines"] == 1
    assert ds.info["drops"]["interpolated_samples"] == 1
    assert len(ds.X) == 3


def test_max_subjects_keeps_the_first_in_natural_order(adl_dir):
    ds = load_dataset("adl", adl_dir, max_subjects=1)
    assert set(ds.groups) == {"f1"}


# ------------------------------------------------------------------------ real files
@functools.cache
def _real(root: str) -> WindowedDataset:
    return load_dataset("adl", root, rate=30, window_seconds=10, overlap=0.0)


@pytest.fixture
def real(shared_data):
    return _real(str(shared_data))


def test_real_window_count_shape_and_rate(real):
    assert real.X.shape == (996, 3, 300)
    assert real.info["rate"] == 30.0 and real.info["original_rate"] == 32.0


def test_real_subjects_and_classes(real):
    assert len(set(real.groups)) == 16
    assert {g[0] for g in real.groups} == {"f", "m"}
    assert len(real.classes_) == 14
    assert "walk" in real.classes_ and "eat_soup" in real.classes_


def test_real_values_are_in_a_plausible_g_range(real):
    # the sensor clips at +-1.5 g; the anti-aliasing filter may overshoot a clipped edge
    assert np.abs(real.X).max() < 2.0
    magnitude = np.linalg.norm(real.X, axis=1)
    assert 0.9 < np.median(magnitude) < 1.1


def test_real_values_at_the_native_rate_stay_within_the_sensor_range(shared_data):
    ds = load_dataset("adl", shared_data, rate=32, window_seconds=10, max_subjects=2)
    assert ds.X.min() >= -1.5 - 1e-6 and ds.X.max() <= 1.5 + 1e-6


def test_real_windows_never_mix_subjects_labels_or_files(real):
    files = real.metadata["source"].str.extract(r"-([a-z_]+)-([fm]\d+)\.txt$")
    assert (files[1].to_numpy() == real.groups).all()
    assert (files[0].to_numpy() == real.y).all()
    assert not real.metadata["source"].str.contains("_MODEL").any()


def test_real_windows_are_identical_on_a_second_run(real, shared_data):
    again = load_dataset("adl", shared_data, rate=30, window_seconds=10, overlap=0.0)
    np.testing.assert_array_equal(again.X, real.X)
    assert again.metadata.equals(real.metadata)


def test_real_counts_quoted_in_the_docs(real):
    assert real.info["drops"]["segments_shorter_than_window"] == 239
    assert (real.groups == "f1").sum() == 490
