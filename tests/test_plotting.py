"""Figures of generated series say what they show: units, time, channels, series."""

from __future__ import annotations

import numpy as np
import pytest

from tsfm.utils.plotting import (
    UNKNOWN_UNIT,
    conditioned_samples_figure,
    generated_vs_real_figure,
    plot_conditioned_samples,
    samples_figure,
    trajectory_figure,
)

NAMES = ["acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z"]


@pytest.fixture
def six_channels() -> np.ndarray:
    """(5, 6, 20) random series."""
    return np.random.default_rng(0).normal(size=(5, 6, 20)).astype(np.float32)


def texts(items) -> list[str]:
    return [item.get_text() for item in items]


def test_y_axis_shows_the_unit_given(six_channels):
    fig = generated_vs_real_figure(six_channels, six_channels, unit="acceleration (g)")
    assert {ax.get_ylabel() for ax in fig.axes} == {"acceleration (g)"}


def test_y_axis_says_when_the_unit_is_unknown(six_channels):
    fig = samples_figure(six_channels)
    assert {ax.get_ylabel() for ax in fig.axes} == {UNKNOWN_UNIT}


def test_time_axis_in_seconds_with_a_rate(six_channels):
    fig = generated_vs_real_figure(six_channels, six_channels, rate=10.0)
    bottom = fig.axes[-1]
    assert bottom.get_xlabel() == "time (s)"
    assert bottom.lines[0].get_xdata()[-1] == pytest.approx(1.9)  # 20 samples at 10 Hz


def test_time_axis_in_samples_without_a_rate(six_channels):
    fig = generated_vs_real_figure(six_channels, six_channels)
    assert fig.axes[-1].get_xlabel() == "time (samples)"
    assert fig.axes[-1].lines[0].get_xdata()[-1] == 19


def test_rate_must_be_positive(six_channels):
    with pytest.raises(ValueError, match="rate must be a positive sampling rate"):
        samples_figure(six_channels, rate=0)


def test_panels_name_their_channel_and_the_figure_says_which_are_shown(six_channels):
    fig = generated_vs_real_figure(six_channels, six_channels, channel_names=NAMES)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["real: acc_x", "generated: acc_x", "real: acc_y", "generated: acc_y",
                      "real: acc_z", "generated: acc_z"]
    assert fig.get_suptitle() == "channels shown: acc_x, acc_y, acc_z (3 of 6)"


def test_channel_names_must_match_the_channels(six_channels):
    with pytest.raises(ValueError, match="channel_names has 3 names but the series have 6"):
        generated_vs_real_figure(six_channels, six_channels, channel_names=NAMES[:3])


def test_legend_names_every_series_drawn(six_channels):
    fig = generated_vs_real_figure(six_channels, six_channels, n_examples=2, random_state=0)
    real_legend, generated_legend = fig.axes[0].get_legend(), fig.axes[1].get_legend()
    picked = [int(t.split()[-1]) for t in texts(real_legend.get_texts())]
    assert len(picked) == 2 and all(0 <= i < 5 for i in picked)
    assert texts(real_legend.get_texts())[0].startswith("real series ")
    assert texts(generated_legend.get_texts())[0].startswith("generated sample ")


def test_conditioning_windows_are_called_references(six_channels):
    fig = conditioned_samples_figure(six_channels[:2], six_channels[2:4], n_channels=1)
    assert [ax.get_title() for ax in fig.axes] == [
        "references: channel 0", "samples conditioned on them: channel 0"]
    assert texts(fig.axes[1].get_legend().get_texts()) == [
        "sample 0 (reference 0)", "sample 1 (reference 1)"]
    all_text = " ".join([fig.get_suptitle()] + [ax.get_title() for ax in fig.axes])
    assert "real" not in all_text


def test_a_sample_and_its_reference_share_a_colour(six_channels):
    fig = conditioned_samples_figure(six_channels[:2], six_channels[2:4], n_channels=1)
    references, samples = fig.axes[0].lines, fig.axes[1].lines
    assert [line.get_color() for line in references] == [line.get_color() for line in samples]
    assert references[0].get_color() != references[1].get_color()


def test_one_reference_conditions_every_sample(six_channels):
    fig = conditioned_samples_figure(six_channels[:1], six_channels[:3], n_channels=1)
    assert texts(fig.axes[0].get_legend().get_texts()) == [
        "reference 0", "reference 1", "reference 2"]


def test_references_must_match_the_samples(six_channels):
    with pytest.raises(ValueError, match="pass one reference per sample"):
        conditioned_samples_figure(six_channels[:2], six_channels[:3])


def test_trajectory_names_its_channel_unit_and_time(six_channels):
    trajectory = np.stack([six_channels * s for s in (0.0, 0.5, 1.0)])
    fig = trajectory_figure(trajectory, np.array([0.0, 0.5, 1.0]), channel=3,
                            channel_names=NAMES, unit="angular velocity (rad/s)", rate=50)
    assert fig.get_suptitle() == "sample 0, gyro_x: from noise (t = 0) to data (t = 1)"
    assert fig.axes[0].get_ylabel() == "angular velocity (rad/s)"
    assert [ax.get_title() for ax in fig.axes] == ["t = 0.00", "t = 0.50", "t = 1.00"]
    assert {ax.get_xlabel() for ax in fig.axes} == {"time (s)"}


def test_plot_functions_write_the_figure(six_channels, tmp_path):
    path = plot_conditioned_samples(six_channels, six_channels, tmp_path / "sub" / "c.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
