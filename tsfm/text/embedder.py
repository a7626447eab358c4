"""A frozen ``transformers`` language model that turns prompts into vectors.

The embedding of a prompt is the mean of the model's last hidden states over its
tokens (padding excluded by the attention mask). Embeddings are cached per unique
prompt, so a dataset with 18 activities runs the language model 18 times, not once
per window.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import numpy as np
import torch

from tsfm.exceptions import NonFiniteError, TextEncoderError
from tsfm.text.encoders import require, resolve_text_encoder

#: prompts tokenised per forward pass
EMBED_BATCH = 64


def check_prompts(prompts, *, name: str = "prompts") -> list[str]:
    """``prompts`` as a non-empty list of non-empty strings.

    Raises
    ------
    TypeError
        If ``prompts`` is a single string or holds a non-string.
    ValueError
        If it is empty or holds an empty string.
    """
    if isinstance(prompts, str):
        raise TypeError(f"{name} must be a list of strings, not a single string; wrap it: [...]")
    try:
        prompts = list(prompts)
    except TypeError:
        raise TypeError(
            f"{name} must be a list of strings, got {type(prompts).__name__}"
        ) from None
    if not prompts:
        raise ValueError(f"{name} is empty; pass one prompt per series")
    bad = [i for i, p in enumerate(prompts) if not isinstance(p, str)]
    if bad:
        raise TypeError(
            f"{name} must hold strings; item {bad[0]} is {type(prompts[bad[0]]).__name__}"
        )
    blank = [i for i, p in enumerate(prompts) if not p.strip()]
    if blank:
        raise ValueError(f"{name}[{blank[0]}] is an empty string; every prompt needs words")
    return prompts


@contextlib.contextmanager
def _quiet(transformers):
    """Hide transformers' weight-loading progress bar, restoring the user's setting."""
    logging = transformers.utils.logging
    enabled = logging.is_progress_bar_enabled()
    logging.disable_progress_bar()
    try:
        yield
    finally:
        if enabled:
            logging.enable_progress_bar()


class TextEmbedder:
    """Mean-pooled last hidden states of a frozen language model.

    Parameters
    ----------
    text_encoder : str
        A registered short name (``"minilm"``), a local directory, or a Hugging Face
        model id (see :mod:`tsfm.text.encoders`).
    device : str, default="cpu"
        Where the language model runs.
    max_length : int, default=128
        Longer prompts are truncated to this many tokens.

    Attributes
    ----------
    text_encoder : str
        As given.
    source : str
        The directory or Hub id it was loaded from.
    dim : int
        Width of the embeddings.
    calls : int
        Prompts run through the language model so far (cache misses).
    """

    def __init__(self, text_encoder: str, *, device: str = "cpu", max_length: int = 128):
        transformers = require("transformers", what="the text conditioner")
        self.text_encoder = text_encoder
        self.source, local = resolve_text_encoder(text_encoder)
        self.device = torch.device(device)
        self.max_length = max_length
        try:
            with _quiet(transformers):
                self.tokenizer = transformers.AutoTokenizer.from_pretrained(
                    self.source, local_files_only=local)
                model = transformers.AutoModel.from_pretrained(
                    self.source, local_files_only=local)
        except OSError as exc:
            where = ("the directory" if local else
                     "the Hugging Face Hub or its local cache (offline? download it once with "
                     "network access, or pass a local directory)")
            raise TextEncoderError(
                f"could not load text encoder {text_encoder!r} from {where} "
                f"{self.source!r}: {exc}"
            ) from None
        if getattr(model.config, "is_encoder_decoder", False):
            model = model.get_encoder()
        if self.tokenizer.pad_token is None:  # decoder-only models (Llama…) have none
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.model = model.to(self.device).eval().requires_grad_(False)
        self.dim = int(self._forward(["a person walking"]).shape[1])
        self.calls = 0
        self._cache: dict[str, np.ndarray] = {}

    def __deepcopy__(self, memo):
        """Copies of a model share its (frozen) language model and cache."""
        return self

    def _forward(self, prompts: list[str]) -> np.ndarray:
        tokens = self.tokenizer(prompts, padding=True, truncation=True,
                                max_length=self.max_length, return_tensors="pt")
        tokens = {key: value.to(self.device) for key, value in tokens.items()}
        with torch.inference_mode():
            hidden = self.model(**tokens).last_hidden_state.float()
        mask = tokens["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return pooled.cpu().numpy()

    def embed(self, prompts: Sequence[str]) -> np.ndarray:
        """Embeddings of shape (n, dim), float32, one row per prompt.

        Raises
        ------
        ValueError, TypeError
            For an empty list, a non-string or an empty prompt.
        tsfm.exceptions.NonFiniteError
            If the language model returned NaN or inf.
        """
        prompts = check_prompts(prompts)
        new = [p for p in dict.fromkeys(prompts) if p not in self._cache]
        for start in range(0, len(new), EMBED_BATCH):
            chunk = new[start : start + EMBED_BATCH]
            vectors = self._forward(chunk)
            if not np.isfinite(vectors).all():
                raise NonFiniteError(
                    f"text encoder {self.text_encoder!r} returned NaN or inf embeddings for "
                    f"{chunk[:2]}; try another text encoder, or float32 weights"
                )
            self._cache.update(zip(chunk, vectors.astype(np.float32), strict=True))
            self.calls += len(chunk)
        return np.stack([self._cache[p] for p in prompts])


_LOADED: dict[tuple[str, str, int], TextEmbedder] = {}


def load_embedder(
    text_encoder: str, *, device: str = "cpu", max_length: int = 128
) -> TextEmbedder:
    """A :class:`TextEmbedder`, loaded once per process for each encoder and device.

    The language model is frozen, so every model tuned with it can share one copy.
    """
    key = (str(text_encoder), str(torch.device(device)), int(max_length))
    if key not in _LOADED:
        _LOADED[key] = TextEmbedder(text_encoder, device=device, max_length=max_length)
    return _LOADED[key]
