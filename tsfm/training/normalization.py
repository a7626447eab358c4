"""Per-channel standardisation of panel data, fitted in ``fit`` and stored with models."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.preprocessing import StandardScaler


@dataclass(frozen=True)
class ChannelStandardizer:
    """Per-channel mean and scale over all series and timepoints.

    Attributes
    ----------
    mean : ndarray of shape (n_channels,)
    scale : ndarray of shape (n_channels,)
        Standard deviation; 1.0 for constant channels.
    """

    mean: np.ndarray
    scale: np.ndarray

    @classmethod
    def fit(cls, X: np.ndarray) -> ChannelStandardizer:
        """Fit on ``X`` of shape (n, C, T)."""
        scaler = StandardScaler().fit(X.transpose(0, 2, 1).reshape(-1, X.shape[1]))
        return cls(mean=scaler.mean_.astype(np.float64), scale=scaler.scale_.astype(np.float64))

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Standardise ``X`` of shape (n, C, T); returns float32."""
        return ((X - self.mean[:, None]) / self.scale[:, None]).astype(np.float32)

    def inverse_transform(self, X: np.ndarray) -> np.ndarray:
        """Map standardised signals of shape (n, C, T) back to the data's units."""
        return (X * self.scale[:, None] + self.mean[:, None]).astype(np.float32)

    def to_dict(self) -> dict[str, list[float]]:
        """JSON-serialisable form (floats round-trip exactly)."""
        return {"mean": self.mean.tolist(), "scale": self.scale.tolist()}

    @classmethod
    def from_dict(cls, data: dict[str, list[float]]) -> ChannelStandardizer:
        return cls(
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
        )
