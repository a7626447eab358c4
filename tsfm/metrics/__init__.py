"""Generative metrics: FID, Inception score, precision/recall, discriminative score.

FID, Inception score and precision/recall are computed on the features of one frozen
:class:`FeatureExtractor`, trained once per dataset on real labelled series and
reused for every model compared.
"""

from tsfm.metrics.discriminative import discriminative_score
from tsfm.metrics.evaluate import evaluate_generation
from tsfm.metrics.feature_extractor import FeatureExtractor
from tsfm.metrics.fid import fid, frechet_distance, gaussian_fit
from tsfm.metrics.inception import inception_score
from tsfm.metrics.precision_recall import precision_recall

__all__ = [
    "FeatureExtractor",
    "discriminative_score",
    "evaluate_generation",
    "fid",
    "frechet_distance",
    "gaussian_fit",
    "inception_score",
    "precision_recall",
]
