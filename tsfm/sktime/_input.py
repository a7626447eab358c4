"""Checking the panel that ``pretrain`` receives, with sktime's own checks."""

from __future__ import annotations

import numpy as np

from tsfm.utils.validation import check_panel

__all__ = ["check_pretrain_panel", "instance_values", "pretrain_series", "refuse_unequal_length"]


def check_pretrain_panel(estimator, X) -> np.ndarray:
    """``X`` as a float32 array (n, C, T), checked as sktime checks ``fit`` input.

    Parameters
    ----------
    estimator : sktime estimator
        Its tags ``capability:unequal_length`` and ``capability:missing_values`` decide
        what is accepted, as in sktime's ``fit``.
    X : sktime Panel (any Panel mtype) of shape (n_instances, n_channels, n_timepoints)

    Returns
    -------
    ndarray of shape (n_instances, n_channels, n_timepoints), float32

    Raises
    ------
    TypeError
        If ``X`` is not an sktime Panel (a single series, for instance).
    ValueError
        For unequal lengths or missing values the estimator does not support.
    """
    from sktime.datatypes import check_is_scitype, convert_to

    name = type(estimator).__name__
    valid, message, metadata = check_is_scitype(
        X, scitype="Panel", return_metadata=["is_equal_length", "has_nans"])
    if not valid:
        raise TypeError(
            f"{name}.pretrain needs a Panel: several series, as a 3-D numpy array "
            "(n_instances, n_channels, n_timepoints), a pd-multiindex DataFrame or another "
            f"sktime Panel mtype; sktime's check says: {message}"
        )
    if not metadata["is_equal_length"]:
        _unequal_length(estimator)
    if metadata["has_nans"] and not estimator.get_tag("capability:missing_values"):
        raise ValueError(
            f"Data seen by {name} instance has missing values, but {name} cannot handle "
            "missing values. Impute them first, e.g. with sktime's Imputer"
        )
    return check_panel(convert_to(X, to_type="numpy3D", as_scitype="Panel"))


def _unequal_length(estimator) -> None:
    if not estimator.get_tag("capability:unequal_length"):
        name = type(estimator).__name__
        raise ValueError(
            f"Data seen by {name} instance has unequal length series, but {name} cannot "
            "handle unequal length series. Bring them to one length first, e.g. with "
            "sktime's TSInterpolator or PaddingTransformer"
        )


def refuse_unequal_length(estimator, X) -> None:
    """Raise, in the words of sktime's classifiers, if ``X`` is an unequal-length Panel.

    sktime 1.2's ``BaseTransformer`` does not check its ``capability:unequal_length``
    tag before converting to ``numpy3D``, where such a panel fails with a bare reshape
    error; the transformer calls this first. Anything but a Panel is left to sktime.

    Parameters
    ----------
    estimator : sktime estimator
    X : any sktime data container
    """
    from sktime.datatypes import check_is_scitype

    valid, _, metadata = check_is_scitype(X, scitype="Panel",
                                          return_metadata=["is_equal_length"])
    if valid and not metadata["is_equal_length"]:
        _unequal_length(estimator)


def pretrain_series(estimator, X) -> list[np.ndarray]:
    """The series of the Panel or Hierarchical ``X`` that a Series estimator pretrains on.

    The series may differ in length and hold NaN; what is usable of them is the
    window-maker's business (:meth:`tsfm.sktime._observed.ObservedSamplingMixin.
    _pretrain_windows`).

    Parameters
    ----------
    estimator : sktime estimator
        Named in the error message.
    X : sktime Panel or Hierarchical data
        Any such mtype (numpy3D, pd-multiindex, pd_multiindex_hier, df-list...).

    Returns
    -------
    list of ndarray of shape (n_timepoints_i, n_channels), float32
        One array per series (instance), in the order of ``X``.

    Raises
    ------
    TypeError
        If ``X`` is a single series or no sktime data container, in the words of
        sktime's ``BaseForecaster.pretrain``.
    """
    from sktime.datatypes import check_is_scitype, convert_to

    if not check_is_scitype(X, scitype=["Panel", "Hierarchical"]):
        raise TypeError(
            f"{type(estimator).__name__}.pretrain requires Panel or Hierarchical data "
            "(multiple time series instances), e.g. a pd.DataFrame with a MultiIndex "
            "(instance, time) or a 3-D numpy array (n_instances, n_channels, n_timepoints); "
            "got a single series or no sktime container. Use fit() for a single series"
        )
    return instance_values(convert_to(X, to_type=["pd-multiindex", "pd_multiindex_hier"]))


def instance_values(y) -> list[np.ndarray]:
    """The values (n_timepoints_i, n_channels) of each series of a MultiIndex DataFrame.

    Parameters
    ----------
    y : pd.DataFrame
        sktime mtype ``pd-multiindex`` or ``pd_multiindex_hier``: the last index level
        is time, the others name the series.

    Returns
    -------
    list of ndarray of shape (n_timepoints_i, n_channels), float32
    """
    levels = list(range(y.index.nlevels - 1))
    return [np.asarray(part, dtype=np.float32) for _, part in y.groupby(level=levels,
                                                                        sort=False)]
