"""``download=True`` with a patched network layer: the network is never touched."""

from __future__ import annotations

import hashlib
import io
import urllib.error
import urllib.request
import zipfile

import pytest
from tsfm_builtins.datasets.adl import ADLAdapter

from tsfm.datasets import DatasetDownloadError, load_dataset
from tsfm.datasets.adapter import DownloadSource
from tsfm.datasets.download import fetch, verify_files

WALK = "HMP_Dataset/Walk/Accelerometer-2011-03-24-09-51-07-walk-f1.txt"


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _hmp_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(WALK, "42 21 63\r\n" * 400)
    return buffer.getvalue()


@pytest.fixture
def served(monkeypatch):
    """Serve one zip for any URL and record the URLs asked for."""
    payload, requested = _hmp_zip(), []

    def urlopen(url, timeout=None):
        requested.append(url)
        return FakeResponse(payload)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    monkeypatch.setattr(ADLAdapter, "key_files_sha256", {})
    return payload, requested


def test_download_fetches_the_official_url_unpacks_and_loads(tmp_path, served):
    _, requested = served
    ds = load_dataset("adl", tmp_path / "data", download=True)
    assert requested == [ADLAdapter.downloads[0].url]
    assert len(ds.X) == 1
    assert not list((tmp_path / "data").glob("*.part"))


def test_download_is_skipped_when_the_data_is_already_there(tmp_path, served):
    _, requested = served
    load_dataset("adl", tmp_path, download=True)
    load_dataset("adl", tmp_path, download=True)
    assert len(requested) == 1


def test_archive_checksum_is_verified(tmp_path, served):
    payload, _ = served
    good = hashlib.sha256(payload).hexdigest()
    assert fetch("https://x/a.zip", tmp_path / "a.zip", sha256=good).read_bytes() == payload
    with pytest.raises(DatasetDownloadError, match="checksum mismatch"):
        fetch("https://x/b.zip", tmp_path / "b.zip", sha256="0" * 64)
    assert not (tmp_path / "b.zip").exists() and not (tmp_path / "b.zip.part").exists()


def test_extracted_key_files_are_verified(tmp_path, served, monkeypatch):
    monkeypatch.setattr(ADLAdapter, "key_files_sha256", {WALK.split("/", 1)[1]: "0" * 64})
    with pytest.raises(DatasetDownloadError, match="sha256 mismatch for Walk/"):
        load_dataset("adl", tmp_path, download=True)


def test_offline_download_says_where_to_put_the_files(tmp_path, monkeypatch):
    def offline(url, timeout=None):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(DatasetDownloadError, match=r"could not download .*unpack it into"):
        load_dataset("hapt", tmp_path / "hapt", download=True)


def test_archive_members_cannot_escape_the_data_directory(tmp_path, monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../evil.txt", "x")
    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout=None: FakeResponse(
        buffer.getvalue()))
    monkeypatch.setattr(ADLAdapter, "downloads", (DownloadSource("https://x/e.zip", "e.zip"),))
    with pytest.raises(DatasetDownloadError, match="outside"):
        load_dataset("adl", tmp_path / "d", download=True)
    assert not (tmp_path / "evil.txt").exists()


def test_verify_files_lists_missing_files(tmp_path):
    with pytest.raises(DatasetDownloadError, match="missing a.txt"):
        verify_files(tmp_path, {"a.txt": "0" * 64})


def test_real_key_file_checksums_match_the_shared_copies(shared_data):
    from tsfm_builtins.datasets.hapt import HAPTAdapter

    # verify_files raises on any mismatch; make sure there is something to verify
    assert len(ADLAdapter.key_files_sha256) >= 1 and len(HAPTAdapter.key_files_sha256) >= 1
    verify_files(shared_data / "ADL_HMP" / "HMP_Dataset", ADLAdapter.key_files_sha256)
    verify_files(shared_data / "UCI_HAPT" / "HAPT Data Set" / "RawData",
                 HAPTAdapter.key_files_sha256)


def test_nested_archives_are_unpacked_but_unrelated_ones_are_left_alone(tmp_path, monkeypatch):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr(WALK, "42 21 63\r\n" * 400)
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as archive:
        archive.writestr("HMP.zip", inner.getvalue())
    data = tmp_path / "data"
    data.mkdir()
    (data / "someone_elses.zip").write_bytes(inner.getvalue())
    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout=None: FakeResponse(
        outer.getvalue()))
    monkeypatch.setattr(ADLAdapter, "key_files_sha256", {})
    assert len(load_dataset("adl", data, download=True).X) == 1
    assert (data / WALK).is_file()
    assert sorted(p.name for p in data.iterdir()) == [
        "HMP.zip", "HMP_Dataset", "adl_hmp.zip", "someone_elses.zip"
    ]
