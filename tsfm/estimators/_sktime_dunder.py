"""``sktime_transformer * FlowFMClassifier()`` builds an sktime-native pipeline.

sktime's ``*`` wraps a scikit-learn classifier into ``SklearnClassifierPipeline``, which
flattens each panel to a 2-D table (n, C * T). tsfm's scikit-learn estimators read a
2-D array as univariate series, so ``ExponentTransformer() * FlowFMClassifier()`` on
BasicMotions would silently train on 1 channel x 600 points instead of 6 x 100.

sktime decides what to build from the ``object_type`` tag of objects that have
``get_tag`` (``sktime.registry.scitype``, before it looks at scikit-learn mixins). The
mixin answers that it is no sktime or tabular estimator, so sktime's ``*`` gives up
(``NotImplemented``) and Python calls ``__rmul__`` here, which builds the pipeline
with the sktime-native twin, :class:`tsfm.sktime.FlowFMSktimeClassifier`: the panel
arrives as (n, C, T). Nothing else changes: the class stays a plain scikit-learn
estimator (no sktime base class, no ``reset``), and scikit-learn never reads
``get_tag``.
"""

from __future__ import annotations

__all__ = ["SktimeDunderMixin"]

#: the only tag answered: "object" is sktime's scitype of objects it does not compose
_OBJECT_TYPE = "object"


class SktimeDunderMixin:
    """Route sktime's ``transformer * estimator`` to the sktime-native twin."""

    def _sktime_twin(self):
        """The unfitted sktime-native estimator with this estimator's parameters."""
        raise NotImplementedError

    def get_tag(self, tag_name, tag_value_default=None, raise_error=True):
        """Answer sktime's ``object_type`` query (see the module docstring).

        Parameters
        ----------
        tag_name : str
        tag_value_default : any, default=None
        raise_error : bool, default=True

        Returns
        -------
        str or ``tag_value_default``
            ``"object"`` for ``object_type``; this is not an sktime estimator, so it has
            no other tags.

        Raises
        ------
        ValueError
            For any other tag when ``raise_error`` is True.
        """
        if tag_name == "object_type":
            return _OBJECT_TYPE
        if raise_error:
            raise ValueError(
                f"{type(self).__name__} is a scikit-learn estimator without sktime tag "
                f"{tag_name!r}; in sktime pipelines, evaluate and benchmarks use its sktime "
                f"twin {type(self._sktime_twin()).__name__} from tsfm.sktime"
            )
        return tag_value_default

    def __rmul__(self, other):
        """``sktime_transformer * self``: the same pipeline with the sktime-native twin."""
        from sktime.transformations.base import BaseTransformer

        if not isinstance(other, BaseTransformer):
            return NotImplemented
        return other * self._sktime_twin()
