"""The exceptions tsfm raises on purpose.

Every error tsfm raises deliberately derives from :class:`TsfmError`, so that callers
can catch them all at once. Each one also derives from the built-in exception a
scikit-learn user expects (``ValueError`` for a bad value), so that existing
``except ValueError`` code keeps working.

Examples
--------
>>> from tsfm.exceptions import CheckpointError, TsfmError
>>> issubclass(CheckpointError, TsfmError) and issubclass(CheckpointError, ValueError)
True
"""

from __future__ import annotations


class TsfmError(Exception):
    """Base class of every error tsfm raises on purpose."""


class ConfigError(TsfmError, ValueError, TypeError):
    """An estimator parameter or a model configuration has an invalid value or type.

    Like scikit-learn's ``InvalidParameterError`` it is both a ``ValueError`` and a
    ``TypeError``, so that ``except`` clauses written for either keep working.
    """


class CheckpointError(TsfmError, ValueError):
    """A model directory is missing, corrupt, unsafe, or does not match the model."""


class NonFiniteError(TsfmError, ValueError):
    """Data, weights or outputs hold NaN or infinite values (or would overflow to them)."""


class MissingExtraError(TsfmError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""


class TextEncoderError(TsfmError, ValueError):
    """A text encoder (language model) is unknown, missing or could not be loaded."""


__all__ = [
    "CheckpointError",
    "ConfigError",
    "MissingExtraError",
    "NonFiniteError",
    "TextEncoderError",
    "TsfmError",
]
