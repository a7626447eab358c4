"""FlowFMForecaster and FlowFMImputer: behaviour, bad input, sktime's conformance suite."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sktime.utils.estimator_checks import check_estimator

from tsfm.sktime import FlowFMForecaster, FlowFMImputer

ARCH = {"depth": 1, "width": 16, "heads": 2, "patch_size": 2}
TINY = {"model": "tiny", "encoder": ARCH, "velocity": ARCH, "max_epochs": 1,
        "batch_size": 16, "device": "cpu", "random_state": 0, "solver": "euler", "steps": 3,
        "window_length": 20}


@pytest.fixture(scope="module")
def y() -> pd.DataFrame:
    t = np.arange(200.0)
    return pd.DataFrame({"x": np.sin(t / 4), "y": 0.5 * np.cos(t / 4)})


@pytest.fixture(scope="module")
def forecaster(y) -> FlowFMForecaster:
    return FlowFMForecaster(n_samples=16, **TINY).fit(y)


def test_forecasts_have_the_horizon_index_and_repeat_with_the_seed(forecaster, y):
    pred = forecaster.predict(fh=[1, 2, 3])
    assert list(pred.index) == [200, 201, 202] and list(pred.columns) == ["x", "y"]
    pd.testing.assert_frame_equal(pred, forecaster.predict(fh=[1, 2, 3]))
    assert forecaster.horizon_step_ == 4 and forecaster.min_context_ == 16


def test_quantiles_are_ordered_and_intervals_contain_the_median(forecaster):
    q = forecaster.predict_quantiles(fh=[1, 5], alpha=[0.1, 0.5, 0.9])
    for var in ("x", "y"):
        assert (q[(var, 0.1)] <= q[(var, 0.5)]).all() and (q[(var, 0.5)] <= q[(var, 0.9)]).all()
    interval = forecaster.predict_interval(fh=[1, 5], coverage=0.9)
    median = forecaster.predict(fh=[1, 5])
    assert (interval[("x", 0.9, "lower")] <= median["x"]).all()
    assert (median["x"] <= interval[("x", 0.9, "upper")]).all()


def test_horizons_beyond_one_step_roll_forward_as_whole_paths(forecaster):
    paths = forecaster.paths(11)  # 3 windows of horizon_step=4
    assert paths.shape == (16, 2, 11)
    assert np.isfinite(paths).all()
    pred = forecaster.predict(fh=range(1, 12))
    np.testing.assert_allclose(pred.to_numpy().T, np.median(paths, axis=0), rtol=1e-6)


@pytest.mark.parametrize("fh", [[0], [-2, 1]])
def test_a_horizon_of_zero_or_less_is_refused(forecaster, fh):
    with pytest.raises((ValueError, NotImplementedError), match="in-sample|>= 1"):
        forecaster.predict(fh=fh)


def test_predict_before_fit_is_refused():
    from sktime.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        FlowFMForecaster(**TINY).predict(fh=[1])


def test_a_context_too_short_names_how_much_is_needed(y):
    f = FlowFMForecaster(n_samples=4, **TINY).fit(y)
    f._context = f._context[-5:]
    with pytest.raises(ValueError, match="needs at least 16 observations of context"):
        f.predict(fh=[1])


def test_a_short_context_is_drawn_when_min_context_allows(y):
    f = FlowFMForecaster(n_samples=4, min_context=5, **TINY).fit(y)
    f._context = f._context[-5:]
    assert np.isfinite(f.predict(fh=[1, 2]).to_numpy()).all()


def test_the_shipped_model_refuses_another_channel_count(y):
    with pytest.raises(ValueError, match="the model has 3 channels but the data has 2"):
        FlowFMForecaster(pretrained="flowfm-wrist-small", device="cpu").fit(y)


def test_the_shipped_model_forecasts_two_seconds_from_eight(y):
    rng = np.random.default_rng(0)
    t = np.arange(240) / 30
    acc = pd.DataFrame({"x": 0.3 * np.sin(2 * np.pi * 2 * t) + 0.02 * rng.normal(size=240),
                        "y": np.full(240, -0.9), "z": np.full(240, 0.2)})
    f = FlowFMForecaster(pretrained="flowfm-wrist-small", n_samples=8, device="cpu",
                         random_state=0).fit(acc)
    assert (f.horizon_step_, f.min_context_) == (60, 240)
    pred = f.predict(fh=range(1, 61))
    assert pred.shape == (60, 3)
    assert abs(pred["y"].mean() + 0.9) < 0.2  # a constant axis stays near its level


def test_imputer_fills_only_the_gaps(y):
    imp = FlowFMImputer(n_samples=4, **TINY).fit(y)
    gappy = y.copy()
    gappy.iloc[30:36, 0] = np.nan
    gappy.iloc[190:, 1] = np.nan  # in the last window, aligned to the series' end
    out = imp.transform(gappy)
    assert not out.isna().any().any()
    observed = gappy.notna()
    pd.testing.assert_frame_equal(out[observed], gappy[observed])


def test_imputer_refuses_all_nan_and_a_gap_of_a_whole_window(y):
    imp = FlowFMImputer(n_samples=2, **TINY).fit(y)
    with pytest.raises(ValueError, match="every value of X is NaN"):
        imp.transform(y * np.nan)
    gappy = y.copy()
    gappy.iloc[0:40, 1] = np.nan
    with pytest.raises(ValueError, match="channel 1 has no observed value in the window"):
        imp.transform(gappy)


@pytest.mark.parametrize("value", [np.inf, -np.inf, 1e39])
def test_infinite_values_are_refused_not_taken_for_gaps(y, value):
    bad = y.copy()
    bad.iloc[50, 1] = value
    match = r"1 infinite or out-of-range value\(s\), the first at row 50, column 1"
    with pytest.raises(ValueError, match=match):
        FlowFMImputer(n_samples=2, **TINY).fit(y).transform(bad)
    with pytest.raises(ValueError, match=match):
        FlowFMForecaster(n_samples=2, **TINY).fit(bad)


def test_imputer_refuses_another_channel_count(y):
    imp = FlowFMImputer(n_samples=2, **TINY).fit(y)
    with pytest.raises(ValueError, match="the model has 2 channels but the data has 1"):
        imp.transform(y[["x"]])


@pytest.mark.slow
@pytest.mark.parametrize("cls", [FlowFMForecaster, FlowFMImputer])
def test_sktime_check_estimator_passes(cls):
    results = check_estimator(cls, raise_exceptions=False)
    failed = {name: str(result)[:300] for name, result in results.items()
              if result != "PASSED"}
    assert len(results) > 300
    assert failed == {}
