"""Strict field types for the pydantic configuration models.

Validation is strict: ``1.5`` is not an int, ``"0.5"`` is not a number and ``True`` is
neither, so nothing is coerced silently. The one conversion is from numpy scalars to
the Python value they hold (``np.int64(8)`` -> ``8``, ``np.float32(0.5)`` -> ``0.5``),
because scikit-learn's grids and numpy arithmetic hand those out; without it a setting
would be accepted by the estimator and then fail to serialise in ``save_pretrained``.
NaN and infinities are rejected everywhere.
"""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict


def python_scalar(value: Any) -> Any:
    """Return the Python value of a numpy scalar, and any other value unchanged.

    Examples
    --------
    >>> python_scalar(np.int64(8)), type(python_scalar(np.float32(0.5)))
    (8, <class 'float'>)
    """
    return value.item() if isinstance(value, np.generic) else value


#: an int (or numpy integer); floats and bools are rejected
Integer = Annotated[int, BeforeValidator(python_scalar)]
#: a finite float (or int, numpy integer or numpy float); strings and bools are rejected
Number = Annotated[float, BeforeValidator(python_scalar)]


class FrozenModel(BaseModel):
    """Base of the configuration models: immutable, strict, no unknown keys, no NaN."""

    model_config = ConfigDict(
        frozen=True, strict=True, extra="forbid", allow_inf_nan=False, validate_default=True
    )
