"""``download=True`` through pooch with ``requests.get`` patched: the network is never touched."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
import requests
from tsfm_builtins.datasets.adl import ADLAdapter
from tsfm_builtins.datasets.realworld import RealWorldAdapter

from tsfm.datasets import DatasetDownloadError, DatasetParameterError, load_dataset
from tsfm.datasets.adapter import DownloadSource
from tsfm.datasets.download import UnverifiedDownloadWarning, fetch, verify_files
from tsfm.plugins import list_plugins

WALK = "HMP_Dataset/Walk/Accelerometer-2011-03-24-09-51-07-walk-f1.txt"


class FakeResponse:
    """What pooch's HTTPDownloader reads from ``requests.get``."""

    def __init__(self, payload: bytes) -> None:
        self.payload = payload
        self.headers = {"content-length": str(len(payload))}

    def raise_for_status(self) -> None:
        pass

    def iter_content(self, chunk_size: int = 1024):
        for start in range(0, len(self.payload), chunk_size):
            yield self.payload[start : start + chunk_size]


def _zip(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _hmp_zip() -> bytes:
    return _zip({WALK: "42 21 63\r\n" * 400})


def _serve(monkeypatch, payload: bytes) -> list[str]:
    """Answer every ``requests.get`` with ``payload``; return the URLs asked for."""
    requested = []

    def get(url, **kwargs):
        requested.append(url)
        return FakeResponse(payload)

    monkeypatch.setattr(requests, "get", get)
    return requested


@pytest.fixture
def served(monkeypatch):
    """Serve one HMP zip for any URL and record the URLs asked for."""
    payload = _hmp_zip()
    monkeypatch.setattr(ADLAdapter, "key_files_sha256", {})
    return payload, _serve(monkeypatch, payload)


def test_download_fetches_the_official_url_unpacks_and_loads(tmp_path, served):
    _, requested = served
    ds = load_dataset("adl", tmp_path / "data", download=True)
    assert requested == [ADLAdapter.downloads[0].url]
    assert len(ds.X) == 1


def test_the_archive_and_its_files_land_inside_data_dir(tmp_path, served):
    data = tmp_path / "data"
    load_dataset("adl", data, download=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]
    assert sorted(p.name for p in data.iterdir()) == ["HMP_Dataset", "adl_hmp.zip"]
    assert (data / WALK).is_file()


def test_download_is_skipped_when_the_data_is_already_there(tmp_path, served):
    _, requested = served
    load_dataset("adl", tmp_path, download=True)
    load_dataset("adl", tmp_path, download=True)
    assert len(requested) == 1


def test_a_pinned_archive_checksum_that_matches_is_accepted(tmp_path, served, monkeypatch):
    payload, _ = served
    good = hashlib.sha256(payload).hexdigest()
    source = DownloadSource(ADLAdapter.downloads[0].url, "adl_hmp.zip", sha256=good)
    monkeypatch.setattr(ADLAdapter, "downloads", (source,))
    assert len(load_dataset("adl", tmp_path, download=True).X) == 1


def test_a_wrong_archive_checksum_fails_clearly_and_leaves_nothing(tmp_path, served, monkeypatch):
    source = DownloadSource(ADLAdapter.downloads[0].url, "adl_hmp.zip", sha256="0" * 64)
    monkeypatch.setattr(ADLAdapter, "downloads", (source,))
    with pytest.raises(DatasetDownloadError, match=r"checksum mismatch for https://.*0000"):
        load_dataset("adl", tmp_path / "data", download=True)
    assert list((tmp_path / "data").iterdir()) == []


def test_fetch_checks_the_sha256_it_is_given(tmp_path, served):
    payload, _ = served
    good = hashlib.sha256(payload).hexdigest()
    assert fetch("https://x/a.zip", tmp_path / "a.zip", sha256=good).read_bytes() == payload
    with pytest.raises(DatasetDownloadError, match="checksum mismatch"):
        fetch("https://x/b.zip", tmp_path / "b.zip", sha256="0" * 64)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.zip"]


def test_extracted_key_files_are_verified(tmp_path, served, monkeypatch):
    monkeypatch.setattr(ADLAdapter, "key_files_sha256", {WALK.split("/", 1)[1]: "0" * 64})
    with pytest.raises(DatasetDownloadError, match="sha256 mismatch for Walk/"):
        load_dataset("adl", tmp_path, download=True)


def test_offline_download_says_where_to_put_the_files(tmp_path, monkeypatch):
    def offline(url, **kwargs):
        raise requests.ConnectionError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(requests, "get", offline)
    with pytest.raises(
        DatasetDownloadError,
        match=r"could not download https://archive\.ics\.uci\.edu.*offline.*unpack it into",
    ):
        load_dataset("hapt", tmp_path / "hapt", download=True)


def test_a_dataset_name_cannot_write_outside_data_dir(tmp_path, monkeypatch):
    requested = _serve(monkeypatch, b"")
    data = tmp_path / "a" / "b"
    with pytest.raises(DatasetParameterError, match=r"invalid dataset name 'uea:\.\./\.\./x'"):
        load_dataset("uea:../../x", data_dir=data, download=True)
    assert requested == [] and list(tmp_path.rglob("*")) == []


def test_an_adapter_option_cannot_make_the_download_escape_data_dir(tmp_path, monkeypatch):
    requested = _serve(monkeypatch, b"")
    data = tmp_path / "a" / "b"
    with pytest.raises(DatasetParameterError, match=r"'\.\./\.\./x\.zip' is not a plain file"):
        load_dataset("uea", data_dir=data, problem="../../x", download=True)
    assert requested == [] and list(tmp_path.rglob("*")) == []


def test_archive_members_cannot_escape_the_data_directory(tmp_path, monkeypatch):
    _serve(monkeypatch, _zip({"../evil.txt": "x"}))
    monkeypatch.setattr(ADLAdapter, "downloads", (DownloadSource("https://x/e.zip", "e.zip"),))
    with pytest.raises(DatasetDownloadError, match=r"'\.\./evil\.txt' of e\.zip .*outside"):
        load_dataset("adl", tmp_path / "d", download=True)
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "d" / "evil.txt").exists()


def test_plain_http_without_a_checksum_warns_that_it_cannot_be_verified(tmp_path, monkeypatch):
    _serve(monkeypatch, b"payload")
    with pytest.warns(UnverifiedDownloadWarning, match="plain http and no checksum"):
        fetch(RealWorldAdapter.downloads[0].url, tmp_path / "rw.zip")


def test_every_builtin_download_pins_a_checksum_or_says_why_not():
    unexplained = []
    for plugin in list_plugins("dataset"):
        if plugin.plugin != "datasets":
            continue
        adapter = plugin.cls(problem="RacketSports") if plugin.name == "uea" else plugin.cls()
        for source in adapter.downloads:
            if source.sha256 is None and not source.no_sha256_because:
                unexplained.append(plugin.name)
    assert unexplained == []


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
    inner = _hmp_zip()
    data = tmp_path / "data"
    data.mkdir()
    (data / "someone_elses.zip").write_bytes(_zip({"other/file.txt": "x"}))
    _serve(monkeypatch, _zip({"HMP.zip": inner}))
    monkeypatch.setattr(ADLAdapter, "key_files_sha256", {})
    assert len(load_dataset("adl", data, download=True).X) == 1
    assert (data / WALK).is_file()
    assert sorted(p.name for p in data.iterdir()) == [
        "HMP.zip", "HMP_Dataset", "adl_hmp.zip", "someone_elses.zip"
    ]
