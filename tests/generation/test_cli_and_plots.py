"""``tsfm generate`` and the plotting helpers."""

from __future__ import annotations

import numpy as np

from tsfm.cli import COMMANDS, main
from tsfm.utils.plotting import plot_feature_tsne, plot_generated_vs_real, plot_metric_vs_nfe


def run_generate(argv: list[str]) -> int:
    """Run ``tsfm <argv>`` through the real command line."""
    assert "generate" in COMMANDS
    return main(argv)


def test_generate_writes_samples_and_a_plot(flowfm, tmp_path):
    flowfm.save_pretrained(tmp_path / "model")
    out, png = tmp_path / "samples.npy", tmp_path / "samples.png"
    argv = ["generate", "--model", str(tmp_path / "model"), "-n", "6", "--out", str(out),
            "--plot", str(png), "--solver", "euler", "--steps", "3"]
    assert run_generate(argv) == 0
    samples = np.load(out)
    assert samples.shape == (6, flowfm.n_channels_, flowfm.n_timepoints_)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    run_generate(argv[:-4] + ["--out", str(tmp_path / "again.npy"), "--solver", "euler",
                              "--steps", "3"])
    np.testing.assert_array_equal(np.load(tmp_path / "again.npy"), samples)  # seed 0 default


def test_generate_with_a_condition_and_guidance(flowfm, series, tmp_path):
    flowfm.save_pretrained(tmp_path / "model")
    np.save(tmp_path / "cond.npy", series[:4])
    out = tmp_path / "s.npy"
    run_generate(["generate", "--model", str(tmp_path / "model"), "-n", "4", "--out", str(out),
                  "--condition", str(tmp_path / "cond.npy"), "--guidance-scale", "2",
                  "--steps", "2", "--plot", str(tmp_path / "s.png")])
    assert np.load(out).shape == (4, *series.shape[1:])
    assert (tmp_path / "s.png").stat().st_size > 0


def test_generate_reports_bad_input_without_a_traceback(flowfm, tmp_path, capsys):
    flowfm.save_pretrained(tmp_path / "model")
    assert run_generate(["generate", "--model", str(tmp_path / "model"), "-n", "0",
                         "--out", str(tmp_path / "s.npy")]) == 2
    assert ("tsfm generate: error: argument -n/--n-samples: must be a positive integer, "
            "got '0'") in capsys.readouterr().err
    assert run_generate(["generate", "--model", str(tmp_path / "nothing"), "-n", "2",
                         "--out", str(tmp_path / "s.npy")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "s.npy").exists()


def test_generated_vs_real_plot_has_one_row_per_axis(series, tmp_path):
    import matplotlib.image

    path = plot_generated_vs_real(series, series[::-1], tmp_path / "cmp.png",
                                  channel_names=["x", "y", "z"])
    height, width = matplotlib.image.imread(path).shape[:2]
    assert height > width / 2  # three stacked rows of two panels


def test_metric_vs_nfe_and_tsne_plots_are_written(tmp_path):
    rows = [{"method": "FlowFM euler", "nfe": n, "fid": 10 / n} for n in (1, 2, 4)]
    rows.append({"method": "DiffFM DDPM", "nfe": 1000, "fid": 1.0})
    assert plot_metric_vs_nfe(rows, tmp_path / "fid.png").stat().st_size > 0
    rng = np.random.default_rng(0)
    path = plot_feature_tsne(rng.normal(size=(30, 4)), rng.normal(size=(30, 4)),
                             tmp_path / "tsne.png")
    assert path.stat().st_size > 0


def test_generate_rejects_an_output_that_is_not_npy_in_one_line(tmp_path, capsys):
    assert run_generate(["generate", "--model", str(tmp_path), "--out",
                         str(tmp_path / "s.csv")]) == 2
    err = capsys.readouterr().err
    assert "argument --out: must be a file name ending in .npy, got" in err
    assert "Traceback" not in err


def test_generate_rejects_a_missing_condition_file_while_parsing(tmp_path, capsys):
    assert run_generate(["generate", "--model", str(tmp_path), "--out", str(tmp_path / "s.npy"),
                         "--condition", str(tmp_path / "missing.npy")]) == 2
    assert "argument --condition:" in capsys.readouterr().err


def test_generate_checks_guidance_before_loading_the_model(tmp_path, capsys):
    """The model directory does not exist: the argument error must come first."""
    np.save(tmp_path / "cond.npy", np.zeros((1, 3, 8)))
    common = ["generate", "--model", str(tmp_path / "none"), "--out", str(tmp_path / "s.npy")]
    assert run_generate([*common, "--guidance-scale", "2"]) == 2
    assert capsys.readouterr().err == (
        "tsfm generate: error: --guidance-scale needs --condition (the reference series to "
        "guide towards); add --condition or drop --guidance-scale\n")
    assert run_generate([*common, "--condition", str(tmp_path / "cond.npy"),
                         "--guidance-scale", "1000"]) == 2
    assert "--guidance-scale must be in [0, 100], got 1000.0" in capsys.readouterr().err


def test_generate_rejects_cuda_without_it_before_loading_the_model(tmp_path, monkeypatch,
                                                                   capsys):
    monkeypatch.setattr("torch.cuda.is_available", lambda: False)
    assert run_generate(["generate", "--model", str(tmp_path / "none"), "--out",
                         str(tmp_path / "s.npy"), "--device", "cuda"]) == 2
    assert "device='cuda' was asked for but CUDA is not available" in capsys.readouterr().err
