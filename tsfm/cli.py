"""The ``tsfm`` command line: one subcommand per module in :mod:`tsfm.commands`."""

from __future__ import annotations

import argparse
import importlib
import sys

from tsfm.exceptions import TsfmError
from tsfm.plugins import PluginLoadError

#: subcommand name -> module in tsfm.commands defining ``add_parser(subparsers)``
#: (which sets ``func`` via ``set_defaults``)
COMMANDS = {
    "bench": "tsfm.commands.bench",
    "demo": "tsfm.commands.demo",
    "generate": "tsfm.commands.generate",
    "models": "tsfm.commands.models",
    "plugins": "tsfm.commands.plugins",
    "prepare": "tsfm.commands.prepare",
    "pretrain": "tsfm.commands.pretrain",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tsfm", description="Time-series foundation models (FlowFM) for wearable sensors."
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module in COMMANDS.values():
        importlib.import_module(module).add_parser(subparsers)
    return parser


#: errors that mean bad input from the user (or their files, or their installed
#: plugins): reported in one line, without a traceback
USER_ERRORS = (
    TsfmError,
    ValueError,
    TypeError,
    FileNotFoundError,
    FileExistsError,
    NotADirectoryError,
    IsADirectoryError,
    PermissionError,
    ModuleNotFoundError,
    PluginLoadError,
)


def main(argv: list[str] | None = None) -> int:
    """Run a subcommand and return its exit status; never raises ``SystemExit``.

    Parameters
    ----------
    argv : list of str, optional
        The arguments after ``tsfm``; default ``sys.argv[1:]``.

    Returns
    -------
    int
        0 on success. 2 for bad input: an invalid argument (argparse prints the usage
        and ``tsfm <command>: error: …``), or one of :data:`USER_ERRORS` raised by the
        command (printed as one line ``tsfm <command>: error: …``, without a traceback).
    """
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, or argparse rejected an argument
        return exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    try:
        return int(args.func(args) or 0)
    except USER_ERRORS as exc:
        print(f"tsfm {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
