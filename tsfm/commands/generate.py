"""``tsfm generate``: sample series from a saved model into a ``.npy`` file (and a plot)."""

from __future__ import annotations

import argparse

import numpy as np

from tsfm.commands._arguments import (
    OutputFile,
    check_device,
    existing_file,
    non_negative_int,
    positive_int,
)


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``generate`` subcommand to the ``tsfm`` command line."""
    parser = subparsers.add_parser(
        "generate",
        help="generate series with a saved FlowFM/DiffFM model",
        description=(
            "Sample series from a model directory written by save_pretrained. Writes an "
            "array of shape (n, n_channels, n_timepoints) in the data's units."
        ),
    )
    parser.add_argument("--model", required=True, help="model directory (save_pretrained)")
    parser.add_argument("-n", "--n-samples", type=positive_int, default=16,
                        help="series to generate")
    parser.add_argument("--out", type=OutputFile(".npy"), required=True,
                        help="output .npy file")
    parser.add_argument("--plot", type=OutputFile(),
                        help="optional figure of the first series (e.g. samples.png)")
    parser.add_argument(
        "--solver",
        help="euler, midpoint, rk4, dopri5 (FlowFM) or ddpm, ddim (DiffFM); default: the "
        "model's generator's default",
    )
    parser.add_argument("--steps", type=positive_int,
                        help="steps of a fixed-step solver, DDPM or DDIM")
    parser.add_argument(
        "--condition", type=existing_file,
        help=".npy file of reference series (n or 1, C, T) to condition on; also plotted "
        "beside the samples",
    )
    parser.add_argument(
        "--prompt", action="append", metavar="TEXT",
        help="generate -n series from this text description (a model tuned with fit_text); "
        "repeat for several prompts, -n series each",
    )
    parser.add_argument(
        "--guidance-scale", type=float,
        help="classifier-free guidance weight w (needs --condition)",
    )
    parser.add_argument("--seed", type=non_negative_int, default=0,
                        help="random seed of the noise")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    parser.set_defaults(func=run)
    return parser


def check_args(args: argparse.Namespace) -> None:
    """Check what argparse cannot (the device, argument combinations) before any work.

    Raises
    ------
    ValueError
        For CUDA asked for on a machine without it, or a guidance scale without a
        condition or outside its range.
    """
    from tsfm.estimators.generator import GUIDANCE_RANGE

    check_device(args.device)
    prompts = getattr(args, "prompt", None)
    if prompts is not None:
        if any(not p.strip() for p in prompts):
            raise ValueError("--prompt needs words; got an empty prompt")
        if args.guidance_scale is not None:
            raise ValueError("--guidance-scale cannot be combined with --prompt; drop it")
    if args.guidance_scale is not None:
        if args.condition is None:
            raise ValueError("--guidance-scale needs --condition (the reference series to "
                             "guide towards); add --condition or drop --guidance-scale")
        low, high = GUIDANCE_RANGE
        if not low <= args.guidance_scale <= high:
            raise ValueError(f"--guidance-scale must be in [{low:g}, {high:g}], got "
                             f"{args.guidance_scale!r}")


def _units(generator) -> dict:
    """``unit`` and ``rate`` of the plot from the model's input description, if it has one."""
    described = getattr(generator.pretrainer_, "stated_input_", None) or {}
    unit, rate = described.get("units"), described.get("rate")
    return {"unit": unit if isinstance(unit, str) else None,
            "rate": float(rate) if isinstance(rate, int | float) else None}


def run(args: argparse.Namespace) -> int:
    """Generate, save and optionally plot; returns the exit status."""
    from tsfm.estimators.generator import FlowFMSignalGenerator

    check_args(args)
    out = args.out
    condition = None
    if args.condition:
        condition = np.load(args.condition, allow_pickle=False)
    generator = FlowFMSignalGenerator(
        pretrained=args.model, solver=args.solver, steps=args.steps, device=args.device
    )
    generator.fit()
    prompts = getattr(args, "prompt", None)
    if prompts:
        text = [p for p in prompts for _ in range(args.n_samples)]
        samples = generator.sample(len(text), condition=condition, text=text,
                                   random_state=args.seed)
    else:
        samples = generator.sample(
            args.n_samples,
            condition=condition,
            guidance_scale=args.guidance_scale,
            random_state=args.seed,
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    np.save(out, samples)
    print(
        f"wrote {samples.shape[0]} series of shape {samples.shape[1:]} to {out} "
        f"({generator.objective_}, solver {generator.solver_}, NFE {generator.nfe_})"
    )
    if args.plot:
        from tsfm.utils.plotting import plot_conditioned_samples, plot_samples

        if condition is not None:
            plot_conditioned_samples(condition, samples, args.plot)
        else:
            plot_samples(samples, args.plot, **_units(generator),
                         title=prompts[0] if prompts else None)
        print(f"wrote {args.plot}")
    return 0
