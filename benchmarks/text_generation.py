"""Text-to-signal benchmark: Text-Only vs Text+Rep tuning of the shipped wrist model.

For each dataset, subjects are split 70/30 (seeded). The shipped model
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

Run (CPU, one torch thread)::

    python benchmarks/text_generation.py --datasets hapt,adl,smartfallmm,geotec --epochs 10

Results: ``benchmarks/results/text/text_generation.{md,json,csv}`` and figures.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _report  # noqa: E402

from tsfm import FlowFMSignalGenerator  # noqa: E402
from tsfm.metrics import FeatureExtractor, evaluate_generation  # noqa: E402
from tsfm.text import DATASET_ATTRIBUTES, make_prompts  # noqa: E402
from tsfm.text.figures import activity_tsne_figure, prompt_grid_figure  # noqa: E402
from tsfm.utils.plotting import save_figure  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "text"
DATA_DIR = ROOT.parent / "shared" / "data"
RATE = 30
#: GeoTec's 10 s windows span its whole test sequence; they carry no single activity
GEOTEC_ACTIVITY = "doing a stand, walk, turn and sit test"
#: a prompt naming an activity none of the datasets has
ABSENT = "a person, swimming the front crawl."
#: the attribute whose words are compared, per dataset (None: the dataset has none)
ATTRIBUTE = {"hapt": None, "adl": "sex", "smartfallmm": "age_group", "geotec": "sex"}
MIN_GROUP = 10  # windows per activity for a per-activity FID


def load(name: str):
    from tsfm.datasets import load_dataset

    extra = {"labelled_only": False, "continuous": True} if name == "geotec" else {}
    ds = load_dataset(name, data_dir=DATA_DIR, rate=RATE, window_seconds=10, channels=["acc"],
                      **extra)
    meta = ds.metadata.reset_index(drop=True)
    if name == "geotec":
        prompts = make_prompts(meta, missing_activity=GEOTEC_ACTIVITY)
        labels = meta["sex"].astype(str).to_numpy()  # the extractor's classes
        activity = np.full(len(meta), "sit-walk-turn-sit test")
    else:
        prompts = make_prompts(meta)
        labels = activity = meta["activity"].astype(str).to_numpy()
    return ds.X, np.asarray(prompts), labels, activity, meta, np.asarray(ds.groups).astype(str)


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
    t0 = time.time()
    X, prompts, labels, activity, meta, groups = load(name)
    test = split_subjects(groups)
    extractor = FeatureExtractor(width=32, depth=3, max_epochs=args.extractor_epochs,
                                 batch_size=32, lr=3e-3, random_state=0)
    extractor.fit(X[~test], labels[~test])
    real_acc = float((extractor.predict(X[test]) == labels[test]).mean())
    classes = sorted(set(labels[~test]))
    out = {"dataset": name, "n_train": int((~test).sum()), "n_test": int(test.sum()),
           "subjects_test": sorted(set(groups[test])), "extractor_real_test_accuracy": real_acc,
           "classes": classes, "settings": {}}
    real_features = extractor.transform(X[test])
    for condition in ("text", "text+rep"):
        t1 = time.time()
        gen = FlowFMSignalGenerator(pretrained="flowfm-wrist-small", text_encoder="minilm")
        gen.fit_text(X[~test], list(prompts[~test]), condition, max_epochs=args.epochs,
                     batch_size=64, lr=args.lr, random_state=0)
        tune_s = time.time() - t1
        S = gen.sample(int(test.sum()), text=list(prompts[test]), random_state=1)
        metrics = evaluate_generation(X[test], S, extractor, random_state=0)
        predicted = extractor.predict(S)
        faithful = float((predicted == labels[test]).mean())
        per_activity = {}
        for a in sorted(set(labels[test])):
            idx = labels[test] == a
            entry = {"n": int(idx.sum()), "accuracy": float((predicted[idx] == a).mean())}
            if idx.sum() >= MIN_GROUP and name != "geotec":
                group = evaluate_generation(X[test][idx], S[idx], extractor, random_state=0)
                entry.update(fid=group["fid"], precision=group["precision"],
                             recall=group["recall"])
            per_activity[a] = entry
        row = {"dataset": name, "condition": condition, **{k: float(v) for k, v in
                                                            metrics.items()},
               "faithfulness": faithful, "chance": 1 / len(classes),
               "faithfulness_over_chance": faithful * len(classes), "tune_s": tune_s,
               "epochs": args.epochs, "text_history": gen.text_history_}
        rows.append(row)
        setting = {"row": row, "per_activity": per_activity}
        attribute = ATTRIBUTE[name]
        if attribute:
            setting["attribute"] = attribute_effect(meta[test].reset_index(drop=True),
                                                    attribute, X[test], S)
        absent = gen.sample(8, text=[ABSENT], random_state=2)
        energy, cadence = magnitude_stats(absent)
        setting["absent"] = {
            "prompt": ABSENT, "finite": bool(np.isfinite(absent).all()),
            "energy_mean": float(energy.mean()), "cadence_mean": float(cadence.mean()),
            "predicted": {str(k): int(v) for k, v in
                          zip(*np.unique(extractor.predict(absent), return_counts=True),
                              strict=True)},
            "real_energy_mean": float(magnitude_stats(X[test])[0].mean()),
        }
        out["settings"][condition] = setting
        if condition == "text+rep":
            figures(name, gen, X[test], prompts[test], activity[test], S, real_features,
                    extractor, labels[test], absent)
        print(f"{name} {condition}: FID {row['fid']:.2f} P {row['precision']:.3f} "
              f"R {row['recall']:.3f} faithful {faithful:.3f} (chance {1/len(classes):.3f}) "
              f"tune {tune_s:.0f}s", flush=True)
    out["seconds"] = time.time() - t0
    return out


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
            labels_test, absent) -> None:
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


def report(results: list[dict], rows: list[dict], args, not_run: list[str]) -> None:
    sections = [
        f"Shipped model `flowfm-wrist-small`, text encoder `minilm` (all-MiniLM-L6-v2). "
        f"Tuning: {args.epochs} epochs, batch 64, AdamW lr {args.lr}, rep_drop_prob 0.5 "
        f"(Text+Rep); extractor: {args.extractor_epochs} epochs. Subjects split 70/30 "
        f"(seed 0); one sample per held-out window from its prompt, text only, midpoint "
        f"solver, 10 steps. CPU, one torch thread.",
        "## Table-2-style comparison (held-out subjects)\n\n" + _report.markdown_table(rows, [
            ("dataset", "dataset", ""), ("condition", "condition", ""),
            ("fid", "FID", ".2f"), ("precision", "precision", ".3f"),
            ("recall", "recall", ".3f"), ("faithfulness", "faithfulness", ".3f"),
            ("chance", "chance", ".3f"), ("faithfulness_over_chance", "x chance", ".2f"),
            ("tune_s", "tuning (s)", ".0f")]),
    ]
    targets = []
    wins = 0
    for res in results:
        s = res["settings"]
        win = s["text+rep"]["row"]["fid"] < s["text"]["row"]["fid"]
        wins += win
        fold = s["text+rep"]["row"]["faithfulness_over_chance"]
        targets.append({"dataset": res["dataset"], "Text+Rep FID < Text-Only FID": win,
                        "faithfulness x chance (Text+Rep)": fold,
                        ">= 3x chance": fold >= 3,
                        "extractor accuracy on real held-out": res[
                            "extractor_real_test_accuracy"]})
    sections.append("## Targets\n\n" + _report.markdown_table(targets, [
        ("dataset", "dataset", ""), ("Text+Rep FID < Text-Only FID", "Text+Rep beats FID", ""),
        ("faithfulness x chance (Text+Rep)", "faithfulness / chance", ".2f"),
        (">= 3x chance", ">= 3x chance", ""),
        ("extractor accuracy on real held-out", "classifier acc. on real held-out", ".3f")])
        + f"\n\nText+Rep beats Text-Only on FID on {wins} of {len(results)} datasets run "
        f"(target: at least 3 of 4)." + (f" Not run: {', '.join(not_run)}." if not_run else ""))
    for res in results:
        lines = [f"## {res['dataset']}",
                 f"Train windows {res['n_train']}, held-out windows {res['n_test']} (subjects "
                 f"{', '.join(res['subjects_test'])}). Attributes in prompts: "
                 f"{list(DATASET_ATTRIBUTES[res['dataset']]) or 'none (activity only)'}. "
                 f"Figures: `grid_{res['dataset']}.png`, `tsne_{res['dataset']}.png`."]
        per = []
        for cond, s in res["settings"].items():
            for a, entry in s["per_activity"].items():
                per.append({"condition": cond, "activity": a, **entry})
        lines.append("Per activity (FID/precision/recall for groups of at least "
                     f"{MIN_GROUP} windows):\n\n" + _report.markdown_table(per, [
                         ("condition", "condition", ""), ("activity", "activity", ""),
                         ("n", "n", "d"), ("accuracy", "faithfulness", ".3f"),
                         ("fid", "FID", ".2f"), ("precision", "P", ".3f"),
                         ("recall", "R", ".3f")]))
        for cond, s in res["settings"].items():
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
    info = _report.machine()
    _report.write_report(RESULTS, "text_generation", "Text-to-signal generation",
                         sections, rows, info)
    (RESULTS / "text_generation_details.json").write_text(
        __import__("json").dumps(results, indent=2, default=str))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="hapt,adl,smartfallmm,geotec")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--extractor-epochs", type=int, default=30)
    parser.add_argument("--lr", type=float, default=3e-4)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    names = args.datasets.split(",")
    rows, results = [], []
    for name in names:
        results.append(run_dataset(name, args, rows))
        report(results, rows, args, [n for n in ATTRIBUTE if n not in names])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
