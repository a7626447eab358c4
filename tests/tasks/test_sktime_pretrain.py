"""sktime's pretraining lifecycle of FlowFMForecaster and FlowFMImputer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from tsfm import FlowFMPretrainer
from tsfm.sktime import FlowFMForecaster, FlowFMImputer

#: sktime 1.2 announces a change of BaseForecaster's remember_data default on every fit
pytestmark = pytest.mark.filterwarnings("ignore:The default of config")

ARCH = {"depth": 1, "width": 16, "heads": 2, "patch_size": 2}
TINY = {"model": "tiny", "encoder": ARCH, "velocity": ARCH, "max_epochs": 1,
        "batch_size": 16, "device": "cpu", "random_state": 0, "solver": "euler", "steps": 2,
        "window_length": 20, "n_samples": 4}


def panel(n_series: int, length: int, seed: int = 0) -> pd.DataFrame:
    """``n_series`` two-channel sine series of ``length`` points, sktime pd-multiindex."""
    rng = np.random.default_rng(seed)
    t = np.arange(length)
    parts = []
    for i in range(n_series):
        phase = rng.uniform(0, 2 * np.pi)
        values = {"x": np.sin(t / 4 + phase), "y": 0.5 * np.cos(t / 4 + phase)}
        index = pd.MultiIndex.from_product([[i], t], names=["instance", "time"])
        parts.append(pd.DataFrame(values, index=index))
    return pd.concat(parts)


@pytest.fixture(scope="module")
def y() -> pd.DataFrame:
    return panel(1, 60, seed=9).droplevel(0)


def weights(pretrainer) -> dict:
    return {k: v.clone() for k, v in pretrainer.net_.module_.state_dict().items()}


def same_weights(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_forecaster_goes_new_pretrained_fitted_and_forecasts_with_the_pretrained_model(y):
    f = FlowFMForecaster(**TINY)
    assert f.state == "new" and f.get_tag("capability:pretrain")
    f.pretrain(panel(4, 40))
    assert f.state == "pretrained" and list(f.get_pretrained_params()) == ["pretrainer_"]
    assert f.pretrainer_.n_timepoints_ == 20 and f.pretrainer_.n_channels_ == 2
    before, epochs = weights(f.pretrainer_), len(f.pretrainer_.history_)
    f.fit(y)
    assert f.state == "fitted"
    assert f.generator_.pretrainer_ is f.pretrainer_  # fit takes the pretrained model
    assert len(f.pretrainer_.history_) == epochs == 1  # and trains nothing more
    assert same_weights(before, weights(f.generator_.pretrainer_))
    assert f.predict(fh=[1, 2, 3]).shape == (3, 2)


def test_forecaster_pretrains_further_refits_from_it_and_clone_keeps_it(y):
    f = FlowFMForecaster(**TINY).pretrain(panel(4, 40)).fit(y)
    before = weights(f.pretrainer_)
    f.pretrain(panel(3, 30, seed=1))  # a second batch: pretraining goes on
    assert f.state == "pretrained" and len(f.pretrainer_.history_) == 2
    assert not same_weights(before, weights(f.pretrainer_))
    copy = f.clone()
    assert copy.state == "pretrained" and copy.pretrainer_ is not f.pretrainer_
    assert same_weights(weights(copy.pretrainer_), weights(f.pretrainer_))
    pretrained = f.pretrainer_
    f.fit(y).fit(y)  # a refit starts from the pretrained model again
    assert f.pretrainer_ is pretrained and f.generator_.pretrainer_ is pretrained
    assert copy.reset().state == "new" and not hasattr(copy, "pretrainer_")
    assert f.set_params(n_samples=3).state == "new" and not hasattr(f, "pretrainer_")


def test_forecaster_pretrains_a_copy_of_the_given_model_on_its_own_window(y):
    given = FlowFMPretrainer(model="tiny", encoder=ARCH, velocity=ARCH, max_epochs=1,
                             batch_size=16, device="cpu", random_state=0)
    given.fit(np.stack([panel(1, 12, seed=s).to_numpy().T for s in range(8)]))
    before = weights(given)
    f = FlowFMForecaster(pretrained=given, **{**TINY, "encoder": None, "velocity": None})
    f.pretrain(panel(3, 30))  # windows of the model's 12 points, not window_length=20
    assert f.pretrainer_ is not given and f.pretrainer_.n_timepoints_ == 12
    assert len(f.pretrainer_.history_) == 2
    assert same_weights(before, weights(given))
    assert f.fit(y).n_timepoints_ == 12


def test_pretraining_a_saved_model_loads_it_once(tmp_path, monkeypatch):
    given = FlowFMPretrainer(model="tiny", encoder=ARCH, velocity=ARCH, max_epochs=1,
                             batch_size=16, device="cpu", random_state=0)
    given.fit(np.stack([panel(1, 12, seed=s).to_numpy().T for s in range(8)]))
    directory = given.save_pretrained(tmp_path / "model")
    loads = []
    real = FlowFMPretrainer.from_pretrained.__func__

    def counting(cls, *args, **kwargs):
        loads.append(args[0])
        return real(cls, *args, **kwargs)

    monkeypatch.setattr(FlowFMPretrainer, "from_pretrained", classmethod(counting))
    f = FlowFMForecaster(pretrained=directory, **{**TINY, "encoder": None, "velocity": None})
    f.pretrain(panel(3, 30))
    assert len(loads) == 1 and f.pretrainer_.n_timepoints_ == 12


def test_pretrain_refuses_series_shorter_than_the_window_and_a_single_series(y):
    f = FlowFMForecaster(**TINY)
    with pytest.raises(ValueError, match="at least 20 points .*longest of the 3 series has 15"):
        f.pretrain(panel(3, 15))
    with pytest.raises(TypeError, match="requires Panel or Hierarchical data"):
        f.pretrain(y)
    imp = FlowFMImputer(**TINY)
    with pytest.raises(ValueError, match="at least 20 points .*longest of the 2 series has 19"):
        imp.pretrain(panel(2, 19))
    with pytest.raises(TypeError, match="requires Panel or Hierarchical data"):
        imp.pretrain(y)
    gappy = panel(2, 30)
    gappy.iloc[::10] = np.nan
    with pytest.raises(ValueError, match="no window of 20 points without missing values"):
        imp.pretrain(gappy)
    assert f.state == "new" and imp.state == "new"


def test_imputer_pretrains_on_the_complete_windows_and_fills_gaps_with_that_model(y):
    data = panel(4, 40)
    data.iloc[5] = np.nan  # series 0 keeps its windows after the gap
    imp = FlowFMImputer(**TINY).pretrain(data)
    assert imp.state == "pretrained" and list(imp.get_pretrained_params()) == ["pretrainer_"]
    before = weights(imp.pretrainer_)
    gappy = y.copy()
    gappy.iloc[10:14] = np.nan
    filled = imp.fit(y).transform(gappy)
    assert imp.state == "fitted" and imp.generator_.pretrainer_ is imp.pretrainer_
    assert same_weights(before, weights(imp.pretrainer_)) and len(imp.pretrainer_.history_) == 1
    assert not filled.isna().any().any()
    pd.testing.assert_frame_equal(filled.drop(index=range(10, 14)), y.drop(index=range(10, 14)))
    copy = imp.clone()
    assert copy.state == "pretrained"
    assert same_weights(weights(copy.pretrainer_), before)
    imp.pretrain(data)  # pretraining further drops the fitted generator
    assert imp.state == "pretrained" and not hasattr(imp, "generator_")
    assert len(imp.pretrainer_.history_) == 2
