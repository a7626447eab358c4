"""How training reports its progress: a live bar in a terminal, plain lines elsewhere.

skorch's :class:`~skorch.callbacks.ProgressBar` redraws itself with carriage returns,
and its :class:`~skorch.callbacks.PrintLog` colours each epoch's best scores with ANSI
escape codes. Both help in a terminal and litter a log file or a CI log, so
:func:`progress_callbacks` picks one or the other.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

from skorch.callbacks import Callback, PrintLog, ProgressBar

#: the name under which the epoch table is registered (skorch's own one is disabled)
EPOCH_LOG = "epoch_log"
#: https://no-color.org: when set to a non-empty value, never print colours
NO_COLOR_ENV_VAR = "NO_COLOR"


class PlainPrintLog(PrintLog):
    """skorch's epoch table without ANSI colour codes.

    :class:`~skorch.callbacks.PrintLog` colours a score when the history row has a
    true ``<key>_best`` entry; this subclass formats every cell as if it had none.
    All of ``PrintLog``'s parameters (``keys_ignored``, ``sink``, ``tablefmt``,
    ``floatfmt``, ``stralign``) apply unchanged.
    """

    def format_row(self, row, key, color):
        """Format one cell of the table, never coloured."""
        return super().format_row({key: row[key]}, key, color="")


def _is_terminal(stream: TextIO | None) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def progress_callbacks(verbose: int) -> list[tuple[str, Callback]]:
    """Named skorch callbacks that report training progress.

    The net must disable skorch's default epoch table (``callbacks__print_log=None``),
    which the returned ``"epoch_log"`` callback replaces.

    Parameters
    ----------
    verbose : int
        0 reports nothing.

    Returns
    -------
    list of (str, Callback)
        When both ``sys.stdout`` and ``sys.stderr`` are terminals: a progress bar and
        the coloured epoch table. Otherwise (a log file, a pipe, CI), only the epoch
        table, one plain line per epoch without carriage returns or colour codes.
        Colours are also left out when the ``NO_COLOR`` environment variable is set.
    """
    if not verbose:
        return []
    interactive = _is_terminal(sys.stdout) and _is_terminal(sys.stderr)
    coloured = interactive and not os.environ.get(NO_COLOR_ENV_VAR)
    callbacks: list[tuple[str, Callback]] = []
    if interactive:
        callbacks.append(("progress_bar", ProgressBar()))
    callbacks.append((EPOCH_LOG, PrintLog() if coloured else PlainPrintLog()))
    return callbacks
