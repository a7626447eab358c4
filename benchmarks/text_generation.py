"""Text-to-signal benchmark: Text-Only vs Text+Rep tuning of the shipped wrist model.

For each dataset, subjects are split 70/30 (seed 0, the same split for every run). The
windows carry one activity each (``tsfm.benchmarking.text_data``: 10 s for HAPT, ADL
and SmartFallMM; 1 s for GeoTec, whose activities are too short for longer windows).
The shipped model
``flowfm-wrist-small`` is tuned on the training subjects' windows and their prompts
(``tsfm.text.make_prompts``) twice, with ``condition="text"`` and ``"text+rep"``; then
one sample is generated from the prompt of every held-out window (text only, no
reference window) and compared with those real windows:

- FID, precision and recall on the features of a frozen CNN extractor
  (``tsfm.metrics.FeatureExtractor``) trained on the training subjects' real windows;
  overall and per activity;
- faithfulness: that classifier's accuracy at predicting the activity the prompt names,
  per activity and overall, against chance (1 / number of activities);
- attribute words: the mean signal energy (std of the acceleration magnitude, g) and
  cadence (dominant frequency of the magnitude in 0.5-5 Hz) of samples per attribute
  value, against the same statistics of the real held-out windows;
- a prompt naming an activity the dataset lacks;
- a Fig.-5-style grid and a Fig.-6-style t-SNE per dataset.

With ``--seeds 0,1,2`` every (dataset, condition) is tuned and sampled once per seed
(seed ``s`` tunes with ``random_state=s`` and samples with ``s + 1``, so seed 0 is the
single-seed run); the split and the extractor stay fixed. The report gives mean +- std
over seeds, the FID wins of Text+Rep per seed and on the means, and whether each
difference exceeds the seed spread (``tsfm.benchmarking.text_seeds``).

Run (CPU, one torch thread)::

    python benchmarks/text_generation.py --datasets hapt,adl,smartfallmm,geotec \
        --epochs 20 --seeds 0,1,2

Results: ``benchmarks/results/text/text_generation.{md,json,csv}``,
``text_generation_seeds.csv`` (the aggregated table) and figures (first seed).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _report  # noqa: E402

from tsfm import FlowFMSignalGenerator  # noqa: E402
from tsfm.benchmarking.text_data import RATE, WINDOW_SECONDS, text_windows  # noqa: E402
from tsfm.benchmarking.text_seeds import aggregate_seeds, compare_fid, wins_per_seed  # noqa: E402
from tsfm.metrics import FeatureExtractor, evaluate_generation  # noqa: E402
from tsfm.text import DATASET_ATTRIBUTES  # noqa: E402
from tsfm.text.figures import activity_tsne_figure, prompt_grid_figure  # noqa: E402
from tsfm.utils.plotting import save_figure  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "text"
DATA_DIR = ROOT.parent / "shared" / "data"
#: a prompt naming an activity none of the datasets has
ABSENT = "a person, swimming the front crawl."
#: the attribute whose words are compared, per dataset (None: the dataset has none)
ATTRIBUTE = {"hapt": None, "adl": "sex", "smartfallmm": "age_group", "geotec": "sex"}
MIN_GROUP = 10  # windows per activity for a per-activity FID


def split_subjects(groups: np.ndarray, seed: int = 0) -> np.ndarray:
    """Boolean test mask: 30 % of the subjects (at least one), seeded."""
    subjects = np.array(sorted(set(groups)))
    rng = np.random.default_rng(seed)
    test = rng.choice(subjects, size=max(1, round(0.3 * len(subjects))), replace=False)
    return np.isin(groups, test)


def magnitude_stats(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Energy (std of |a|, g) and cadence (dominant frequency of |a| in 0.5-5 Hz, Hz)."""
    mag = np.linalg.norm(X, axis=1)
    energy = mag.std(axis=1)
    spectrum = np.abs(np.fft.rfft(mag - mag.mean(axis=1, keepdims=True), axis=1))
    freqs = np.fft.rfftfreq(X.shape[-1], d=1 / RATE)
    band = (freqs >= 0.5) & (freqs <= 5)
    cadence = freqs[band][spectrum[:, band].argmax(axis=1)]
    return energy, cadence


