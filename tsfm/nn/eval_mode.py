"""Evaluation mode for a module that several threads use at once.

``module.eval()`` followed by ``module.train(was_training)`` is not safe when threads
share the module: one thread's restore switches another thread's network back to
training mode mid-call, where dropout and DGS masking draw random numbers. Here the
first thread to enter switches the module to evaluation mode and the last one to
leave restores the mode found by the first.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Iterator

from torch import nn

_lock = threading.Lock()
#: module -> [threads inside, mode found by the first]
_users: weakref.WeakKeyDictionary[nn.Module, list] = weakref.WeakKeyDictionary()


@contextlib.contextmanager
def shared_eval_mode(module: nn.Module) -> Iterator[nn.Module]:
    """Put ``module`` in evaluation mode inside the block, safely across threads.

    Parameters
    ----------
    module : torch.nn.Module

    Yields
    ------
    torch.nn.Module
        ``module``, in evaluation mode until the last thread inside leaves.
    """
    with _lock:
        entry = _users.setdefault(module, [0, module.training])
        if entry[0] == 0:
            entry[1] = module.training
            module.eval()
        entry[0] += 1
    try:
        yield module
    finally:
        with _lock:
            entry[0] -= 1
            if entry[0] == 0:
                module.train(entry[1])
