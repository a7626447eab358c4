"""FlowFMAnomalyDetector: the peak regeneration error, bad input, sktime's suite."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sktime.utils.estimator_checks import check_estimator

from tsfm import FlowFMSignalGenerator
from tsfm.sktime import FlowFMAnomalyDetector

ARCH = {"depth": 1, "width": 16, "heads": 2, "patch_size": 2}
TINY = {"model": "tiny", "encoder": ARCH, "velocity": ARCH, "max_epochs": 1,
        "batch_size": 16, "device": "cpu", "random_state": 0, "solver": "euler", "steps": 2,
        "window_length": 20, "n_draws": 2}


@pytest.fixture(scope="module")
def normal() -> pd.DataFrame:
    t = np.arange(200.0)
    return pd.DataFrame({"x": np.sin(t / 4), "y": 0.5 * np.cos(t / 4)})


@pytest.fixture(scope="module")
def detector(normal) -> FlowFMAnomalyDetector:
    return FlowFMAnomalyDetector(threshold_quantile=0.9, **TINY).fit(normal)


def test_threshold_is_the_quantile_of_the_normal_windows(detector, normal):
    windows, starts = detector._cut(normal.to_numpy(np.float32), 20)
    assert starts.tolist() == list(range(0, 181, 10))
    scores = detector.score_windows(windows)
    assert detector.threshold_ == pytest.approx(np.quantile(scores, 0.9))


def test_predict_returns_the_points_above_the_threshold(detector, normal):
    dense = detector.transform_scores(normal)["score"].to_numpy()
    points = detector.predict(normal)
    np.testing.assert_array_equal(points.to_numpy().ravel(),
                                  np.flatnonzero(dense > detector.threshold_))
    assert len(points) > 0  # 10 % of the normal windows exceed a 0.9 quantile


def test_scores_repeat_with_the_seed(detector, normal):
    windows, _ = detector._cut(normal.to_numpy(np.float32), 20)
    np.testing.assert_array_equal(detector.score_windows(windows),
                                  detector.score_windows(windows))


def test_a_series_shorter_than_a_window_names_the_length_needed(detector, normal):
    with pytest.raises(ValueError, match="at least 20 points"):
        detector.transform_scores(normal.iloc[:10])


def test_another_channel_count_is_refused(detector, normal):
    with pytest.raises(ValueError, match="the model has 2 channels but the data has 1"):
        detector.transform_scores(normal[["x"]])
    with pytest.raises(ValueError, match=r"shape \(n, 2, 20\)"):
        detector.score_windows(np.zeros((1, 3, 20)))


def test_predict_before_fit_is_refused(normal):
    from sktime.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        FlowFMAnomalyDetector(**TINY).predict(normal)


def test_the_shipped_model_scores_a_spike_above_the_typical_window():
    gen = FlowFMSignalGenerator(pretrained="flowfm-wrist-small", device="cpu").fit()
    typical = gen.sample(6, random_state=0)
    spiked = typical.copy()
    spiked[:, :, 150:156] += 3.0  # a 0.2 s jolt of 3 g on every axis
    det = FlowFMAnomalyDetector(pretrained="flowfm-wrist-small", device="cpu",
                                random_state=0)
    det.fit(pd.DataFrame(typical[0].T))
    assert (det.score_windows(spiked) > det.score_windows(typical)).all()


def test_sktime_check_estimator_passes():
    results = check_estimator(FlowFMAnomalyDetector, raise_exceptions=False)
    failed = {name: str(result)[:300] for name, result in results.items()
              if result != "PASSED"}
    assert len(results) > 80
    assert failed == {}
