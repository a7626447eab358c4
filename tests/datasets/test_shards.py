"""Shards for large corpora: write_shards, ShardDataset, channel_stats, `tsfm prepare`."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import torch

from tsfm.cli import main
from tsfm.datasets import (
    ShardDataset,
    ShardError,
    WindowBatch,
    channel_stats,
    load_dataset,
    stream_windows,
    write_shards,
)
from tsfm.exceptions import NonFiniteError


def _batches(sizes: list[int], seed: int = 0) -> list[WindowBatch]:
    rng = np.random.default_rng(seed)
    batches = []
    for b, n in enumerate(sizes):
        X = rng.normal(loc=[[1.0], [-2.0]], scale=[[0.5], [3.0]], size=(n, 2, 7))
        meta = pd.DataFrame({"subject": [f"s{b}"] * n, "activity": ["a"] * n,
                             "source": ["f"] * n, "start_time": np.arange(n, dtype=float)})
        batches.append(WindowBatch(X.astype(np.float32), meta))
    return batches


def test_shards_round_trip_in_order(tmp_path):
    batches = _batches([5, 3, 9])
    manifest = json.loads(write_shards(batches, tmp_path, shard_size=4).read_text())
    assert [s["n_windows"] for s in manifest["shards"]] == [4, 4, 4, 4, 1]
    ds = ShardDataset(tmp_path)
    expected = np.concatenate([b.X for b in batches])
    assert (len(ds), ds.n_channels, ds.n_timepoints) == (17, 2, 7)
    np.testing.assert_array_equal(np.stack([ds[i] for i in range(len(ds))]), expected)
    assert ds[-1].dtype == np.float32 and ds[-1].shape == (2, 7)
    assert ds.groups.tolist() == ["s0"] * 5 + ["s1"] * 3 + ["s2"] * 9


def test_shards_are_memory_mapped(tmp_path):
    write_shards(_batches([4]), tmp_path)
    assert isinstance(ShardDataset(tmp_path).shard(0), np.memmap)


def test_a_batch_read_across_shards_equals_the_windows_one_by_one(tmp_path):
    write_shards(_batches([5, 3, 9]), tmp_path, shard_size=4)
    ds = ShardDataset(tmp_path)
    indices = [16, 0, 5, 4, -1, 9, 5]  # 5 shards, unsorted, repeated, negative
    batch = ds.__getitems__(indices)
    assert batch.shape == (7, 2, 7) and batch.dtype == np.float32
    np.testing.assert_array_equal(batch, np.stack([ds[i] for i in indices]))
    with pytest.raises(IndexError, match="index 17 out of range for 17 windows"):
        ds.__getitems__([3, 17])


def test_a_shard_cut_short_after_opening_is_a_shard_error(tmp_path):
    write_shards(_batches([6]), tmp_path)
    ds = ShardDataset(tmp_path)
    assert ds[5].shape == (2, 7)
    file = tmp_path / ds.manifest["shards"][0]["file"]
    file.write_bytes(file.read_bytes()[:-100])
    with pytest.raises(ShardError, match=r"shard 0 \(.*X-00000.npy\) ended early: windows 5-5"):
        ds[5]
    assert ds[0].shape == (2, 7)  # the windows before the cut are still read


def test_standardized_batches_equal_windows_standardized_one_by_one(tmp_path):
    from tsfm.training.normalization import ChannelStandardizer
    from tsfm.training.streaming import StandardizedDataset, fit_standardizer

    batches = _batches([5, 3, 9])
    write_shards(batches, tmp_path, shard_size=4)
    shards = ShardDataset(tmp_path)
    standardizer = fit_standardizer(shards)
    ds = StandardizedDataset(shards, standardizer)
    X = np.concatenate([b.X for b in batches])
    loader = torch.utils.data.DataLoader(ds, batch_size=6, shuffle=False)
    got = torch.cat([x for x, _ in loader]).numpy()
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, standardizer.transform(X))
    np.testing.assert_array_equal(ds[3][0].numpy(), standardizer.transform(X[3:4])[0])
    # the range check still holds batch by batch
    tiny = ChannelStandardizer(mean=np.zeros(2), scale=np.full(2, 1e-9))
    with pytest.raises(NonFiniteError, match="standard deviations"):
        StandardizedDataset(shards, tiny).__getitems__([0, 1])


def test_standardized_batch_names_an_item_of_another_shape():
    from tsfm.training.normalization import ChannelStandardizer
    from tsfm.training.streaming import StandardizedDataset

    items = [np.zeros((2, 7), np.float32)] * 3 + [np.zeros((2, 6), np.float32)]
    ds = StandardizedDataset(items, ChannelStandardizer(mean=np.zeros(2), scale=np.ones(2)))
    assert len(ds.__getitems__([0, 1, 2])) == 3
    with pytest.raises(ValueError, match=r"dataset item 3 has shape \(2, 6\)"):
        ds.__getitems__([1, 3])


def test_shard_dataset_works_with_a_torch_dataloader(tmp_path):
    write_shards(_batches([6]), tmp_path, shard_size=4)
    loader = torch.utils.data.DataLoader(ShardDataset(tmp_path), batch_size=4)
    assert [tuple(b.shape) for b in loader] == [(4, 2, 7), (2, 2, 7)]


def test_channel_stats_stream_equals_the_in_memory_statistics(tmp_path):
    batches = _batches([50, 30])
    write_shards(batches, tmp_path, shard_size=16)
    mean, scale = channel_stats(ShardDataset(tmp_path), batch_size=7)
    flat = np.concatenate([b.X for b in batches]).transpose(0, 2, 1).reshape(-1, 2)
    np.testing.assert_allclose(mean, flat.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(scale, flat.std(axis=0), rtol=1e-5)


def test_channel_stats_accepts_any_dataset_of_arrays():
    X = np.stack([np.full((2, 3), i, dtype=np.float32) for i in range(4)])
    mean, scale = channel_stats(list(X), batch_size=3)
    np.testing.assert_allclose(mean, [1.5, 1.5])
    np.testing.assert_allclose(scale, [np.std([0, 1, 2, 3])] * 2, rtol=1e-6)


def test_existing_manifest_is_not_overwritten(tmp_path):
    write_shards(_batches([2]), tmp_path)
    with pytest.raises(FileExistsError, match="manifest.json exists"):
        write_shards(_batches([2]), tmp_path)


def test_missing_manifest_says_how_to_create_shards(tmp_path):
    with pytest.raises(FileNotFoundError, match="tsfm prepare"):
        ShardDataset(tmp_path)


def test_stream_and_load_produce_the_same_windows(adl_dir, tmp_path):
    write_shards(stream_windows("adl", adl_dir), tmp_path / "s")
    ds = load_dataset("adl", adl_dir)
    shards = ShardDataset(tmp_path / "s")
    np.testing.assert_array_equal(np.stack([shards[i] for i in range(len(shards))]), ds.X)
    assert shards.y.tolist() == ds.y.tolist()
    assert shards.manifest["info"]["citation"] == ds.info["citation"]


def test_prepare_command_writes_shards_and_a_manifest(hapt_dir, tmp_path, capsys):
    out = tmp_path / "shards"
    main(["prepare", "hapt", "--data-dir", str(hapt_dir), "--out", str(out),
          "--all-windows", "--channels", "acc", "gyro", "--shard-size", "2"])
    summary = json.loads(capsys.readouterr().out)
    assert (summary["n_windows"], summary["n_channels"], summary["shards"]) == (5, 6, 3)
    ds = ShardDataset(out)
    assert ds.y.tolist().count(None) == 1
    assert ds.manifest["info"]["labelled_only"] is False


def test_real_prepare_matches_load_dataset(shared_data, tmp_path):
    out = tmp_path / "hapt"
    main(["prepare", "hapt", "--data-dir", str(shared_data), "--out", str(out),
          "--channels", "acc", "gyro", "--max-subjects", "3"])
    ds = load_dataset("hapt", shared_data, channels=("acc", "gyro"), max_subjects=3)
    shards = ShardDataset(out)
    assert (len(shards), shards.n_channels, shards.n_timepoints) == (len(ds), 6, 300)
    np.testing.assert_array_equal(shards[len(ds) - 1], ds.X[-1])
    assert shards.groups.tolist() == ds.groups.tolist()


# -- a missing or damaged shard: an error naming it, never training on the rest ----------

def _shard_file(root, k: int):
    return root / json.loads((root / "manifest.json").read_text())["shards"][k]["file"]


def test_missing_shard_is_named(tmp_path):
    write_shards(_batches([5, 3]), tmp_path, shard_size=4)
    _shard_file(tmp_path, 1).unlink()
    with pytest.raises(ShardError, match=r"shard 1 \(.*\) is missing; re-create"):
        ShardDataset(tmp_path)


def test_truncated_shard_is_named(tmp_path):
    write_shards(_batches([5, 3]), tmp_path, shard_size=4)
    file = _shard_file(tmp_path, 0)
    file.write_bytes(file.read_bytes()[:-10])
    with pytest.raises(ShardError, match=r"shard 0 \(.*\) is truncated: \d+ bytes where"):
        ShardDataset(tmp_path)


def test_garbage_shard_is_named(tmp_path):
    write_shards(_batches([5, 3]), tmp_path, shard_size=4)
    _shard_file(tmp_path, 1).write_bytes(b"not a numpy file")
    with pytest.raises(ShardError, match=r"shard 1 \(.*\) is corrupt"):
        ShardDataset(tmp_path)


def test_shard_of_another_shape_is_named(tmp_path):
    write_shards(_batches([5, 3]), tmp_path, shard_size=4)
    np.save(_shard_file(tmp_path, 1), np.zeros((4, 2, 6), dtype=np.float32))
    with pytest.raises(ShardError, match=r"shape \(4, 2, 6\), but the manifest says float32 "
                                         r"of shape \(4, 2, 7\)"):
        ShardDataset(tmp_path)


def test_pretraining_refuses_a_corpus_with_a_missing_shard(tmp_path):
    from tsfm import FlowFMPretrainer

    write_shards(_batches([5, 3]), tmp_path, shard_size=4)
    _shard_file(tmp_path, 0).unlink()
    with pytest.raises(ShardError, match="shard 0"):
        FlowFMPretrainer(model="tiny", max_epochs=1, device="cpu").fit(str(tmp_path))