def run_dataset(name: str, args, rows: list[dict]) -> dict:
    """Train the extractor once, then tune and sample both conditions for every seed."""
    t0 = time.time()
    data = text_windows(name, DATA_DIR)
    X, labels = data.X, data.activity
    test = split_subjects(data.groups)
    extractor = FeatureExtractor(width=32, depth=3, max_epochs=args.extractor_epochs,
                                 batch_size=32, lr=3e-3, random_state=0)
    extractor.fit(X[~test], labels[~test])
    real_acc = float((extractor.predict(X[test]) == labels[test]).mean())
    classes = sorted(set(labels[~test]))
    out = {"dataset": name, "window_seconds": WINDOW_SECONDS[name],
           "n_train": int((~test).sum()), "n_test": int(test.sum()),
           "subjects_test": sorted(set(data.groups[test])), "extractor_real_test_accuracy":
           real_acc, "classes": classes, "seeds": {}}
    real_features = extractor.transform(X[test])
    for seed in args.seeds:
        settings = {}
        for condition in ("text", "text+rep"):
            first = seed == args.seeds[0]
            settings[condition] = run_setting(name, condition, seed, args, data, test,
                                              extractor, classes, rows,
                                              real_features if first else None)
        out["seeds"][seed] = settings
    out["seconds"] = time.time() - t0
    return out


def run_setting(name, condition, seed, args, data, test, extractor, classes, rows,
                real_features) -> dict:
    """Tune one condition with one seed, sample every held-out prompt and measure.

    Figures are drawn (Text+Rep only) when ``real_features`` is given.
    """
    X, prompts, labels, meta = data.X, data.prompts, data.activity, data.metadata
    t1 = time.time()
    gen = FlowFMSignalGenerator(pretrained="flowfm-wrist-small", text_encoder="minilm")
    gen.fit_text(X[~test], list(prompts[~test]), condition, max_epochs=args.epochs,
                 batch_size=64, lr=args.lr, random_state=seed)
    tune_s = time.time() - t1
    S = gen.sample(int(test.sum()), text=list(prompts[test]), random_state=seed + 1)
    metrics = evaluate_generation(X[test], S, extractor, random_state=0)
    predicted = extractor.predict(S)
    faithful = float((predicted == labels[test]).mean())
    per_activity = {}
    for a in sorted(set(labels[test])):
        idx = labels[test] == a
        entry = {"n": int(idx.sum()), "accuracy": float((predicted[idx] == a).mean())}
        if idx.sum() >= MIN_GROUP:
            group = evaluate_generation(X[test][idx], S[idx], extractor, random_state=0)
            entry.update(fid=group["fid"], precision=group["precision"],
                         recall=group["recall"])
        per_activity[a] = entry
    row = {"dataset": name, "condition": condition, "seed": seed,
           **{k: float(v) for k, v in metrics.items()},
           "faithfulness": faithful, "chance": 1 / len(classes),
           "faithfulness_over_chance": faithful * len(classes), "tune_s": tune_s,
           "epochs": args.epochs, "text_history": gen.text_history_}
    rows.append(row)
    setting = {"row": row, "per_activity": per_activity}
    attribute = ATTRIBUTE[name]
    if attribute:
        setting["attribute"] = attribute_effect(meta[test].reset_index(drop=True),
                                                attribute, X[test], S)
    absent = gen.sample(8, text=[ABSENT], random_state=seed + 2)
    energy, cadence = magnitude_stats(absent)
    setting["absent"] = {
        "prompt": ABSENT, "finite": bool(np.isfinite(absent).all()),
        "energy_mean": float(energy.mean()), "cadence_mean": float(cadence.mean()),
        "predicted": {str(k): int(v) for k, v in
                      zip(*np.unique(extractor.predict(absent), return_counts=True),
                          strict=True)},
        "real_energy_mean": float(magnitude_stats(X[test])[0].mean()),
    }
    if condition == "text+rep" and real_features is not None:
        figures(name, gen, X[test], prompts[test], labels[test], S, real_features,
                extractor, absent)
    print(f"{name} {condition} seed {seed}: FID {row['fid']:.2f} P {row['precision']:.3f} "
          f"R {row['recall']:.3f} faithful {faithful:.3f} (chance {1/len(classes):.3f}) "
          f"tune {tune_s:.0f}s", flush=True)
    return setting


