"""Every estimator saves and loads without pickle: classifier and head, transformer, generator."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tsfm import FlowFMClassifier, FlowFMPretrainer, FlowFMSignalGenerator, FlowFMTransformer
from tsfm.exceptions import CheckpointError

TINY = {"model": "tiny", "device": "cpu", "random_state": 0, "batch_size": 8,
        "encoder": {"depth": 1, "width": 16, "heads": 2, "patch_size": 4}}


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(24, 3, 32)).astype(np.float32)
    y = np.array(["sit", "walk", "run"] * 8)
    X[y == "run"] += 1.5
    return X, y


@pytest.fixture(scope="module")
def pretrained(data, tmp_path_factory):
    pre = FlowFMPretrainer(max_epochs=1, velocity={"depth": 1, "width": 16, "heads": 2,
                                                   "patch_size": 4}, **TINY).fit(data[0])
    return pre.save_pretrained(tmp_path_factory.mktemp("pre") / "model")


def test_fine_tuned_classifier_round_trips_with_its_head_and_classes(data, pretrained, tmp_path):
    X, y = data
    clf = FlowFMClassifier(pretrained=pretrained, max_epochs=3, device="cpu", random_state=0,
                           batch_size=8).fit(X, y)
    path = clf.save_pretrained(tmp_path / "clf")
    config = json.loads((path / "config.json").read_text())
    assert config["format"] == "tsfm.flowfm-classifier"
    assert config["classes"] == ["run", "sit", "walk"]
    loaded = FlowFMClassifier.from_pretrained(path, device="cpu")
    np.testing.assert_array_equal(loaded.classes_, clf.classes_)
    np.testing.assert_allclose(loaded.predict_proba(X), clf.predict_proba(X), atol=1e-6)
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))
    assert oct((path / "model.safetensors").stat().st_mode & 0o777) == "0o644"


def test_classifier_from_scratch_with_integer_labels_round_trips(data, tmp_path):
    X, _ = data
    y = np.arange(len(X)) % 2
    clf = FlowFMClassifier(max_epochs=1, **TINY).fit(X, y)
    loaded = FlowFMClassifier.from_pretrained(clf.save_pretrained(tmp_path / "c"), device="cpu")
    assert loaded.classes_.tolist() == [0, 1] and loaded.predict(X).dtype.kind == "i"
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))


def test_classifier_from_a_pretrained_model_directory_says_to_fine_tune(pretrained):
    with pytest.raises(CheckpointError, match=r"holds a pretrained FlowFM model, not a "
                                              r"fine-tuned classifier; fine-tune it with"):
        FlowFMClassifier.from_pretrained(pretrained)


@pytest.mark.parametrize("edit, message", [
    (lambda c: c.update(classes=["a"]), "classes"),
    (lambda c: c.update(classes=["a", "a"]), "classes must be unique"),
    (lambda c: c.update(classes=["a", 1]), "all be of one type"),
    (lambda c: c.update(classes=[[1], [2]]), "classes"),
    (lambda c: c["estimator_params"].update(head_dropout=2.0), "head_dropout"),
    (lambda c: c.update(extra=1), "extra"),
])
def test_malformed_classifier_config_is_a_checkpoint_error(data, tmp_path, edit, message):
    X, y = data
    path = FlowFMClassifier(max_epochs=1, **TINY).fit(X, y).save_pretrained(tmp_path / "c")
    config = json.loads((path / "config.json").read_text())
    edit(config)
    (path / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match=message):
        FlowFMClassifier.from_pretrained(path)


def test_classifier_head_of_the_wrong_size_is_a_checkpoint_error(data, tmp_path):
    X, y = data
    path = FlowFMClassifier(max_epochs=1, **TINY).fit(X, y).save_pretrained(tmp_path / "c")
    config = json.loads((path / "config.json").read_text())
    config["classes"] = ["run", "sit", "walk", "jump"]
    (path / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match="head"):
        FlowFMClassifier.from_pretrained(path)


def test_transformer_and_generator_load_without_data(data, pretrained, tmp_path):
    X, _ = data
    emb = FlowFMTransformer.from_pretrained(pretrained, device="cpu", features="layers")
    direct = FlowFMTransformer(pretrained=pretrained, device="cpu", features="layers").fit(X)
    np.testing.assert_array_equal(emb.transform(X), direct.transform(X))
    gen = FlowFMSignalGenerator.from_pretrained(pretrained, device="cpu", steps=2)
    assert gen.steps_ == 2
    again = FlowFMSignalGenerator.from_pretrained(gen.save_pretrained(tmp_path / "g"),
                                                  device="cpu", steps=2)
    np.testing.assert_array_equal(again.sample(3, random_state=0), gen.sample(3, random_state=0))
