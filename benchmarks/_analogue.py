"""The k-nearest-neighbour analogue forecaster, a baseline of the forecasting benchmark."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sktime.forecasting.base import BaseForecaster

from tsfm.sktime._empirical import empirical


class AnalogueForecaster(BaseForecaster):
    """Forecast with the continuations of the k training windows most like the context.

    The last ``len(context)`` points of the series (all channels) are compared, in
    Euclidean distance, with the same span of every library window; the continuations
    of the ``k`` nearest give the median (``predict``), empirical quantiles and, with
    skpro installed, an empirical distribution (``predict_proba``).

    Parameters
    ----------
    library : ndarray of shape (n, C, T)
        Training windows.
    context : int
        Points compared; the continuations are the library's points after them.
    k : int, default=10
    """

    _tags = {"capability:multivariate": True, "y_inner_mtype": "pd.DataFrame",
             "capability:exogenous": False, "requires-fh-in-fit": False,
             "capability:pred_int": True, "capability:insample": False}

    def __init__(self, library=None, context=240, k=10):
        self.library = library
        self.context = context
        self.k = k
        super().__init__()

    def _fit(self, y, X=None, fh=None):
        self._last = y.to_numpy()[-self.context:].T  # (C, context)
        self._columns = y.columns
        return self

    def _continuations(self, fh) -> tuple[np.ndarray, np.ndarray]:
        steps = np.asarray(fh.to_relative(self.cutoff), dtype=int)
        past = self.library[:, :, :self.context]
        distance = np.linalg.norm((past - self._last[None]).reshape(len(past), -1), axis=1)
        nearest = np.argsort(distance)[: self.k]
        return self.library[nearest][:, :, self.context + steps - 1], steps

    def _predict(self, fh, X=None):
        cont, _ = self._continuations(fh)
        return pd.DataFrame(np.median(cont, axis=0).T,
                            index=fh.to_absolute_index(self.cutoff), columns=self._columns)

    def _predict_quantiles(self, fh, X, alpha):
        cont, steps = self._continuations(fh)
        q = np.quantile(cont, alpha, axis=0)  # (A, C, H)
        values = q.transpose(2, 1, 0).reshape(len(steps), -1)
        columns = pd.MultiIndex.from_product([self._columns, alpha])
        return pd.DataFrame(values, index=fh.to_absolute_index(self.cutoff), columns=columns)

    def _predict_proba(self, fh, X=None, marginal=True):
        cont, _ = self._continuations(fh)
        return empirical(cont, fh.to_absolute_index(self.cutoff), self._columns,
                         marginal=marginal)
