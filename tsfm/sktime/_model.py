"""What every sktime-native FlowFM estimator shares: the model, its device, its pretraining.

:class:`FlowFMModelMixin` is written to be reused by any sktime base class: the
transformer and classifier of this package, and a future ``BaseForecaster`` subclass
(forecaster, imputer, anomaly detector). It knows nothing about sktime's data
containers; its methods take a checked float32 panel of shape (n, C, T), which each
subclass obtains from its own sktime input conversion (``X_inner_mtype="numpy3D"``
for classifiers and transformers; a forecaster converts its ``y`` panel the same way).

The estimator using it needs these parameters (plain ``__init__`` arguments):
``pretrained``, ``device``, ``random_state``, ``verbose`` and the pretraining
parameters listed by :meth:`FlowFMModelMixin._pretraining_params`.

The pretraining lifecycle (sktime's ``new -> pretrained -> fitted``):

- ``_pretrain_panel(X)`` creates the attribute ``pretrainer_``: a new model pretrained
  on ``X`` or, with ``pretrained`` set, that model pretrained further on ``X``;
- ``_pretrain_update_panel(X)`` pretrains the existing ``pretrainer_`` further;
- ``_starting_pretrainer()`` is what ``fit`` starts from: ``pretrainer_`` after a
  ``pretrain`` call, else the model named by ``pretrained``, else None.

``BaseForecaster`` has the public ``pretrain`` already (sktime 1.2): a forecaster sets
the tags ``capability:pretrain=True`` and ``pretrain:fitted_params=["pretrainer_"]``
and implements ``_pretrain``/``_pretrain_update`` by converting ``y`` and calling the
two methods above. ``BaseClassifier`` and ``BaseTransformer`` have no ``pretrain`` in
sktime 1.2; :class:`tsfm.sktime._lifecycle.PretrainLifecycleMixin` adds the same API
to them.
"""

from __future__ import annotations

from copy import deepcopy

import numpy as np

from tsfm.estimators._base import check_compatible
from tsfm.estimators._pretrained import is_fitted_pretrainer, resolve_pretrained
from tsfm.estimators.pretrainer import FlowFMPretrainer
from tsfm.training.seeding import resolve_seed, torch_seed
from tsfm.utils.device import resolve_device

__all__ = ["FlowFMModelMixin"]

#: the tag ``python_dependencies`` of every sktime-native FlowFM estimator
PYTHON_DEPENDENCIES = ["torch", "skorch"]
#: the tags ``authors`` and ``maintainers``
AUTHORS = ["tsfm developers"]
#: the one-block, width-16 networks of every class's ``get_test_params`` (fast checks)
TEST_ARCHITECTURE = {"depth": 1, "width": 16, "heads": 2, "patch_size": 1}


class FlowFMModelMixin:
    """Model loading, device handling and pretraining for sktime-native FlowFM estimators.

    Not public API: a mixin placed before the sktime base class.
    """

    #: parameters of :class:`FlowFMPretrainer` the estimator forwards when it pretrains
    _PRETRAINING_PARAMS: tuple[str, ...] = ("model", "batch_size", "lr", "weight_decay")

    # -- device --------------------------------------------------------------------
    def _device(self) -> str:
        """The torch device of the ``device`` parameter (``"auto"``: CUDA if available).

        Raises
        ------
        ValueError
            For an unknown device or CUDA where there is none.
        """
        return resolve_device(self.device)

    # -- model loading ----------------------------------------------------------------
    def _load_pretrained(self, X: np.ndarray | None = None) -> FlowFMPretrainer | None:
        """The fitted model that ``pretrained`` names, or None when it is None.

        Parameters
        ----------
        X : ndarray of shape (n, C, T) or None
            Checked against the model (channel count, at least one patch), and used to
            pretrain when ``pretrained`` is an unfitted :class:`FlowFMPretrainer`.

        Raises
        ------
        tsfm.zoo.registry.UnknownModelError
            For a name that is neither shipped, a directory nor a Hub id.
        ValueError
            When ``X`` does not fit the model.
        """
        if self.pretrained is None:
            return None
        pre = resolve_pretrained(self.pretrained, X, device=self._device())
        if X is not None:
            self._check_model_input(X, pre)
        return pre

    @staticmethod
    def _check_model_input(X: np.ndarray, pre: FlowFMPretrainer) -> None:
        """Raise if ``X`` of shape (n, C, T) does not fit the model of ``pre``."""
        check_compatible(X, pre.config_, stated_input=getattr(pre, "stated_input_", None))

    # -- pretraining lifecycle --------------------------------------------------------
    def _pretraining_params(self) -> dict:
        """The :class:`FlowFMPretrainer` parameters of a new pretraining by this estimator."""
        params = {name: getattr(self, name) for name in self._PRETRAINING_PARAMS}
        return {**params, "max_epochs": self._pretrain_epochs(), "device": self.device,
                "random_state": self.random_state, "verbose": self.verbose}

    def _pretrain_epochs(self) -> int:
        """Epochs of one ``pretrain`` call; subclasses name the parameter that sets them."""
        raise NotImplementedError

    def _pretrain_panel(self, X: np.ndarray, loaded: FlowFMPretrainer | None = None) -> None:
        """Pretrain on the panel ``X`` of shape (n, C, T); sets ``pretrainer_``.

        Without ``pretrained`` a new model is pretrained with :meth:`_pretraining_params`;
        with it, the named model is loaded and pretrained further on ``X`` (its own
        normalisation is kept, so that its weights stay valid). ``loaded`` is that model
        when the caller has already loaded it, so that it is not loaded twice.
        """
        if self.pretrained is None:
            self.pretrainer_ = FlowFMPretrainer(**self._pretraining_params()).fit(X)
            return
        if loaded is None:
            pre = self._load_pretrained(X)
        else:
            self._check_model_input(X, loaded)
            pre = loaded
        if isinstance(self.pretrained, FlowFMPretrainer) and not is_fitted_pretrainer(
                self.pretrained):
            self.pretrainer_ = pre  # an unfitted pretrainer parameter was just fitted on X
            return
        # a fitted pretrainer parameter is returned as it is: copy it, so that
        # pretraining further never changes an object the caller passed
        self.pretrainer_ = deepcopy(pre) if pre is self.pretrained else pre
        self._pretrain_further(X)

    def _pretrain_update_panel(self, X: np.ndarray) -> None:
        """Pretrain ``pretrainer_`` further on the panel ``X`` of shape (n, C, T)."""
        self._check_model_input(X, self.pretrainer_)
        self._pretrain_further(X)

    def _pretrain_further(self, X: np.ndarray) -> None:
        pre = self.pretrainer_
        device = self._device()
        pre.net_.set_params(device=device)
        pre.net_.module_.to(device)
        with torch_seed(resolve_seed(self.random_state), device):
            pre.net_.partial_fit(pre.standardizer_.transform(X), None,
                                 epochs=self._pretrain_epochs())

    def _starting_pretrainer(self, X: np.ndarray | None = None):
        """What ``fit`` starts from: the pretrained state, else ``pretrained``, else None.

        Returns
        -------
        FlowFMPretrainer, str, PathLike or None
            ``pretrainer_`` (checked against ``X``) after a ``pretrain`` call; otherwise
            the ``pretrained`` parameter as it is, resolved by the delegate's ``fit``.
        """
        pre = getattr(self, "pretrainer_", None)
        if pre is not None:
            if X is not None:
                self._check_model_input(X, pre)
            return pre
        return self.pretrained
