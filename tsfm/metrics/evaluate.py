"""All generative metrics of one generated set against real series, in one call."""

from __future__ import annotations

import numpy as np

from tsfm.metrics.discriminative import discriminative_score
from tsfm.metrics.feature_extractor import FeatureExtractor
from tsfm.metrics.fid import fid
from tsfm.metrics.inception import inception_score
from tsfm.metrics.precision_recall import precision_recall


def evaluate_generation(
    real: np.ndarray,
    generated: np.ndarray,
    extractor: FeatureExtractor,
    *,
    k: int = 3,
    random_state=0,
) -> dict[str, float]:
    """FID, Inception score, precision, recall and discriminative score.

    Parameters
    ----------
    real : array of shape (n_real, C, T)
        Real series in the data's units.
    generated : array of shape (n_generated, C, T)
    extractor : FeatureExtractor
        The fitted, frozen extractor of this dataset.
    k : int, default=3
        Neighbourhood size of precision/recall.
    random_state : int, default=0
        Seeds the discriminative score's split and classifier.

    Returns
    -------
    dict
        ``fid``, ``inception_score``, ``precision``, ``recall`` and
        ``discriminative_score`` (computed on the extractor's features).
    """
    real_features = extractor.transform(real)
    generated_features = extractor.transform(generated)
    precision, recall = precision_recall(real_features, generated_features, k=k)
    return {
        "fid": fid(real_features, generated_features),
        "inception_score": inception_score(extractor.predict_proba(generated)),
        "precision": precision,
        "recall": recall,
        "discriminative_score": discriminative_score(
            real_features, generated_features, random_state=random_state
        ),
    }
