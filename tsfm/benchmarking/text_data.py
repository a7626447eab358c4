"""Windows and prompts of the text-to-signal benchmark, one labelled activity each.

Faithfulness (does a sample show the activity its prompt names?) needs windows that
carry one activity. HAPT, ADL and SmartFallMM have them at the shipped model's 10 s.
GeoTec's activities are short (median 0.7-2.5 s; docs/datasets/geotec.md): a 10 s
window spans its whole sit-walk-turn-sit test, and at 2 s almost only walking is left
(404 of 430 windows). So GeoTec uses its 1 s labelled windows (30 samples at 30 Hz, 5
activities), the longest length at which every activity keeps windows; the model takes
them with its positional embeddings interpolated (3 patches of 10), and a model tuned
on them generates 1 s windows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

#: the shipped model's rate (Hz); every dataset is resampled to it
RATE = 30
#: window length in seconds per dataset (see the module docstring for GeoTec's)
WINDOW_SECONDS = {"hapt": 10, "adl": 10, "smartfallmm": 10, "geotec": 1}


@dataclass(frozen=True)
class TextWindows:
    """Labelled windows with one prompt each.

    Attributes
    ----------
    X : ndarray of shape (n, 3, RATE * WINDOW_SECONDS[name])
        Accelerometer windows in g.
    prompts : ndarray of str, shape (n,)
        From :func:`tsfm.text.make_prompts` (subject attributes and the activity).
    activity : ndarray of str, shape (n,)
        The activity label of each window.
    metadata : DataFrame with n rows
    groups : ndarray of str, shape (n,)
        Subject of each window.
    """

    X: np.ndarray
    prompts: np.ndarray
    activity: np.ndarray
    metadata: pd.DataFrame
    groups: np.ndarray


def text_windows(name: str, data_dir: str | Path) -> TextWindows:
    """Load ``name``'s labelled windows (3 accelerometer axes, 30 Hz) and their prompts.

    Parameters
    ----------
    name : {"hapt", "adl", "smartfallmm", "geotec"}
    data_dir : str or Path
        The directory holding the datasets (``../shared/data``).

    Returns
    -------
    TextWindows

    Raises
    ------
    ValueError
        If ``name`` is not one of the four datasets.
    """
    from tsfm.datasets import load_dataset
    from tsfm.text import make_prompts

    if name not in WINDOW_SECONDS:
        raise ValueError(f"unknown text benchmark dataset {name!r}; use one of "
                         f"{sorted(WINDOW_SECONDS)}")
    ds = load_dataset(name, data_dir=data_dir, rate=RATE, window_seconds=WINDOW_SECONDS[name],
                      channels=["acc"])
    meta = ds.metadata.reset_index(drop=True)
    return TextWindows(X=ds.X, prompts=np.asarray(make_prompts(meta)),
                       activity=meta["activity"].astype(str).to_numpy(), metadata=meta,
                       groups=np.asarray(ds.groups).astype(str))