def attribute_effect(meta, attribute: str, X_real: np.ndarray, S: np.ndarray) -> dict:
    """Energy and cadence per attribute value: generated vs real held-out windows."""
    values = meta[attribute].astype(str).to_numpy()
    result = {}
    for value in sorted(set(values)):
        idx = values == value
        e_real, c_real = magnitude_stats(X_real[idx])
        e_gen, c_gen = magnitude_stats(S[idx])
        result[value] = {"n": int(idx.sum()), "energy_real": float(e_real.mean()),
                         "energy_generated": float(e_gen.mean()),
                         "cadence_real": float(c_real.mean()),
                         "cadence_generated": float(c_gen.mean())}
    return result


def figures(name, gen, X_test, prompts_test, activity_test, S, real_features, extractor,
            absent) -> None:
    picks = []
    for a in sorted(set(activity_test))[:4]:
        picks.append(int(np.flatnonzero(activity_test == a)[0]))
    chosen = [str(prompts_test[i]) for i in picks]
    generated = list(gen.sample(len(chosen), text=chosen, random_state=3))
    references = [X_test[i] for i in picks]
    fig = prompt_grid_figure([*chosen, ABSENT], [*generated, absent[0]], [*references, None],
                             rate=RATE)
    save_figure(fig, RESULTS / f"grid_{name}.png")
    fig = activity_tsne_figure(real_features, activity_test, extractor.transform(S),
                               activity_test, title=f"{name}: real (o) vs text-generated (x)")
    save_figure(fig, RESULTS / f"tsne_{name}.png")


ROW_COLUMNS = [("fid", "FID", ".2f"), ("precision", "precision", ".3f"),
               ("recall", "recall", ".3f"), ("faithfulness", "faithfulness", ".3f"),
               ("chance", "chance", ".3f"), ("faithfulness_over_chance", "x chance", ".2f")]


def _pm(mean: float, std: float | None, spec: str) -> str:
    return format(mean, spec) if std is None else f"{mean:{spec}} ± {std:{spec}}"


