"""Generation speed against quality, like the FlowFM paper's Table 5.

Rows: FlowFM with euler and midpoint at 1, 2, 4, 8, 16, 32 steps and dopri5; its
diffusion twin DiffFM with DDPM-1000 and DDIM-20/50/100. Columns: network
evaluations per sample (NFE), seconds per sample (one batch of all samples, after a
warm-up), FID, Inception score, precision, recall (k=3) and discriminative score,
all on the frozen HAPT feature extractor against the held-out subjects' windows.
Samples are unconditional (DGS null condition); the paper's are text-conditioned.

Both models come from ``training_time.py`` (same data, backbone, budget and seed);
if they are missing they are trained here with the same settings. Also measured:
classifier-free guidance at several w, and figures (FID against NFE, generated
against real signals, t-SNE of features).

Usage::

    python benchmarks/generation_speed_quality.py [--n-samples N] [--epochs 100]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _generation_common import (
    RESULTS,
    TWINS,
    load_or_train_extractor,
    load_split,
    machine,
    markdown_table,
    setup_torch,
    twin,
    write_report,
)

from tsfm import FlowFMPretrainer, FlowFMSignalGenerator
from tsfm.metrics import evaluate_generation, fid, precision_recall
from tsfm.utils.plotting import plot_feature_tsne, plot_generated_vs_real, plot_metric_vs_nfe

STEPS = (1, 2, 4, 8, 16, 32)
CONFIGS = (
    [("FlowFM", "euler", s) for s in STEPS]
    + [("FlowFM", "midpoint", s) for s in STEPS]
    + [("FlowFM", "dopri5", None)]
    + [("DiffFM", "ddpm", 1000), ("DiffFM", "ddim", 100), ("DiffFM", "ddim", 50),
       ("DiffFM", "ddim", 20)]
)
GUIDANCE = (0.0, 1.0, 2.0, 4.0)


def load_twins(epochs: int, X_train: np.ndarray) -> dict[str, FlowFMPretrainer]:
    models = {}
    for name in TWINS:
        path = RESULTS / "models" / name
        if path.is_dir():
            models[name] = FlowFMPretrainer.from_pretrained(path, device="cpu")
        else:
            print(f"{path} missing: training {name} for {epochs} epochs", flush=True)
            models[name] = twin(name, epochs).fit(X_train)
            models[name].save_pretrained(path)
    return models


def measure(pre, solver, steps, n, real, extractor) -> tuple[dict, np.ndarray]:
    gen = FlowFMSignalGenerator(pretrained=pre, solver=solver, steps=steps,
                                sample_batch_size=n).fit()
    gen.sample(min(n, 16), random_state=1)  # warm-up
    started = time.perf_counter()
    samples = gen.sample(n, random_state=0)
    seconds = time.perf_counter() - started
    row = {"nfe": gen.nfe_, "sec_per_sample": seconds / n}
    if np.isfinite(samples).all():
        row.update(evaluate_generation(real, samples, extractor))
    else:
        row.update(fid=np.inf, inception_score=np.nan, precision=0.0, recall=0.0,
                   discriminative_score=0.5)
    return row, samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=None,
                        help="samples per row (default: one per held-out window)")
    parser.add_argument("--epochs", type=int, default=100,
                        help="training epochs if the models must be trained here")
    args = parser.parse_args()
    setup_torch()
    split = load_split()
    real = split["X_test"]
    n = args.n_samples or len(real)
    extractor = load_or_train_extractor(split)
    models = load_twins(args.epochs, split["X_train"])

    rng = np.random.default_rng(0)
    reference = split["X_train"][rng.choice(len(split["X_train"]), n, replace=False)]
    floor = evaluate_generation(real, reference, extractor)
    rows = [{"model": "real (training subjects)", "sampler": "-", "steps": "-", "nfe": 0,
             "sec_per_sample": 0.0, **floor}]
    samples = {}
    for name, solver, steps in CONFIGS:
        row, S = measure(models[name], solver, steps, n, real, extractor)
        rows.append({"model": name, "sampler": solver, "steps": steps or "adaptive", **row})
        samples[(name, solver, steps)] = S
        print(f"{name:6s} {solver:8s} {str(steps or 'adaptive'):>8s}  NFE {row['nfe']:5d}  "
              f"{row['sec_per_sample']:.2e} s/sample  FID {row['fid']:.3f}  "
              f"IS {row['inception_score']:.3f}  P {row['precision']:.3f}  "
              f"R {row['recall']:.3f}", flush=True)

    ddpm = next(r for r in rows if r["sampler"] == "ddpm")
    ddim50 = next(r for r in rows if r["sampler"] == "ddim" and r["steps"] == 50)
    for row in rows[1:]:
        row["speedup_vs_ddpm1000"] = ddpm["sec_per_sample"] / row["sec_per_sample"]
        row["speedup_vs_ddim50"] = ddim50["sec_per_sample"] / row["sec_per_sample"]
    targets = check_targets(rows, ddpm, ddim50)
    guidance_rows = guidance(models["FlowFM"], split, extractor, n)

    cols = [("model", "model", ""), ("sampler", "sampler", ""), ("steps", "steps", ""),
            ("nfe", "NFE", "d"), ("sec_per_sample", "s / sample", ".2e"),
            ("speedup_vs_ddpm1000", "× vs DDPM-1000", ".1f"), ("fid", "FID ↓", ".3f"),
            ("inception_score", "IS ↑", ".3f"), ("precision", "precision ↑", ".3f"),
            ("recall", "recall ↑", ".3f"), ("discriminative_score", "disc. ↓", ".3f")]
    table = markdown_table(rows, cols)
    guidance_table = markdown_table(guidance_rows, [
        ("w", "w", ".1f"), ("fid", "FID vs held-out ↓", ".3f"), ("precision", "precision", ".3f"),
        ("recall", "recall", ".3f"), ("distance_to_reference", "RMS distance to reference", ".4f"),
        ("feature_distance_to_reference", "feature distance to reference", ".3f")])
    print("\n" + table + "\n\n" + targets + "\n\n" + guidance_table)

    figures(rows, samples, split, extractor)
    setup = (
        f"Data: UCI HAPT v2.1 accelerometer, 30 Hz, 10 s windows (3 × 300), held-out subjects "
        f"{split['subjects_test'][0]}-{split['subjects_test'][-1]} ({len(real)} windows) as "
        f"the real set; {n} unconditional samples per row (DGS null condition), generated "
        f"in one batch after a warm-up batch, seed 0. Models: `benchmarks/results/generation/"
        f"models/` from `training_time.py` (tiny preset, same budget). Features: the frozen "
        f"HAPT extractor in `extractor_hapt/` (held-out accuracy "
        f"{extractor.metadata_.get('held_out_accuracy', float('nan')):.3f}). The first row "
        "compares real windows of the training subjects with the held-out ones: the floor "
        "that sampling noise and the subject shift put under every FID."
    )
    write_report(
        "speed_quality", "Generation speed and quality (paper Table 5)",
        [setup, "## Table\n\n" + table, "## Targets\n\n" + targets,
         "## Classifier-free guidance (FlowFM, midpoint-10, conditioned on held-out windows)"
         "\n\n" + guidance_table,
         "![FID against NFE](fid_vs_nfe.png)\n\n![FlowFM samples](flowfm_vs_real.png)\n\n"
         "![DiffFM samples](difffm_vs_real.png)\n\n![t-SNE](tsne_features.png)"],
        rows + [{"guidance": g} | r for g, r in enumerate(guidance_rows)], machine(),
    )
    print(f"wrote {RESULTS / 'speed_quality.md'}")


def check_targets(rows, ddpm, ddim50) -> str:
    flow = [r for r in rows if r["model"] == "FlowFM"]
    few = [r for r in flow if r["nfe"] <= 20]
    best = min(few, key=lambda r: r["fid"])
    lines = [
        f"- FlowFM at ≤ 20 NFE, best FID: {best['sampler']}-{best['steps']} (NFE {best['nfe']}),"
        f" FID {best['fid']:.3f} vs DDPM-1000 {ddpm['fid']:.3f} "
        f"(ratio {best['fid'] / ddpm['fid']:.2f}; target ≤ 1.10: "
        f"{'met' if best['fid'] <= 1.1 * ddpm['fid'] else 'missed'}), "
        f"{best['speedup_vs_ddpm1000']:.1f}× faster per sample (target ≥ 50: "
        f"{'met' if best['speedup_vs_ddpm1000'] >= 50 else 'missed'}).",
    ]
    within = [r for r in few if r["fid"] <= 1.1 * ddpm["fid"]]
    if within:
        fastest = max(within, key=lambda r: r["speedup_vs_ddpm1000"])
        lines.append(
            f"- Fastest FlowFM row within 1.1× of DDPM-1000's FID: {fastest['sampler']}-"
            f"{fastest['steps']}, {fastest['speedup_vs_ddpm1000']:.1f}× faster.")
    equal = [r for r in flow if r["fid"] <= ddim50["fid"]]
    if equal:
        fastest = max(equal, key=lambda r: r["speedup_vs_ddim50"])
        lines.append(
            f"- Fastest FlowFM row with FID ≤ DDIM-50's ({ddim50['fid']:.3f}): "
            f"{fastest['sampler']}-{fastest['steps']} (FID {fastest['fid']:.3f}), "
            f"{fastest['speedup_vs_ddim50']:.1f}× faster than DDIM-50 (target ≥ 2.5: "
            f"{'met' if fastest['speedup_vs_ddim50'] >= 2.5 else 'missed'}).")
    else:
        lines.append(f"- No FlowFM row reaches DDIM-50's FID ({ddim50['fid']:.3f}): missed.")
    return "\n".join(lines)


def guidance(pre, split, extractor, n) -> list[dict]:
    """Conditional FlowFM samples at several w, conditioned on held-out windows."""
    reference = split["X_test"][:n]
    gen = FlowFMSignalGenerator(pretrained=pre, solver="midpoint", steps=10,
                                sample_batch_size=n).fit()
    ref_features = extractor.transform(reference)
    scale = pre.standardizer_.scale[None, :, None]
    rows = []
    for w in GUIDANCE:
        S = gen.sample(len(reference), condition=reference, guidance_scale=w, random_state=0)
        features = extractor.transform(S)
        precision, recall = precision_recall(ref_features, features)
        rows.append({
            "w": w, "fid": fid(ref_features, features), "precision": precision, "recall": recall,
            "distance_to_reference": float(np.sqrt((((S - reference) / scale) ** 2).mean())),
            "feature_distance_to_reference": float(
                np.linalg.norm(features - ref_features, axis=1).mean()),
        })
        print(f"guidance w={w}: FID {rows[-1]['fid']:.3f}  RMS to reference "
              f"{rows[-1]['distance_to_reference']:.4f}", flush=True)
    return rows


def figures(rows, samples, split, extractor) -> None:
    curve = [{"method": f"{r['model']} {r['sampler']}", "nfe": r["nfe"], "fid": r["fid"]}
             for r in rows[1:] if np.isfinite(r["fid"])]
    plot_metric_vs_nfe(curve, RESULTS / "fid_vs_nfe.png")
    flow_best = min((r for r in rows if r["model"] == "FlowFM" and r["nfe"] <= 20),
                    key=lambda r: r["fid"])
    key = ("FlowFM", flow_best["sampler"], flow_best["steps"])
    names = split["channel_names"]
    plot_generated_vs_real(split["X_test"], samples[key], RESULTS / "flowfm_vs_real.png",
                           channel_names=names, title=f"FlowFM {key[1]}-{key[2]}",
                           random_state=0)
    plot_generated_vs_real(split["X_test"], samples[("DiffFM", "ddpm", 1000)],
                           RESULTS / "difffm_vs_real.png", channel_names=names,
                           title="DiffFM DDPM-1000", random_state=0)
    plot_feature_tsne(extractor.transform(split["X_test"]), extractor.transform(samples[key]),
                      RESULTS / "tsne_features.png",
                      title=f"extractor features: held-out real vs FlowFM {key[1]}-{key[2]}")


if __name__ == "__main__":
    main()
