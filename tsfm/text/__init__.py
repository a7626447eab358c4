"""Text-to-signal: prompts from metadata, and the language models that embed them.

Tuning and sampling live on :class:`tsfm.FlowFMSignalGenerator` (``fit_text``,
``sample(text=...)``); the text conditioner plugin is
``tsfm_builtins.conditioners.TextConditioner`` (registered as ``"text"``). The
language-model parts need the ``text`` extra: ``pip install "tsfm[text]"``.
"""

from __future__ import annotations

from tsfm.text.encoders import TEXT_ENCODERS, TEXT_EXTRA, list_text_encoders
from tsfm.text.prompts import (
    DATASET_ATTRIBUTES,
    DEFAULT_TEMPLATE,
    activity_words,
    describe_person,
    make_prompts,
)

__all__ = [
    "DATASET_ATTRIBUTES",
    "DEFAULT_TEMPLATE",
    "TEXT_ENCODERS",
    "TEXT_EXTRA",
    "activity_words",
    "describe_person",
    "list_text_encoders",
    "make_prompts",
]
