"""Per-channel standardisation of panel data, fitted in ``fit`` and stored with models.

The networks compute in float32, where squaring a value above about 1.8e19 (as every
LayerNorm does) overflows to inf and then to NaN. Standardisation is therefore done
in float64, and standardised values must lie within ``±MAX_STANDARDIZED`` standard
deviations of the pretraining data's channel means. The training data itself always
does (a z-score over ``N`` values is at most ``sqrt(N)``); data in other units than
the pretraining data usually does not, and is rejected with
:class:`tsfm.exceptions.NonFiniteError` instead of yielding NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.preprocessing import StandardScaler

from tsfm.exceptions import NonFiniteError

#: largest accepted |standardised value|, in standard deviations of the pretraining data
MAX_STANDARDIZED = 1e6

_FLOAT32_MAX = float(np.finfo(np.float32).max)

#: values standardised per block in ``transform`` (512 KiB of float64)
_BLOCK_VALUES = 1 << 16


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

    def __post_init__(self):
        mean, scale = np.asarray(self.mean), np.asarray(self.scale)
        if (
            mean.ndim != 1
            or mean.shape != scale.shape
            or not np.isfinite(mean).all()
            or not (np.isfinite(scale) & (scale > 0)).all()
        ):
            raise ValueError(
                "normalisation statistics must be two 1-D arrays of equal length, finite, "
                f"with positive scales; got mean {mean!r} and scale {scale!r}. Re-fit the "
                "model (or re-create its directory with save_pretrained)"
            )

    @classmethod
    def fit(cls, X: np.ndarray) -> ChannelStandardizer:
        """Fit on ``X`` of shape (n, C, T); the statistics are computed in float64."""
        flat = np.asarray(X, dtype=np.float64).transpose(0, 2, 1).reshape(-1, X.shape[1])
        scaler = StandardScaler().fit(flat)
        return cls(mean=scaler.mean_.astype(np.float64), scale=scaler.scale_.astype(np.float64))

    def transform(self, X: np.ndarray, *, name: str = "X") -> np.ndarray:
        """Standardise ``X`` of shape (n, C, T) in float64; returns float32.

        The float64 work is done a block of series at a time (about
        :data:`_BLOCK_VALUES` values), so that its temporaries stay in the CPU cache
        instead of doubling the panel's memory; the result is the same, bit for bit.

        Raises
        ------
        tsfm.exceptions.NonFiniteError
            If a standardised value lies beyond ``±MAX_STANDARDIZED`` (or is not finite).
        """
        X = np.asarray(X)
        mean, scale = self.mean[:, None], self.scale[:, None]
        out = np.empty(X.shape, dtype=np.float32)
        step = max(1, _BLOCK_VALUES // max(1, int(np.prod(X.shape[1:]))))
        for start in range(0, len(X), step):
            Z = np.subtract(X[start : start + step], mean, dtype=np.float64)
            Z /= scale
            # comparisons with NaN are False, so NaN fails this test as inf does
            if Z.size and not (Z.max() <= MAX_STANDARDIZED and Z.min() >= -MAX_STANDARDIZED):
                self._raise_out_of_range(X, name)
            out[start : start + step] = Z
        return out

    def _raise_out_of_range(self, X: np.ndarray, name: str) -> None:
        """Raise the NonFiniteError of ``transform``, naming the first bad value."""
        Z = (np.asarray(X, dtype=np.float64) - self.mean[:, None]) / self.scale[:, None]
        within = np.abs(Z) <= MAX_STANDARDIZED  # False for NaN and inf as well
        series, channel, _ = (int(i[0]) for i in np.nonzero(~within))
        raise NonFiniteError(
            f"{name} has values up to {np.nanmax(np.abs(Z)):.3g} standard deviations from "
            f"the pretraining data's mean (first in series {series}, channel {channel}); "
            f"beyond ±{MAX_STANDARDIZED:.0e} the float32 network would overflow to NaN. "
            f"{name} is probably in other units than the pretraining data: convert it to "
            "those units, or pretrain on data that covers this range"
        )

    def inverse_transform(self, X: np.ndarray, *, name: str = "samples") -> np.ndarray:
        """Map standardised signals of shape (n, C, T) back to the data's units (float32).

        Raises
        ------
        tsfm.exceptions.NonFiniteError
            If a value is not finite or exceeds the float32 range in the data's units.
        """
        Y = np.asarray(X, dtype=np.float64) * self.scale[:, None] + self.mean[:, None]
        within = np.abs(Y) <= _FLOAT32_MAX
        if not within.all():
            raise NonFiniteError(
                f"{int((~within).sum())} values of the {name} are NaN, inf or beyond the "
                f"float32 range (±{_FLOAT32_MAX:.3g}) in the data's units (channel scales up "
                f"to {self.scale.max():.3g}); pretrain on rescaled data (e.g. divided by a "
                "power of ten) so that values stay well inside the float32 range"
            )
        return Y.astype(np.float32)

    def to_dict(self) -> dict[str, list[float]]:
        """JSON-serialisable form (floats round-trip exactly)."""
        return {"mean": self.mean.tolist(), "scale": self.scale.tolist()}

    @classmethod
    def from_dict(cls, data: dict[str, list[float]]) -> ChannelStandardizer:
        return cls(
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
        )