def seed_sections(rows: list[dict], seeds: list[int]) -> tuple[list[str], list[dict]]:
    """The aggregated Table-2 table, the FID comparison and the wins per seed."""
    aggregated = aggregate_seeds(rows)
    table = [{"dataset": a["dataset"], "condition": a["condition"], "seeds": a["n_seeds"],
              **{header: _pm(a[f"{key}_mean"], a[f"{key}_std"], spec)
                 for key, header, spec in ROW_COLUMNS if key != "chance"}}
             for a in aggregated]
    columns = [("dataset", "dataset", ""), ("condition", "condition", ""), ("seeds", "seeds", ""),
               *[(h, h, "") for k, h, _ in ROW_COLUMNS if k != "chance"]]
    comparison = compare_fid(rows)
    wins = wins_per_seed(comparison)
    cmp_rows = [{"dataset": c["dataset"],
                 "FID Text-Only": _pm(c["fid_text_mean"], c["fid_text_std"], ".2f"),
                 "FID Text+Rep": _pm(c["fid_text+rep_mean"], c["fid_text+rep_std"], ".2f"),
                 "Text-Only − Text+Rep (paired)": _pm(c["difference_mean"],
                                                       c["difference_std"], ".2f"),
                 "Text+Rep wins (seeds)": f"{c['seed_wins']} of {c['n_seeds']}",
                 "wins on mean": c["mean_win"], "exceeds seed spread": c["exceeds_spread"]}
                for c in comparison]
    per_seed = ", ".join(f"seed {s}: {k} of {wins['n_datasets']}"
                         for s, k in wins["per_seed"].items())
    text = [
        f"## Table-2-style comparison over seeds {', '.join(map(str, seeds))} "
        "(mean ± std, held-out subjects)\n\n"
        + _report.markdown_table(table, columns),
        "## Text+Rep vs Text-Only on FID\n\n" + _report.markdown_table(cmp_rows, [
            (k, k, "") for k in cmp_rows[0]])
        + f"\n\nText+Rep beats Text-Only on FID per seed: {per_seed}; on the mean FID: "
        f"{wins['on_mean']} of {wins['n_datasets']} (target: at least 3 of 4). "
        "`exceeds seed spread`: the two means differ by more than the sum of their "
        "standard deviations over seeds (ddof 1).",
    ]
    return text, aggregated


