"""The registry of shipped models and the resolution of a ``pretrained`` reference."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from tsfm.exceptions import CheckpointError, TsfmError

#: where shipped model directories live inside the installed package
MODELS_ROOT = Path(__file__).parent / "models"
#: the files of a model directory fetched from the Hub
HUB_FILES = ("config.json", "model.safetensors", "README.md")
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


class UnknownModelError(CheckpointError):
    """A ``pretrained`` reference is neither a shipped name, a directory nor a Hub id."""


class ModelDownloadError(TsfmError, OSError):
    """A Hub model could not be fetched (offline, missing or private repository)."""


@dataclass(frozen=True)
class PretrainedModel:
    """One shipped model.

    Attributes
    ----------
    name : str
        The registered name, e.g. ``"flowfm-wrist-small"``.
    path : Path
        Its directory inside the installed package.
    summary : str
        The first line of its model card's description.
    input : dict
        What it expects: ``n_channels``, ``rate``, ``n_timepoints``, ``units``.
    """

    name: str
    path: Path
    summary: str
    input: dict


def _describe(path: Path) -> PretrainedModel:
    config = json.loads((path / "config.json").read_text())
    card = (path / "README.md").read_text() if (path / "README.md").is_file() else ""
    summary = next((line.strip() for line in card.splitlines()
                    if line.strip() and not line.startswith(("#", "-", "|", "---"))), "")
    return PretrainedModel(path.name, path, summary, dict(config.get("input", {})))


def list_pretrained() -> list[PretrainedModel]:
    """The models shipped with this installation, by name.

    Examples
    --------
    >>> [m.name for m in list_pretrained()]  # doctest: +SKIP
    ['flowfm-wrist-small']
    """
    if not MODELS_ROOT.is_dir():
        return []
    return [_describe(p) for p in sorted(MODELS_ROOT.iterdir())
            if (p / "config.json").is_file() and (p / "model.safetensors").is_file()]


def _from_hub(repo_id: str) -> Path:
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import (
        HfHubHTTPError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
    )

    try:
        return Path(snapshot_download(repo_id, allow_patterns=list(HUB_FILES)))
    except RepositoryNotFoundError:
        raise ModelDownloadError(
            f"Hugging Face Hub repository {repo_id!r} was not found (or is private); check "
            "the id, or log in with `huggingface-cli login`"
        ) from None
    except LocalEntryNotFoundError:
        raise ModelDownloadError(
            f"cannot fetch {repo_id!r} from the Hugging Face Hub: no network connection and "
            "no cached copy. Connect once to download it (it is then cached), or download "
            "the model directory elsewhere and pass its local path"
        ) from None
    except (HfHubHTTPError, OSError) as exc:
        raise ModelDownloadError(f"fetching {repo_id!r} from the Hub failed: {exc}") from None


def model_directory(reference: str | os.PathLike) -> Path:
    """Resolve a ``pretrained`` reference to a local model directory.

    Parameters
    ----------
    reference : str or PathLike
        A shipped model name (see :func:`list_pretrained`), an existing local directory,
        or a Hugging Face Hub repo id ``"org/name"``. A local directory wins over a Hub
        id of the same spelling. Only a Hub id reaches the network.

    Returns
    -------
    Path

    Raises
    ------
    UnknownModelError
        For anything else; the message lists the shipped names.
    ModelDownloadError
        When a Hub id cannot be fetched (e.g. offline).
    """
    text = os.fspath(reference)
    shipped = MODELS_ROOT / text
    if text and "/" not in text and "\\" not in text and (shipped / "config.json").is_file():
        return shipped
    path = Path(text).expanduser()
    if path.is_dir():
        return path
    if _HUB_ID.match(text) and not text.startswith((".", "/", "~")):
        return _from_hub(text)
    names = [m.name for m in list_pretrained()]
    if text.startswith((".", "/", "~")) or text.count("/") > 1 or "\\" in text:
        raise UnknownModelError(
            f"model directory {text!r} does not exist; expected config.json and "
            f"model.safetensors there. Check the path, or pass a shipped model name "
            f"({names or 'none shipped'}) or a Hugging Face Hub id 'org/name'"
        )
    raise UnknownModelError(
        f"unknown pretrained model {text!r}: not a shipped model ({names or 'none shipped'}), "
        "an existing directory, or a Hugging Face Hub id 'org/name'. List the shipped models "
        "with `tsfm models` or tsfm.zoo.list_pretrained()"
    )
