"""Throughput against the hardware's limit, and the cost of skorch and scikit-learn.

Measured in one run, on one machine, with one torch thread count (``--threads``):

- **ceiling**: the GFLOP/s of a large fp32 matmul (best of ``--repeats``);
- **training** samples/s of ``FlowFMPretrainer`` for each preset at each batch size,
  and the model FLOP/s (forward + backward, counted with
  :class:`torch.utils.flop_counter.FlopCounterMode`) as a share of the ceiling;
- **overhead**: the same module, data, optimizer and batch size through a minimal
  hand-written PyTorch loop (no skorch, no callbacks, no DataLoader), for training,
  embedding (``FlowFMPretrainer.embed`` against ``module.encode``) and sampling
  (``FlowFMSignalGenerator.sample`` against the objective's sampler on the bare
  network, Euler, 10 steps);
- **compiled training**: ``FlowFMPretrainer(compile=True)`` for ``--compile`` presets at
  batch 256, measured separately (the 2nd epoch, after compiling in the 1st);
- **guided sampling**: samples/s with classifier-free guidance, which evaluates the
  conditional and the null field in one batched call per step;
- **start-up**: the wall time of ``python -c "import tsfm"`` and ``tsfm --help``.

The tsfm and bare measurements alternate, ``--repeats`` times each, and the best of
each is reported, so that load from other processes on a shared machine hits both
alike. Windows are synthetic: 3 channels x 300 points (10 s at 30 Hz, the paper's
pretraining window), patch size ``"auto"`` (16 tokens).

Usage::

    python benchmarks/throughput.py [--threads 1] [--presets tiny small base]
        [--windows 1024] [--repeats 3] [--compile tiny]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

import numpy as np
import torch
from _report import RESULTS, machine, markdown_table, write_report
from torch.utils.flop_counter import FlopCounterMode

from tsfm import FlowFMPretrainer, FlowFMSignalGenerator

N_CHANNELS, N_TIMEPOINTS = 3, 300
BATCH_SIZES = {"tiny": (64, 256), "small": (64, 256), "base": (64, 256)}


def matmul_ceiling(repeats: int, n: int = 2048) -> float:
    """Best GFLOP/s of an ``n x n`` fp32 matmul on the current torch threads."""
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b  # warm-up
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(4):
            a @ b
        best = min(best, (time.perf_counter() - start) / 4)
    return 2 * n**3 / best / 1e9


def synthetic_windows(n: int, seed: int = 0) -> np.ndarray:
    """Noisy multi-frequency sines, shape (n, 3, 300), float32."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 10, N_TIMEPOINTS)
    freq = rng.uniform(0.5, 3, (n, N_CHANNELS, 1))
    return (np.sin(2 * np.pi * freq * t) + 0.2 * rng.standard_normal(
        (n, N_CHANNELS, N_TIMEPOINTS))).astype(np.float32)


def train_flops_per_sample(module: torch.nn.Module, batch: torch.Tensor) -> float:
    """Forward + backward FLOPs of one training step, per sample."""
    module.train()
    with FlopCounterMode(display=False) as counter:
        prediction, target = module(batch)
        module.objective.loss(prediction, target).backward()
    module.zero_grad(set_to_none=True)
    return counter.get_total_flops() / len(batch)


def bare_train_epoch(module, X: torch.Tensor, batch_size: int, lr: float) -> float:
    """Seconds of one epoch of a minimal PyTorch loop: shuffle, slice, step."""
    optimizer = torch.optim.AdamW(module.parameters(), lr=lr, weight_decay=0.01)
    module.train()
    start = time.perf_counter()
    order = torch.randperm(len(X))
    for i in range(0, len(X), batch_size):
        prediction, target = module(X[order[i : i + batch_size]])
        loss = module.objective.loss(prediction, target)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    return time.perf_counter() - start


def tsfm_train_epoch(preset: str, X: np.ndarray, batch_size: int, lr: float,
                     compile: bool = False):
    """Seconds of the second of two epochs of FlowFMPretrainer.fit (the first warms up,
    and compiles with ``compile=True``)."""
    pre = FlowFMPretrainer(model=preset, max_epochs=2, batch_size=batch_size, lr=lr,
                           device="cpu", random_state=0, compile=compile).fit(X)
    return pre.history_[-1, "dur"], pre


