"""Generation on real HAPT windows (slow: trains a model and an extractor)."""

from __future__ import annotations

import numpy as np
import pytest

from tsfm import FlowFMPretrainer, FlowFMSignalGenerator
from tsfm.metrics import FeatureExtractor, fid

pytestmark = pytest.mark.slow


def test_flowfm_samples_are_closer_to_hapt_than_noise_is(shared_data):
    from tsfm.datasets import load_dataset

    ds = load_dataset("hapt", data_dir=shared_data / "UCI_HAPT", max_subjects=10)
    X, y = ds.X, ds.y.astype(str)
    extractor = FeatureExtractor(width=16, max_epochs=10, lr=3e-3, random_state=0).fit(X, y)
    # patch 10 (30 tokens), as the generation benchmark; the "auto" patch of 19 (16 tokens)
    # generates worse here (FID 11.7 against 4.9 with these settings)
    patch = {"patch_size": 10}
    pre = FlowFMPretrainer(model="tiny", max_epochs=30, random_state=0, encoder=patch,
                           velocity=patch).fit(X)
    gen = FlowFMSignalGenerator(pretrained=pre, solver="midpoint", steps=8).fit()
    S = gen.sample(len(X), random_state=0)
    rng = np.random.default_rng(0)
    noise = pre.standardizer_.inverse_transform(rng.normal(size=X.shape).astype(np.float32))
    real = extractor.transform(X)
    generated_fid = fid(real, extractor.transform(S))
    assert generated_fid < 0.5 * fid(real, extractor.transform(noise))
