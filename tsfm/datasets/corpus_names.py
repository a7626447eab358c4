"""Names of the named pretraining corpora, without importing the corpus machinery.

``tsfm prepare --corpus`` offers these as choices while ``tsfm --help`` is being built;
:data:`tsfm.datasets.corpus.CORPORA` maps each to its datasets (a test keeps the two
in step).
"""

from __future__ import annotations

#: the keys of tsfm.datasets.corpus.CORPORA, sorted
CORPUS_NAMES: tuple[str, ...] = ("wrist",)
