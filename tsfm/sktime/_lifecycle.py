"""sktime's pretraining lifecycle (new -> pretrained -> fitted) for classifiers and transformers.

sktime 1.2 defines ``pretrain`` on ``BaseForecaster`` only. This mixin gives
``BaseClassifier`` and ``BaseTransformer`` subclasses the same public API and
semantics, so that all FlowFM estimators behave alike:

- ``pretrain(X)`` learns from unlabelled panel data; a second call pretrains further;
- ``state`` is ``"new"``, ``"pretrained"`` or ``"fitted"``;
- ``fit`` after ``pretrain`` starts from the pretrained model instead of starting over,
  and a refit starts from it again (the fitted state is discarded, the pretrained
  state kept);
- ``clone`` (cross-validation, benchmarks) keeps the pretrained state, as sktime's
  ``_PretrainedCloner`` does for forecasters; ``reset`` and ``set_params`` discard it.

The pretrained attributes are those that ``pretrain`` creates; they are listed in
``_pretrained_attrs``. The work is done by the subclass's ``_pretrain(X)`` and
``_pretrain_update(X)``, which receive ``X`` converted to ``X_inner_mtype``.
"""

from __future__ import annotations

from copy import deepcopy

from skbase.base._clone_plugins import BaseCloner, _default_clone

__all__ = ["PretrainLifecycleMixin"]

#: attributes that others attach to the estimator for the duration of a call, which
#: ``reset`` must not delete: scikit-learn 1.9's ``Pipeline`` sets ``_parent_callback_ctx``
#: on each step before fitting it and deletes it afterwards (docs/sktime.md)
_CALL_SCOPED = ("_parent_callback_ctx",)

#: name of the flag, set during ``fit``, that makes ``reset`` keep the pretrained state;
#: skbase's ``reset`` keeps attributes whose names contain "__", so the flag survives it
_KEEP_FLAG = "_tsfm__keep_pretrained"


class _PretrainedStateCloner(BaseCloner):
    """skbase clone plugin: a clone keeps the pretrained attributes (deep copies)."""

    def _check(self, obj) -> bool:
        return bool(getattr(obj, "_pretrained_attrs", None))

    def _clone(self, obj):
        new = _default_clone(estimator=obj, recursive_clone=self.recursive_clone)
        if obj.get_config()["clone_config"]:
            new.set_config(**obj.get_config())
        new._pretrained_attrs = list(obj._pretrained_attrs)
        for attr in obj._pretrained_attrs:
            setattr(new, attr, deepcopy(getattr(obj, attr)))
        return new


class PretrainLifecycleMixin:
    """``pretrain``, ``state`` and ``get_pretrained_params`` for sktime classifiers and
    transformers; placed before the sktime base class."""

    @property
    def state(self) -> str:
        """``"fitted"`` after ``fit``, ``"pretrained"`` after ``pretrain`` only, else ``"new"``."""
        if self.is_fitted:
            return "fitted"
        return "pretrained" if getattr(self, "_pretrained_attrs", None) else "new"

    def pretrain(self, X, y=None):
        """Pretrain on unlabelled panel data; ``fit`` then starts from the result.

        State change: ``"new"`` -> ``"pretrained"``. Called again (or after ``fit``), it
        pretrains the existing model further; after ``fit`` the state becomes
        ``"pretrained"`` again, because the fitted head no longer matches the encoder.

        Parameters
        ----------
        X : sktime Panel of shape (n_instances, n_channels, n_timepoints)
            Any Panel mtype (numpy3D, pd-multiindex, nested_univ...); checked and
            converted by sktime's own input checks, as in ``fit``.
        y : ignored
            Present for API symmetry with ``fit``; labels are not used.

        Returns
        -------
        self
        """
        X_inner = self._pretrain_input(X)
        prior = {name for name in vars(self) if name.endswith("_") and not
                 name.startswith("_")}
        if getattr(self, "_pretrained_attrs", None):
            self._pretrain_update(X_inner)
        else:
            self.reset()
            self._pretrain(X_inner)
        pretrained = list(getattr(self, "_pretrained_attrs", None) or [])
        pretrained += [name for name in vars(self) if name.endswith("_") and not
                       name.startswith("_") and name not in prior and name not in pretrained]
        if self.is_fitted:  # the fitted model was built on the previous encoder
            saved = {name: getattr(self, name) for name in pretrained}
            self.reset()
            for name, value in saved.items():
                setattr(self, name, value)
        self._pretrained_attrs = pretrained
        return self

    def get_pretrained_params(self) -> dict:
        """The attributes set by ``pretrain`` (empty before it), by name."""
        return {name: getattr(self, name) for name in getattr(self, "_pretrained_attrs", [])}

    def fit(self, X, y=None):
        """Fit; after ``pretrain`` this starts from the pretrained model.

        sktime's ``fit`` begins by resetting the estimator; the pretrained attributes
        are carried over that reset, so a refit starts from the pretrained model again.
        See the sktime base class for the parameters.
        """
        setattr(self, _KEEP_FLAG, True)
        try:
            return super().fit(X, y)
        finally:
            self.__dict__.pop(_KEEP_FLAG, None)

    def reset(self):
        """Reset to the post-init state; inside ``fit`` the pretrained state is kept.

        Attributes a caller attached for the duration of a call (scikit-learn 1.9's
        ``Pipeline`` context) are kept too, so these estimators also work as
        ``Pipeline`` steps, unlike other sktime 1.2 estimators.
        """
        names = getattr(self, "_pretrained_attrs", None) if getattr(self, _KEEP_FLAG,
                                                                      False) else None
        saved = {name: getattr(self, name) for name in names or []}
        scoped = {name: getattr(self, name) for name in _CALL_SCOPED if hasattr(self, name)}
        super().reset()
        for name, value in scoped.items():
            setattr(self, name, value)
        if saved:
            for name, value in saved.items():
                setattr(self, name, value)
            self._pretrained_attrs = list(saved)
        return self

    @classmethod
    def _get_clone_plugins(cls):
        return [_PretrainedStateCloner]

    # -- for subclasses -----------------------------------------------------------------
    def _pretrain_input(self, X):
        """``X`` checked and converted to ``X_inner_mtype`` by sktime, as in ``fit``."""
        raise NotImplementedError

    def _pretrain(self, X) -> None:
        raise NotImplementedError

    def _pretrain_update(self, X) -> None:
        raise NotImplementedError