def best_alternating(first, second, repeats: int) -> tuple[float, float]:
    """Best times of two callables, run alternately ``repeats`` times each."""
    a = b = float("inf")
    for _ in range(repeats):
        a = min(a, first())
        b = min(b, second())
    return a, b


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure_preset(preset: str, X: np.ndarray, ceiling: float, repeats: int) -> list[dict]:
    rows = []
    lr = 1e-3
    for batch_size in BATCH_SIZES[preset]:
        fitted = {}

        def run_tsfm(batch_size=batch_size, fitted=fitted):
            seconds, fitted["pre"] = tsfm_train_epoch(preset, X, batch_size, lr)
            return seconds

        run_tsfm()  # builds the module the bare loop copies
        pre = fitted["pre"]
        Xs = torch.from_numpy(pre.standardizer_.transform(X))
        module = type(pre.net_.module_)(pre.config_, objective=pre.config_.objective_class(),
                                        conditioner=pre.config_.conditioner_class())
        flops = train_flops_per_sample(module, Xs[:batch_size])

        def run_bare(module=module, Xs=Xs, batch_size=batch_size):
            bare_train_epoch(module, Xs, batch_size, lr)  # warm-up epoch, as for skorch
            return bare_train_epoch(module, Xs, batch_size, lr)

        tsfm_s, bare_s = best_alternating(run_tsfm, run_bare, repeats)
        samples_per_s = len(X) / tsfm_s
        rows.append({
            "what": "train", "preset": preset, "batch_size": batch_size,
            "params_M": sum(p.numel() for p in module.parameters()) / 1e6,
            "gflop_per_sample": flops / 1e9,
            "tsfm_per_s": samples_per_s, "bare_per_s": len(X) / bare_s,
            "overhead_pct": 100 * (tsfm_s / bare_s - 1),
            "model_gflops": flops * samples_per_s / 1e9,
            "ceiling_pct": 100 * flops * samples_per_s / 1e9 / ceiling,
        })
        print(rows[-1], flush=True)
    return rows


def measure_compiled(preset: str, X: np.ndarray, ceiling: float, repeats: int,
                     eager: list[dict]) -> dict:
    """Training samples/s of the compiled networks at batch 256, against eager tsfm."""
    seconds = min(tsfm_train_epoch(preset, X, 256, 1e-3, compile=True)[0]
                  for _ in range(repeats))
    row = next(r for r in eager if r["preset"] == preset and r["batch_size"] == 256)
    per_s = len(X) / seconds
    out = {"what": "train, compiled", "preset": preset, "batch_size": 256, "tsfm_per_s": per_s,
           "eager_per_s": row["tsfm_per_s"], "gain_pct": 100 * (per_s / row["tsfm_per_s"] - 1),
           "ceiling_pct": 100 * row["gflop_per_sample"] * per_s / ceiling}
    print(out, flush=True)
    return out


def measure_inference(preset: str, X: np.ndarray, repeats: int) -> list[dict]:
    """Embedding and sampling through tsfm and through the bare network."""
    pre = FlowFMPretrainer(model=preset, max_epochs=1, batch_size=256, device="cpu",
                           random_state=0).fit(X[:256])
    module = pre.net_.module_.eval()
    Xs = torch.from_numpy(pre.standardizer_.transform(X))

    def bare_embed():
        with torch.inference_mode():
            return timed(lambda: [module.encode(Xs[i : i + 256]) for i in range(0, len(Xs), 256)])

    tsfm_s, bare_s = best_alternating(lambda: timed(lambda: pre.embed(X)), bare_embed, repeats)
    rows = [{"what": "embed", "preset": preset, "batch_size": 256,
             "tsfm_per_s": len(X) / tsfm_s, "bare_per_s": len(X) / bare_s,
             "overhead_pct": 100 * (tsfm_s / bare_s - 1)}]

    n = 256
    gen = FlowFMSignalGenerator(pretrained=pre, solver="euler", steps=10,
                                sample_batch_size=n).fit()
    noise = torch.randn(n, N_CHANNELS, N_TIMEPOINTS)

    def bare_sample():
        with torch.inference_mode():
            return timed(lambda: module.objective.sample(
                lambda x, t: module.field(x, t, None), noise, solver="euler", steps=10))

    tsfm_s, bare_s = best_alternating(
        lambda: timed(lambda: gen.sample(n, random_state=0)), bare_sample, repeats)
    rows.append({"what": "sample (10 Euler steps)", "preset": preset, "batch_size": n,
                 "tsfm_per_s": n / tsfm_s, "bare_per_s": n / bare_s,
                 "overhead_pct": 100 * (tsfm_s / bare_s - 1)})
    guided_s = min(timed(lambda: gen.sample(n, condition=X[:n], guidance_scale=2.0,
                                            random_state=0)) for _ in range(repeats))
    rows.append({"what": "sample, guided w=2 (1 call/step)", "preset": preset,
                 "batch_size": n, "tsfm_per_s": n / guided_s,
                 "network_calls": gen.network_calls_, "nfe": gen.nfe_})
    for row in rows:
        print(row, flush=True)
    return rows


