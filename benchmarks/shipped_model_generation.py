"""Samples of a pretrained wrist model on the generation benchmark's held-out HAPT subjects.

The generation benchmark's data and metrics (``generation_speed_quality.py``): UCI
HAPT accelerometer, 30 Hz, 10 s windows, subjects 22-30 held out (589 windows) as the
real set, features of the frozen HAPT extractor in ``results/generation/extractor_hapt``.
Its real-vs-real row (training subjects' windows against the held-out ones) gives the
yardstick: the target is at least half that precision.

For each model (the shipped ``flowfm-wrist-small``, whose unlabelled corpus held HAPT,
and optionally a model pretrained without HAPT, ``--loo-model``), one sample per held-out
window, midpoint solver with 10 steps, seed 0:

- unconditional (DGS null condition): the model's whole corpus distribution
  (wrist and waist, four datasets), judged against HAPT only;
- conditioned on each held-out window's representation, guidance w = 1 and w = 2::

    python benchmarks/shipped_model_generation.py --loo-model runs/loo-hapt/model

Writes ``benchmarks/results/generation/shipped_model.{md,json,csv}``.
"""

from __future__ import annotations

import argparse

import numpy as np
from _generation_common import (
    load_or_train_extractor,
    load_split,
    machine,
    markdown_table,
    setup_torch,
    write_report,
)

from tsfm import FlowFMPretrainer, FlowFMSignalGenerator
from tsfm.metrics import evaluate_generation

MODEL = "flowfm-wrist-small"
GUIDANCE = (1.0, 2.0)


def rows_for(label: str, reference, real, extractor, floor_precision: float) -> list[dict]:
    pre = FlowFMPretrainer.from_pretrained(reference, device="cpu")
    gen = FlowFMSignalGenerator(pretrained=pre, solver="midpoint", steps=10,
                                sample_batch_size=128).fit()
    rows = []
    for mode, w in [("unconditional", None), *[("conditioned on held-out", g) for g in GUIDANCE]]:
        condition = None if w is None else real
        samples = gen.sample(len(real), condition=condition, guidance_scale=w, random_state=0)
        metrics = evaluate_generation(real, samples, extractor)
        rows.append({"model": label, "samples": mode, "w": "-" if w is None else w, **metrics,
                     "precision_vs_real": metrics["precision"] / floor_precision})
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loo-model", default=None,
                        help="model directory of a model pretrained without HAPT")
    args = parser.parse_args()
    setup_torch()
    split = load_split()
    real = split["X_test"]
    extractor = load_or_train_extractor(split)
    rng = np.random.default_rng(0)  # the real-vs-real row of generation_speed_quality.py
    reference = split["X_train"][rng.choice(len(split["X_train"]), len(real), replace=False)]
    floor = evaluate_generation(real, reference, extractor)
    rows = [{"model": "real (training subjects)", "samples": "-", "w": "-", **floor,
             "precision_vs_real": 1.0}]
    rows += rows_for(f"{MODEL} (HAPT in corpus)", MODEL, real, extractor, floor["precision"])
    if args.loo_model:
        rows += rows_for("pretrained without HAPT", args.loo_model, real, extractor,
                         floor["precision"])
    table = markdown_table(rows, [
        ("model", "model", ""), ("samples", "samples", ""), ("w", "w", ""),
        ("fid", "FID ↓", ".3f"), ("precision", "precision ↑", ".3f"),
        ("precision_vs_real", "precision / real-vs-real", ".2f"),
        ("recall", "recall ↑", ".3f"), ("discriminative_score", "disc. ↓", ".3f"),
    ])
    met = [r for r in rows[1:] if r["precision_vs_real"] >= 0.5]
    verdict = ("Target (precision ≥ half of real-vs-real, i.e. ≥ "
               f"{floor['precision'] / 2:.3f}): " + (
                   "met by " + "; ".join(f"{r['model']}, {r['samples']} w={r['w']}" for r in met)
                   if met else "missed by every row") + ".")
    path = write_report("shipped_model", "Generation by the shipped wrist model, held-out "
                        "HAPT subjects",
                        [f"Real set: HAPT subjects {split['subjects_test']} ({len(real)} "
                         "windows); one sample per window, midpoint solver, 10 steps, seed 0.",
                         table, verdict], rows, machine())
    print(table)
    print(verdict)
    print(path)


if __name__ == "__main__":
    main()
