"""GeoTec SPSW: fixture files in the published layout, and the real files in ../shared/data."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest
from tsfm_builtins.datasets.geotec import GeoTecAdapter

from tsfm.datasets import WindowedDataset, load_dataset
from tsfm.datasets.units import to_g

HEADER = "x_acc,y_acc,z_acc,x_gyro,y_gyro,z_gyro,timestamp,label"
#: one execution, 12 s at 100 Hz: label -> samples
PLAN = (("SEATED", 300), ("STANDING_UP", 200), ("WALKING", 400), ("TURNING", 200),
        ("SITTING_DOWN", 100))
WATCH_ACC = (0.3832031488418579, -3.5350489616394043, 9.110654830932617)  # m/s^2
PHONE_ACC = (9.80665, 0.0, 0.0)
GYRO = (-0.010995570570230484, 0.0, 0.5)  # rad/s
T0_MS = 1657533977810
#: line numbers (0-based, after the header) given the timestamp of the line before, and cut short
REPEATED, TRUNCATED = 1000, 600


def execution_csv(acc: tuple, t0_ms: int, repeated: int | None = None,
                  truncated: int | None = None) -> str:
    """``sXX_YY_{sw,sp}.csv`` text: header, 1200 rows every 10 ms with +3 ms jitter."""
    labels = [label for label, n in PLAN for _ in range(n)]
    times = [t0_ms + 10 * i + (3 if i % 7 == 3 else 0) for i in range(len(labels))]
    if repeated is not None:
        times[repeated] = times[repeated - 1]
    rows = [",".join(map(str, (*acc, *GYRO, t, label))) for t, label in zip(times, labels,
                                                                               strict=True)]
    if truncated is not None:
        rows[truncated] = rows[truncated][:25]
    return "\n".join([HEADER, *rows]) + "\n"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture
def geotec_dir(tmp_path: Path) -> Path:
    """DATA/ with s01 (execution 01, a repeated timestamp and a truncated line in the watch
    file) and s02 (execution 01), watch and phone, plus the two info tables."""
    data = tmp_path / "sp-sw-har-dataset" / "DATA"
    _write(data / "s01" / "s01_01_sw.csv",
           execution_csv(WATCH_ACC, T0_MS, repeated=REPEATED, truncated=TRUNCATED))
    _write(data / "s01" / "s01_01_sp.csv", execution_csv(PHONE_ACC, T0_MS + 3))
    _write(data / "s02" / "s02_01_sw.csv", execution_csv(WATCH_ACC, T0_MS + 10**6))
    _write(data / "s02" / "s02_01_sp.csv", execution_csv(PHONE_ACC, T0_MS + 10**6))
    _write(data / "subjects_info.csv",
           "subject_id,age,gender,height,weight,dominant_hand,executions\n"
           "s01,54,M,190,83,R,1\ns02,31,F,171,71,L,1\n")
    _write(data / "executions_info.csv",
           "execution_id,orientation,first_turn,second_turn\n"
           "s01_01,back_inv,l,r\ns02_01,front,r,r\n")
    return tmp_path


def test_fixture_windows_follow_the_per_sample_labels(geotec_dir):
    ds = load_dataset("geotec", geotec_dir, rate=50, window_seconds=1)
    # per execution: SEATED 3 s, STANDING_UP 2, WALKING 4, TURNING 2, SITTING_DOWN 1
    per_execution = ["SEATED"] * 3 + ["STANDING_UP"] * 2 + ["WALKING"] * 4 + ["TURNING"] * 2
    per_execution += ["SITTING_DOWN"]
    assert ds.X.shape == (24, 3, 50)  # resampled from 100 Hz to the requested 50 Hz
    assert ds.y.tolist() == per_execution * 2
    assert ds.groups.tolist() == ["s01"] * 12 + ["s02"] * 12
    assert ds.info["original_rate"] == 100.0 and ds.info["rate"] == 50.0


def test_acc_is_converted_to_g_exactly_as_the_shared_units_code_and_gyro_kept(geotec_dir):
    ds = load_dataset("geotec", geotec_dir, rate=100, window_seconds=1, channels=("acc", "gyro"))
    expected = np.concatenate([to_g(np.array(WATCH_ACC), "m/s^2"), GYRO]).astype(np.float32)
    np.testing.assert_array_equal(ds.X, np.broadcast_to(expected[None, :, None], ds.X.shape))
    assert ds.info["channels"] == ["acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z"]
    assert ds.info["units"] == ["g"] * 3 + ["rad/s"] * 3
    assert ds.info["original_units"] == {"acc": "m/s^2", "gyro": "rad/s"}


def test_repeated_timestamp_and_truncated_line_are_counted_and_interpolated(geotec_dir):
    ds = load_dataset("geotec", geotec_dir, rate=50, window_seconds=1)
    drops = ds.info["drops"]
    assert drops["malformed_lines"] == 1
    assert drops["duplicate_or_out_of_order_samples"] == 1
    assert drops["interpolated_samples"] == 2
    assert len(ds.X) == 24  # neither cut a recording nor moved a label boundary


def test_subject_and_execution_attributes_are_metadata_columns(geotec_dir):
    ds = load_dataset("geotec", geotec_dir, rate=50, window_seconds=1)
    first = ds.metadata.groupby("subject").first()
    assert first.loc["s01", ["age", "sex", "height_cm", "weight_kg", "dominant_hand"]].tolist() \
        == [54, "male", 190, 83, "right"]
    assert first.loc["s02", ["age", "sex", "dominant_hand"]].tolist() == [31, "female", "left"]
    assert first.loc["s01", ["phone_orientation", "first_turn", "second_turn"]].tolist() == [
        "back_inv", "left", "right"]
    assert (first["device"] == "watch").all() and (first["execution"] == 1).all()
    assert first.loc["s01", "source"] == "s01/s01_01_sw.csv"
    assert first.loc["s01", "start_time"] == pytest.approx(T0_MS / 1000)


def test_device_selects_the_phone_files_or_both(geotec_dir):
    phone = load_dataset("geotec", geotec_dir, rate=50, window_seconds=1, device="phone")
    assert phone.metadata["source"].str.endswith("_sp.csv").all()
    assert (phone.metadata["device"] == "phone").all()
    np.testing.assert_allclose(phone.X[:, :, 5:-5].mean(axis=(0, 2)), [1.0, 0.0, 0.0], atol=1e-6)
    both = load_dataset("geotec", geotec_dir, rate=50, window_seconds=1, device="both")
    assert len(both) == 48
    counts = both.metadata.groupby("device")["source"].agg(lambda s: s.str[-6:].unique().tolist())
    assert counts.to_dict() == {"phone": ["sp.csv"], "watch": ["sw.csv"]}
    assert both.info["options"] == {"device": "both"}


@pytest.mark.parametrize("device", ["tablet", "sw", "Watch"])
def test_unknown_device_is_a_clear_error(geotec_dir, device):
    with pytest.raises(ValueError, match=r"device must be one of .*'watch', 'phone', 'both'"):
        load_dataset("geotec", geotec_dir, device=device)


def test_ten_second_windows_need_continuous_windowing(geotec_dir):
    # every sample is labelled and no activity lasts 10 s: no labelled 10 s window exists
    with pytest.raises(ValueError, match="no labelled window"):
        load_dataset("geotec", geotec_dir, window_seconds=10, labelled_only=False)
    ds = load_dataset("geotec", geotec_dir, window_seconds=10, labelled_only=False,
                      continuous=True)
    assert ds.X.shape == (2, 3, 300) and ds.y.tolist() == [None, None]


def test_unexpected_header_is_counted_and_the_file_skipped(geotec_dir):
    path = geotec_dir / "sp-sw-har-dataset" / "DATA" / "s02" / "s02_01_sw.csv"
    path.write_text(path.read_text().replace("x_gyro", "x_acc", 1))
    ds = load_dataset("geotec", geotec_dir, rate=50, window_seconds=1)
    assert ds.info["drops"]["files_with_unexpected_header"] == 1
    assert set(ds.groups) == {"s01"}


def test_max_subjects_keeps_the_first_in_natural_order(geotec_dir):
    ds = load_dataset("geotec", geotec_dir, rate=50, window_seconds=1, max_subjects=1)
    assert set(ds.groups) == {"s01"}


# ------------------------------------------------------------------------ real files
@pytest.fixture
def geotec_root(shared_data) -> Path:
    return shared_data / "GeoTec_SPSW" / "DATA"


@functools.cache
def _real(root: str) -> WindowedDataset:
    return load_dataset("geotec", root, rate=30, window_seconds=1, max_subjects=3)


@pytest.fixture
def real(geotec_root):
    return _real(str(geotec_root))


def test_real_subjects_and_files(geotec_root):
    assert GeoTecAdapter().subjects(geotec_root) == [f"s{i:02d}" for i in range(1, 24)]
    assert len(list(geotec_root.glob("s*/s*_sw.csv"))) == 223
    assert len(list(geotec_root.glob("s*/s*_sp.csv"))) == 223


def test_real_first_subjects_have_all_five_classes_and_their_attributes(real):
    assert list(real.classes_) == ["SEATED", "SITTING_DOWN", "STANDING_UP", "TURNING", "WALKING"]
    assert sorted(set(real.groups)) == ["s01", "s02", "s03"]
    s01 = real.metadata[real.metadata["subject"] == "s01"].iloc[0]
    assert [s01[c] for c in ("age", "sex", "height_cm", "weight_kg", "dominant_hand")] == [
        54, "male", 190, 83, "right"]
    assert real.info["drops"]["malformed_lines"] == 0


def test_real_values_are_in_a_plausible_g_range(real):
    magnitude = np.linalg.norm(real.X, axis=1)
    assert 0.9 < np.median(magnitude) < 1.1
    assert np.abs(real.X).max() < 8.0


@pytest.mark.slow
def test_real_counts_quoted_in_the_docs(geotec_root):
    watch = load_dataset("geotec", geotec_root, rate=30, window_seconds=1)
    both = load_dataset("geotec", geotec_root, rate=30, window_seconds=10, overlap=0.8,
                        labelled_only=False, continuous=True, device="both")
    assert (len(watch), len(set(watch.groups)), len(watch.classes_)) == (1720, 23, 5)
    assert watch.info["drops"]["duplicate_or_out_of_order_samples"] == 23767
    assert both.metadata.groupby("device").size().to_dict() == {"phone": 267, "watch": 260}
    assert set(both.y) == {None}