def startup_seconds(repeats: int) -> list[dict]:
    rows = []
    for label, args in (("import tsfm", ["-c", "import tsfm"]),
                        ("tsfm --help", ["-m", "tsfm", "--help"]),
                        ("python (nothing)", ["-c", "pass"])):
        best = min(timed(lambda args=args: subprocess.run(
            [sys.executable, *args], check=True, capture_output=True)) for _ in range(repeats))
        rows.append({"what": label, "seconds": best})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--presets", nargs="+", default=["tiny", "small", "base"])
    parser.add_argument("--windows", type=int, default=1024)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--compile", nargs="*", default=["tiny"], metavar="PRESET",
                        help="presets also trained with compile=True (default: tiny)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    X = synthetic_windows(args.windows)
    ceiling = matmul_ceiling(args.repeats)
    print(f"ceiling {ceiling:.1f} GFLOP/s", flush=True)
    train = [row for preset in args.presets for row in measure_preset(preset, X, ceiling,
                                                                      args.repeats)]
    compiled = [measure_compiled(p, X, ceiling, args.repeats, train)
                for p in args.compile if p in args.presets]
    inference = [row for preset in args.presets for row in measure_inference(preset, X,
                                                                             args.repeats)]
    startup = startup_seconds(5)
    best = {}
    for row in train:
        if row["tsfm_per_s"] > best.get(row["preset"], {}).get("tsfm_per_s", 0):
            best[row["preset"]] = row
    sections = [
        f"## Ceiling\n\nfp32 matmul 2048 x 2048, {args.threads} torch thread(s): "
        f"**{ceiling:.1f} GFLOP/s**.",
        "## Training (FlowFMPretrainer.fit, 2nd epoch) against a bare PyTorch loop\n\n"
        + markdown_table(train, [
            ("preset", "preset", ""), ("batch_size", "batch", "d"),
            ("params_M", "params (M)", ".2f"), ("gflop_per_sample", "GFLOP/sample", ".3f"),
            ("tsfm_per_s", "tsfm samples/s", ".1f"), ("bare_per_s", "bare samples/s", ".1f"),
            ("overhead_pct", "tsfm overhead %", "+.1f"),
            ("model_gflops", "model GFLOP/s", ".1f"),
            ("ceiling_pct", "% of ceiling", ".1f")]),
        "Best batch size per preset: " + ", ".join(
            f"`{p}` {r['batch_size']} ({r['ceiling_pct']:.0f} % of the ceiling)"
            for p, r in best.items()) + ".",
        "## Training with torch.compile (measured separately)\n\n" + (markdown_table(
            compiled, [("preset", "preset", ""), ("batch_size", "batch", "d"),
                       ("tsfm_per_s", "compiled samples/s", ".1f"),
                       ("eager_per_s", "eager samples/s (above)", ".1f"),
                       ("gain_pct", "gain %", "+.1f"), ("ceiling_pct", "% of ceiling", ".1f")])
            if compiled else "Not measured (no --compile presets)."),
        "## Embedding and sampling against the bare network\n\n" + markdown_table(inference, [
            ("what", "what", ""), ("preset", "preset", ""), ("batch_size", "batch", "d"),
            ("tsfm_per_s", "tsfm per s", ".1f"), ("bare_per_s", "bare per s", ".1f"),
            ("overhead_pct", "tsfm overhead %", "+.1f"),
            ("network_calls", "network calls/batch", ""), ("nfe", "evaluations/sample", "")]),
        "## Start-up (best of 5, wall)\n\n" + markdown_table(startup, [
            ("what", "command", ""), ("seconds", "seconds", ".2f")]),
    ]
    rows = [*train, *compiled, *inference,
            *({**r, "what": f"startup: {r['what']}"} for r in startup)]
    info = {**machine(), "Torch threads": str(args.threads), "Windows": str(args.windows),
            "Ceiling GFLOP/s": f"{ceiling:.1f}"}
    print(write_report(RESULTS, f"throughput_{args.threads}thread", "Throughput", sections,
                       rows, info))


if __name__ == "__main__":
    main()
