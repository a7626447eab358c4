"""The frozen feature extractor: training, features, probabilities, safe saving."""

from __future__ import annotations

import numpy as np
import pytest

from tsfm.io.model_dir import CheckpointError
from tsfm.metrics import FeatureExtractor, evaluate_generation


@pytest.fixture(scope="module")
def labelled() -> tuple[np.ndarray, np.ndarray]:
    """(60, 3, 40) sines of three frequencies, one class each."""
    rng = np.random.default_rng(0)
    t = np.linspace(0, 1, 40, dtype=np.float32)
    y = np.repeat([0, 1, 2], 20)
    freq = np.array([1.0, 4.0, 9.0])[y][:, None, None]
    X = np.sin(2 * np.pi * freq * t + rng.uniform(0, 6, size=(60, 3, 1)))
    return (X + 0.1 * rng.normal(size=X.shape)).astype(np.float32), np.array(["a", "b", "c"])[y]


@pytest.fixture(scope="module")
def extractor(labelled) -> FeatureExtractor:
    extractor = FeatureExtractor(width=16, max_epochs=30, batch_size=16, lr=1e-2, random_state=0)
    return extractor.fit(*labelled)


def test_extractor_learns_the_classes(extractor, labelled):
    X, y = labelled
    assert extractor.train_accuracy_ == 1.0
    assert list(extractor.classes_) == ["a", "b", "c"]
    np.testing.assert_array_equal(extractor.predict(X), y)


def test_features_and_probabilities_have_documented_shapes(extractor, labelled):
    X, _ = labelled
    assert extractor.transform(X).shape == (60, 16)
    P = extractor.predict_proba(X)
    assert P.shape == (60, 3)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-5)


def test_features_are_frozen_and_deterministic(extractor, labelled):
    X, _ = labelled
    np.testing.assert_array_equal(extractor.transform(X), extractor.transform(X))


def test_saved_extractor_gives_the_same_features(extractor, labelled, tmp_path):
    X, _ = labelled
    extractor.save(tmp_path / "ext", metadata={"dataset": "sines"})
    loaded = FeatureExtractor.load(tmp_path / "ext")
    np.testing.assert_allclose(loaded.transform(X), extractor.transform(X), atol=1e-6)
    assert loaded.metadata_ == {"dataset": "sines"}
    assert sorted(p.name for p in (tmp_path / "ext").iterdir()) == [
        "extractor.json", "extractor.safetensors",
    ]


def test_loading_a_missing_extractor_names_the_files(tmp_path):
    with pytest.raises(CheckpointError, match="expected extractor.json and extractor.safetensors"):
        FeatureExtractor.load(tmp_path)


def test_loading_a_corrupt_extractor_raises_checkpoint_error(extractor, tmp_path):
    extractor.save(tmp_path / "ext")
    (tmp_path / "ext" / "extractor.safetensors").write_bytes(b"not safetensors")
    with pytest.raises(CheckpointError, match="corrupt feature extractor"):
        FeatureExtractor.load(tmp_path / "ext")


def test_extractor_rejects_other_channel_counts(extractor, labelled):
    with pytest.raises(ValueError, match="extractor was trained on 3"):
        extractor.transform(labelled[0][:, :2])


def test_evaluating_real_data_against_itself_is_perfect(extractor, labelled):
    X, _ = labelled
    scores = evaluate_generation(X, X, extractor)
    assert scores["fid"] == pytest.approx(0.0, abs=1e-6)
    assert (scores["precision"], scores["recall"]) == (1.0, 1.0)
    assert 2.7 < scores["inception_score"] <= 3.0  # confident, balanced over 3 classes


def test_evaluating_one_class_against_all_has_low_recall(extractor, labelled):
    X, y = labelled
    scores = evaluate_generation(X, X[y == "a"], extractor)
    assert scores["recall"] < 0.5 and scores["fid"] > 1.0
    assert scores["inception_score"] == pytest.approx(1.0, abs=0.1)
