"""The same ingest and query against a real `chroma run` server on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ingest.sync import Indexer
from tests.conftest import SEEDS, run_cli
from tests.helpers.index import assert_consistent
from vectorstore.index import Index
from vectorstore.retrieval import Retriever

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path: Path):
    port = _free_port()
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent))
    assert chroma, "the chromadb package installs the `chroma` command"
    log = (tmp_path / "chroma.log").open("w")
    proc = subprocess.Popen([chroma, "run", "--path", str(tmp_path / "server-data"),
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"chroma run did not start: {(tmp_path / 'chroma.log').read_text()}")
            time.sleep(0.3)
    yield port
    proc.terminate()
    proc.wait(timeout=20)
    log.close()


def test_ingest_and_query_against_chroma_server(chroma_server: int, make_settings,
                                                local_embedder, tmp_path: Path) -> None:
    settings = make_settings(embeddings="local", chroma_host="127.0.0.1",
                             chroma_port=chroma_server)
    index = Index(settings, local_embedder)
    report = Indexer(index).ingest([SEEDS])
    assert (report.added, report.failed) == (5, [])
    assert not (tmp_path / "data" / "chroma").exists()  # nothing went to the embedded store
    assert index.store.count() == report.chunks
    assert_consistent(index)
    question = "Which district did Azerbaijan take first, without a shot fired?"
    top = Retriever(index).search(question, k=3)
    assert top[0].source.startswith("001_") and "Aghdam" in top[0].text
    again = Indexer(index).ingest([SEEDS])
    assert (again.skipped, again.chunks) == (5, 0)


def test_two_processes_share_one_index_through_the_server(chroma_server: int, make_settings,
                                                          tmp_path: Path) -> None:
    settings = make_settings(chroma_host="127.0.0.1", chroma_port=chroma_server)
    reader = Retriever(Index(settings))  # a long-lived reader, like the app
    Indexer(reader.index).ingest([SEEDS])
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "axolotl.txt").write_text("Axolotls regrow their limbs within weeks.\n")
    env = {"FOOTNOTE_DATA_DIR": str(settings.data_dir), "FOOTNOTE_EMBEDDINGS": "fake",
           "CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(chroma_server)}
    assert run_cli("ingest", str(docs), env=env).returncode == 0
    for mode in ("dense", "keyword", "hybrid"):
        assert reader.search("axolotls regrow limbs", k=1, mode=mode)[0].source == "axolotl.txt"
    assert run_cli("remove", "axolotl.txt", env=env).returncode == 0
    assert all(p.source != "axolotl.txt" for p in reader.search("axolotls regrow limbs", k=10))
