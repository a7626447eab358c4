"""The preprocessing shared by every adapter: units, resampling, gaps, windowing, parsing."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from tsfm.datasets.errors import DatasetParameterError
from tsfm.datasets.gaps import fill_or_cut_gaps, split_at_clock_gaps, to_regular_grid
from tsfm.datasets.recording import LabelInterval, Recording, intervals_from_codes
from tsfm.datasets.resampling import rate_ratio, resample, resampled_length
from tsfm.datasets.text_tables import read_numeric_table, rows_on_line_grid
from tsfm.datasets.units import STANDARD_GRAVITY, to_g
from tsfm.datasets.windowing import WindowSpec, window_recording


def test_hmp_codes_map_to_minus_and_plus_1_5_g():
    np.testing.assert_allclose(to_g(np.array([0, 21, 42, 63]), "hmp-code"), [-1.5, -0.5, 0.5, 1.5])


def test_metres_per_second_squared_and_milli_g_convert_to_g():
    assert to_g(np.array([STANDARD_GRAVITY]), "m/s^2")[0] == pytest.approx(1.0)
    assert to_g(np.array([-250.0]), "milli-g")[0] == pytest.approx(-0.25)


def test_unknown_unit_is_rejected_with_the_known_ones():
    with pytest.raises(ValueError, match="known acceleration units"):
        to_g(np.zeros(3), "furlongs")


@pytest.mark.parametrize(
    ("source", "target", "ratio"), [(32, 30, (15, 16)), (50, 30, (3, 5)), (20, 30, (3, 2))]
)
def test_rate_ratio_is_reduced(source, target, ratio):
    assert rate_ratio(source, target) == ratio


def test_resampling_32_to_30_hz_gives_300_samples_from_320():
    assert resample(np.zeros((3, 320)), 32, 30).shape == (3, 300)
    assert resampled_length(128, 50, 30) == 77


def test_resampling_keeps_a_slow_sine():
    t = np.arange(1000) / 100.0
    out = resample(np.sin(2 * np.pi * 1.0 * t)[None], 100, 30)
    expected = np.sin(2 * np.pi * 1.0 * np.arange(out.shape[1]) / 30.0)
    np.testing.assert_allclose(out[0, 30:-30], expected[30:-30], atol=0.01)


def test_resampling_removes_a_tone_above_the_new_nyquist_instead_of_aliasing_it():
    # 20 Hz at 100 Hz would alias to 10 Hz at 30 Hz if samples were simply dropped
    t = np.arange(2000) / 100.0
    out = resample(np.sin(2 * np.pi * 20.0 * t)[None], 100, 30)
    picked = np.sin(2 * np.pi * 20.0 * t)[np.rint(np.arange(600) * 100 / 30).astype(int)]
    assert np.abs(out[0, 50:-50]).max() < 0.02
    assert np.abs(picked).max() > 0.5


def test_resampling_keeps_a_constant_gravity_offset_at_the_edges():
    out = resample(np.full((1, 100), 1.0), 50, 30)
    np.testing.assert_allclose(out, 1.0, atol=1e-3)


def test_short_interior_gap_is_linearly_interpolated():
    x = np.array([[0.0, 1.0, np.nan, np.nan, 4.0, 5.0]])
    filled, segments, report = fill_or_cut_gaps(x, max_gap=2)
    np.testing.assert_allclose(filled, [[0, 1, 2, 3, 4, 5]])
    assert segments == [(0, 6)]
    assert (report.interpolated_samples, report.cut_samples, report.gaps_cut) == (2, 0, 0)


def test_long_gap_cuts_the_recording_and_edge_gaps_are_trimmed():
    x = np.array([[np.nan, 1.0, 2.0, np.nan, np.nan, np.nan, 6.0, 7.0]])
    _, segments, report = fill_or_cut_gaps(x, max_gap=2)
    assert segments == [(1, 3), (6, 8)]
    assert (report.interpolated_samples, report.cut_samples, report.gaps_cut) == (0, 4, 2)


def test_a_nan_in_one_channel_makes_the_sample_missing():
    x = np.array([[0.0, 1.0, 2.0], [0.0, np.nan, 2.0]])
    filled, _, report = fill_or_cut_gaps(x, max_gap=1)
    np.testing.assert_allclose(filled, [[0, 1, 2], [0, 1, 2]])
    assert report.interpolated_samples == 1


def test_regular_grid_marks_missing_samples_and_drops_duplicates():
    times = np.array([0.0, 0.1, 0.1, 0.4, 0.5])
    grid, dropped, missing = to_regular_grid(times, np.array([[1.0, 2.0, 9.0, 5.0, 6.0]]), 10)
    np.testing.assert_array_equal(grid, [[1.0, 2.0, np.nan, np.nan, 5.0, 6.0]])
    assert (dropped, missing) == (1, 2)


def test_clock_pauses_split_index_ranges():
    assert split_at_clock_gaps(np.array([0.0, 0.1, 0.2, 50.0, 50.1]), 5.0) == [(0, 3), (3, 5)]


def test_label_codes_become_intervals_and_missing_codes_keep_the_previous_label():
    codes = np.array([0, 4, 4, np.nan, 4, 2, 2, 0])
    intervals = intervals_from_codes(codes, {4: "walk", 2: "sit"})
    assert intervals == [LabelInterval(1, 5, "walk"), LabelInterval(5, 7, "sit")]


def _recording(n: int, labels: list[LabelInterval], rate: float = 30.0) -> Recording:
    values = np.tile(np.arange(n, dtype=float), (3, 1))
    return Recording("s1", values, rate, ["acc_x", "acc_y", "acc_z"], ["g"] * 3, labels, "f.txt")


def test_labelled_windows_lie_inside_one_interval():
    rec = _recording(100, [LabelInterval(0, 45, "a"), LabelInterval(45, 100, "b")])
    batch = window_recording(rec, WindowSpec(30.0, 20, 20), Counter())
    assert batch.metadata["activity"].tolist() == ["a", "a", "b", "b"]
    starts = batch.X[:, 0, 0].tolist()
    assert starts == [0.0, 20.0, 45.0, 65.0]


def test_unlabelled_stretches_are_kept_only_when_asked():
    rec = _recording(100, [LabelInterval(0, 40, "a")])
    labelled = window_recording(rec, WindowSpec(30.0, 20, 20), Counter())
    everything = window_recording(rec, WindowSpec(30.0, 20, 20, labelled_only=False), Counter())
    assert labelled.metadata["activity"].tolist() == ["a", "a"]
    assert everything.metadata["activity"].tolist() == ["a", "a", None, None, None]


def test_overlap_halves_the_step():
    spec = WindowSpec.from_seconds(30.0, 1.0, overlap=0.5)
    assert (spec.n_timepoints, spec.step) == (30, 15)
    rec = _recording(90, [LabelInterval(0, 90, "a")])
    assert len(window_recording(rec, spec, Counter()).X) == 5


def test_intervals_shorter_than_the_window_are_counted():
    counts = Counter()
    rec = _recording(100, [LabelInterval(0, 10, "a"), LabelInterval(10, 100, "b")])
    window_recording(rec, WindowSpec(30.0, 20, 20), counts)
    assert counts["intervals_shorter_than_window"] == 1
    assert counts["windows"] == 4


def test_start_time_is_seconds_from_the_recording_start():
    rec = _recording(100, [LabelInterval(30, 100, "a")])
    rec.start_time = 1000.0
    batch = window_recording(rec, WindowSpec(30.0, 30, 30), Counter())
    assert batch.metadata["start_time"].tolist() == [1001.0, 1002.0]


def test_windows_do_not_cross_a_cut_gap():
    rec = _recording(100, [LabelInterval(0, 100, "a")])
    rec.signals[:, 50:70] = np.nan
    counts = Counter()
    batch = window_recording(rec, WindowSpec(30.0, 20, 20, max_gap_seconds=0.1), counts)
    assert batch.X[:, 0, 0].tolist() == [0.0, 20.0, 70.0]
    assert counts["cut_samples"] == 20


def test_invalid_overlap_is_rejected():
    with pytest.raises(ValueError, match="overlap"):
        WindowSpec.from_seconds(30.0, 10.0, overlap=1.0)


def test_stride_seconds_sets_the_step_in_samples():
    spec = WindowSpec.from_seconds(30.0, 10.0, stride_seconds=2.0)
    assert (spec.n_timepoints, spec.step) == (300, 60)
    rec = _recording(420, [LabelInterval(0, 420, "a")])  # 14 s: starts at 0, 2 and 4 s
    assert window_recording(rec, spec, Counter()).metadata["start_time"].tolist() == [0, 2, 4]


def test_a_stride_shorter_than_one_sample_is_rejected():
    with pytest.raises(DatasetParameterError, match=r"stride_seconds=0.01 is shorter than one"):
        WindowSpec.from_seconds(30.0, 10.0, stride_seconds=0.01)


def test_continuous_windows_cross_label_boundaries_and_are_labelled_only_inside_one():
    rec = _recording(100, [LabelInterval(0, 45, "a"), LabelInterval(45, 100, "b")])
    spec = WindowSpec(30.0, 20, 20, labelled_only=False, continuous=True)
    batch = window_recording(rec, spec, Counter())
    assert batch.X[:, 0, 0].tolist() == [0.0, 20.0, 40.0, 60.0, 80.0]
    assert batch.metadata["activity"].tolist() == ["a", "a", None, "b", "b"]
    labelled = window_recording(rec, WindowSpec(30.0, 20, 20, continuous=True), Counter())
    assert labelled.metadata["activity"].tolist() == ["a", "a", "b", "b"]


def test_windowed_seconds_count_the_segments_long_enough_for_a_window():
    counts = Counter()
    rec = _recording(100, [LabelInterval(0, 100, "a")])
    rec.signals[:, 40:70] = np.nan  # cut into 40 and 30 samples; a window is 35
    window_recording(rec, WindowSpec(30.0, 35, 35, max_gap_seconds=0.1), counts)
    assert counts["windowed_seconds"] == pytest.approx(40 / 30)


def test_malformed_lines_are_skipped_counted_and_keep_their_place(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("1 2 3\n4 5\n7 8 9\nx 1 2\n13 14 15\n")
    table = read_numeric_table(path, 3)
    assert table.malformed == 2
    assert table.line_numbers.tolist() == [1, 3, 5]
    grid = rows_on_line_grid(table)
    np.testing.assert_array_equal(grid[[0, 2, 4]], [[1, 2, 3], [7, 8, 9], [13, 14, 15]])
    assert np.isnan(grid[[1, 3]]).all()


def test_empty_fields_are_malformed_not_nan(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("1,2,3;\n4,,6;\n")
    table = read_numeric_table(path, 3, separator=",", terminator=";")
    assert table.malformed == 1
    assert table.values.tolist() == [[1.0, 2.0, 3.0]]


def test_literal_nan_values_are_kept_as_nan(tmp_path):
    path = tmp_path / "t.dat"
    path.write_text("1 NaN 3\n4 5 6\n")
    table = read_numeric_table(path, 3)
    assert table.malformed == 0
    assert np.isnan(table.values[0, 1]) and table.values[1, 2] == 6.0
