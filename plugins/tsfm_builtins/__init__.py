"""tsfm's built-in plugins.

They live outside the ``tsfm`` package and register through the ``tsfm``
entry-point group in ``pyproject.toml``, exactly as a third party's package would.
"""
