"""The model zoo: resolving ``pretrained=`` references, and offline Hub failures."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tsfm.datasets import DatasetParameterError, to_model_input
from tsfm.zoo import list_pretrained, model_directory
from tsfm.zoo import registry as zoo
from tsfm.zoo.registry import ModelDownloadError, UnknownModelError


@pytest.fixture
def fake_zoo(tmp_path, monkeypatch):
    """A models root holding one shipped model directory, ``flowfm-test``."""
    root = tmp_path / "models"
    model = root / "flowfm-test"
    model.mkdir(parents=True)
    (model / "config.json").write_text(json.dumps({
        "input": {"n_channels": 3, "rate": 30.0, "n_timepoints": 300, "units": "g"}}))
    (model / "model.safetensors").write_bytes(b"")
    (model / "README.md").write_text("# flowfm-test\n\nA test model.\n")
    monkeypatch.setattr(zoo, "MODELS_ROOT", root)
    return model


def test_registered_name_resolves_inside_the_package(fake_zoo):
    assert model_directory("flowfm-test") == fake_zoo
    (model,) = list_pretrained()
    assert model.name == "flowfm-test" and model.summary == "A test model."
    assert model.input["rate"] == 30.0


def test_local_directory_resolves_to_itself(fake_zoo, tmp_path):
    local = tmp_path / "mine"
    local.mkdir()
    assert model_directory(local) == local
    assert model_directory(str(local)) == local


def test_unknown_name_lists_the_shipped_models(fake_zoo):
    with pytest.raises(UnknownModelError, match=r"flowfm-test.*tsfm models"):
        model_directory("flowfm-nope")
    with pytest.raises(ValueError):  # also a ValueError, as scikit-learn users expect
        model_directory("../flowfm-test/..")


def test_hub_id_offline_says_what_to_do(fake_zoo, monkeypatch):
    import huggingface_hub
    from huggingface_hub.errors import LocalEntryNotFoundError

    calls = []

    def offline(repo_id, **kwargs):
        calls.append((repo_id, kwargs))
        raise LocalEntryNotFoundError("offline")

    monkeypatch.setattr(huggingface_hub, "snapshot_download", offline)
    with pytest.raises(ModelDownloadError, match="no network connection and no cached copy"):
        model_directory("someone/flowfm-wrist")
    assert calls[0][0] == "someone/flowfm-wrist"
    assert set(calls[0][1]["allow_patterns"]) == {"config.json", "model.safetensors",
                                                  "README.md"}


def test_hub_id_fetches_through_huggingface_hub(fake_zoo, monkeypatch, tmp_path):
    import huggingface_hub

    monkeypatch.setattr(huggingface_hub, "snapshot_download", lambda repo_id, **kw: str(tmp_path))
    assert model_directory("someone/flowfm-wrist") == tmp_path


def test_to_model_input_resamples_anti_aliased_and_crops():
    t = np.arange(1000) / 100.0
    X = np.tile(np.sin(2 * np.pi * 2 * t), (2, 3, 1))  # 2 Hz sine, 10 s at 100 Hz
    out = to_model_input(X, rate=100)
    assert out.shape == (2, 3, 300) and out.dtype == np.float32
    expected = np.sin(2 * np.pi * 2 * np.arange(300) / 30)
    assert np.abs(out[0, 0, 20:-20] - expected[20:-20]).max() < 0.01
    assert to_model_input(X, rate=100, n_timepoints=240).shape == (2, 3, 240)
    with pytest.raises(DatasetParameterError, match="at least 12 s"):
        to_model_input(X, rate=100, n_timepoints=360)
    with pytest.raises(DatasetParameterError, match="rate"):
        to_model_input(X, rate=float("nan"))
    with pytest.raises(DatasetParameterError, match="dimensions"):
        to_model_input(X[0], rate=100)


def test_shipped_wrist_model_is_listed_and_loads_by_name():
    from tsfm import FlowFMClassifier, FlowFMTransformer, list_pretrained

    (shipped,) = [m for m in list_pretrained() if m.name == "flowfm-wrist-small"]
    assert shipped.input == {"n_channels": 3, "channels": ["acc_x", "acc_y", "acc_z"],
                             "units": "g", "rate": 30.0, "n_timepoints": 300}
    assert (shipped.path / "model.safetensors").stat().st_size < 10 * 2**20
    assert oct((shipped.path / "model.safetensors").stat().st_mode & 0o777) == "0o644"
    card = (shipped.path / "README.md").read_text()
    assert "states no licence" in card and "smartfallmm" in card
    rng = np.random.default_rng(0)
    X = rng.normal([[0.4], [0.05], [0.17]], 0.3, size=(6, 3, 300)).astype(np.float32)
    emb = FlowFMTransformer(pretrained="flowfm-wrist-small", device="cpu").fit(X).transform(X)
    assert emb.shape == (6, 128) and np.isfinite(emb).all()
    expects = (r"expects 3; .* It expects acc_x, acc_y, acc_z in g at 30 Hz, 300 points per "
               r"window; bring other rates and units to that with tsfm.datasets.to_model_input")
    with pytest.raises(ValueError, match=expects):
        FlowFMTransformer(pretrained="flowfm-wrist-small", device="cpu").fit(X[:, :2])
    fitted = FlowFMTransformer(pretrained="flowfm-wrist-small", device="cpu").fit(X)
    with pytest.raises(ValueError, match=r"4 channels .* It expects acc_x, acc_y, acc_z in g"):
        fitted.transform(np.zeros((2, 4, 300), dtype=np.float32))
    clf = FlowFMClassifier(pretrained="flowfm-wrist-small", max_epochs=1, device="cpu",
                           random_state=0).fit(X, np.array([0, 1] * 3))
    assert clf.predict_proba(X).shape == (6, 2)


def test_unknown_estimator_pretrained_name_lists_shipped_models():
    from tsfm import FlowFMTransformer

    X = np.zeros((2, 3, 300), dtype=np.float32)
    with pytest.raises(UnknownModelError, match="flowfm-wrist-small"):
        FlowFMTransformer(pretrained="flowfm-wrist-huge", device="cpu").fit(X)