def report(results: list[dict], rows: list[dict], args, not_run: list[str], info: dict) -> None:
    """Write the results; ``info`` is the machine record taken when the run started (the
    report is rewritten after every dataset, and its own files would otherwise make the
    tree look modified)."""
    seeds = args.seeds
    sections = [
        f"Shipped model `flowfm-wrist-small`, text encoder `minilm` (all-MiniLM-L6-v2). "
        f"Tuning: {args.epochs} epochs, batch 64, AdamW lr {args.lr}, rep_drop_prob 0.5 "
        f"(Text+Rep); extractor: {args.extractor_epochs} epochs, trained once per dataset "
        f"on the training subjects' activities. Subjects split 70/30 (seed 0, fixed); "
        f"seeds {', '.join(map(str, seeds))}: seed s tunes with random_state=s and samples "
        f"with s + 1. One sample per held-out window from its prompt, text only, midpoint "
        f"solver, 10 steps. Windows: "
        + ", ".join(f"{r['dataset']} {r['window_seconds']} s" for r in results)
        + ". CPU, one torch thread.",
    ]
    aggregated = []
    if len(seeds) > 1:
        text, aggregated = seed_sections(rows, seeds)
        sections += text
    sections.append("## Every run (per seed)\n\n" + _report.markdown_table(rows, [
        ("dataset", "dataset", ""), ("condition", "condition", ""), ("seed", "seed", "d"),
        *ROW_COLUMNS, ("tune_s", "tuning (s)", ".0f")]))
    targets = []
    for res in results:
        mine = [r for r in rows if r["dataset"] == res["dataset"]]
        fold = np.mean([r["faithfulness_over_chance"] for r in mine
                        if r["condition"] == "text+rep"])
        fold_text = np.mean([r["faithfulness_over_chance"] for r in mine
                             if r["condition"] == "text"])
        fid = {c: np.mean([r["fid"] for r in mine if r["condition"] == c])
               for c in ("text", "text+rep")}
        targets.append({"dataset": res["dataset"],
                        "win": bool(fid["text+rep"] < fid["text"]),
                        "fold": float(fold), "fold_text": float(fold_text),
                        "met": bool(fold >= 3 and fold_text >= 3),
                        "real": res["extractor_real_test_accuracy"]})
    wins = sum(t["win"] for t in targets)
    sections.append(
        f"## Targets (means over {len(seeds)} seed(s))\n\n" + _report.markdown_table(targets, [
            ("dataset", "dataset", ""), ("win", "Text+Rep beats FID", ""),
            ("fold", "faithfulness / chance (Text+Rep)", ".2f"),
            ("fold_text", "faithfulness / chance (Text-Only)", ".2f"),
            ("met", ">= 3x chance (both)", ""),
            ("real", "classifier acc. on real held-out", ".3f")])
        + f"\n\nText+Rep beats Text-Only on mean FID on {wins} of {len(results)} datasets "
        f"run (target: at least 3 of 4)."
        + (f" Not run: {', '.join(not_run)}." if not_run else ""))
    first = seeds[0]
    for res in results:
        lines = [f"## {res['dataset']} (details of seed {first})",
                 f"Windows of {res['window_seconds']} s. Train windows {res['n_train']}, "
                 f"held-out windows {res['n_test']} (subjects "
                 f"{', '.join(res['subjects_test'])}). Attributes in prompts: "
                 f"{list(DATASET_ATTRIBUTES[res['dataset']]) or 'none (activity only)'}. "
                 f"Figures: `grid_{res['dataset']}.png`, `tsne_{res['dataset']}.png`."]
        settings = res["seeds"][first]
        per = []
        for cond, s in settings.items():
            for a, entry in s["per_activity"].items():
                per.append({"condition": cond, "activity": a, "fid": "-", "precision": "-",
                            "recall": "-", **entry})
        lines.append("Per activity (FID/precision/recall only for groups of at least "
                     f"{MIN_GROUP} windows; `-`: not computed):\n\n"
                     + _report.markdown_table(per, [
                         ("condition", "condition", ""), ("activity", "activity", ""),
                         ("n", "n", "d"), ("accuracy", "faithfulness", ".3f"),
                         ("fid", "FID", ".2f"), ("precision", "P", ".3f"),
                         ("recall", "R", ".3f")]))
        for cond, s in settings.items():
            if "attribute" in s:
                att = [{"value": k, **v} for k, v in s["attribute"].items()]
                lines.append(f"Attribute words ({cond}, `{ATTRIBUTE[res['dataset']]}`): "
                             "mean energy (std of |a|, g) and cadence (Hz)\n\n"
                             + _report.markdown_table(att, [
                                 ("value", "value", ""), ("n", "n", "d"),
                                 ("energy_real", "energy real", ".4f"),
                                 ("energy_generated", "energy generated", ".4f"),
                                 ("cadence_real", "cadence real", ".2f"),
                                 ("cadence_generated", "cadence generated", ".2f")]))
            ab = s["absent"]
            lines.append(f"Absent activity ({cond}): prompt `{ab['prompt']}` -> 8 samples, "
                         f"finite {ab['finite']}, mean energy {ab['energy_mean']:.4f} g "
                         f"(real held-out {ab['real_energy_mean']:.4f} g), mean cadence "
                         f"{ab['cadence_mean']:.2f} Hz; classifier assigns them to "
                         f"{ab['predicted']}.")
        sections.append("\n\n".join(lines))
    _report.write_report(RESULTS, "text_generation", "Text-to-signal generation",
                         sections, rows, info)
    if aggregated:
        pd.DataFrame([{k: v for k, v in a.items() if k != "seeds"} for a in aggregated]).to_csv(
            RESULTS / "text_generation_seeds.csv", index=False)
    (RESULTS / "text_generation_details.json").write_text(
        json.dumps(results, indent=2, default=str))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="hapt,adl,smartfallmm,geotec")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--extractor-epochs", type=int, default=30)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--seeds", default="0",
                        help="comma-separated tuning seeds, e.g. 0,1,2 (default: 0)")
    args = parser.parse_args(argv)
    args.seeds = [int(s) for s in args.seeds.split(",")]
    if len(set(args.seeds)) != len(args.seeds) or min(args.seeds) < 0:
        parser.error(f"--seeds must be distinct non-negative integers, got {args.seeds}")
    torch.set_num_threads(1)
    names = args.datasets.split(",")
    info = _report.machine()
    rows, results = [], []
    for name in names:
        results.append(run_dataset(name, args, rows))
        report(results, rows, args, [n for n in ATTRIBUTE if n not in names], info)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
