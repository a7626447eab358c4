"""Subcommands of the ``tsfm`` command line."""
