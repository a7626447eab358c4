"""``tsfm models``: list the pretrained models shipped with this installation."""

from __future__ import annotations

import argparse


def add_parser(subparsers) -> None:
    """Register the ``models`` subcommand."""
    parser = subparsers.add_parser("models", help="list the shipped pretrained models",
                                   description=__doc__)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print one line per model: name, expected input, summary."""
    from tsfm.zoo import list_pretrained

    models = list_pretrained()
    if not models:
        print("no pretrained models are shipped with this installation")
    for model in models:
        spec = model.input
        shape = (f"{spec.get('n_channels')} ch x {spec.get('n_timepoints')} pts at "
                 f"{spec.get('rate')} Hz, {spec.get('units')}") if spec else "input unknown"
        print(f"{model.name}\t{shape}\t{model.summary}")
    return 0
