"""A data folder the user can only read (a shared or mounted index): sources, search and ask
work without writing a byte there, and ingest says in one sentence that the folder is read-only
(issue 15, point 3). Run as an unprivileged user, since root writes anything."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SEEDS, run_cli
from tests.helpers.reader import (
    fingerprint,
    make_read_only,
    run_as_reader,
    run_on_read_only_mount,
    shared_folder,
    skip_unless_root,
)
from vectorstore.embeddings import default_cache_dir

pytestmark = pytest.mark.integration
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def shared() -> Iterator[tuple[Path, dict[str, str], Path]]:
    """Seeds indexed by root (a WAL catalog, closed), then made read-only; the reader's env
    (the ONNX model cache is root's, read only too) and a home it may write."""
    skip_unless_root()
    with shared_folder() as folder:
        data, home = folder / "data", folder / "home"
        home.mkdir(mode=0o777)
        home.chmod(0o777)
        env = {"FOOTNOTE_DATA_DIR": str(data), "FOOTNOTE_EMBEDDINGS": "local",
               "FOOTNOTE_CACHE_DIR": str(default_cache_dir())}
        built = run_cli("ingest", str(SEEDS), env=env)
        assert built.returncode == 0, built.stderr
        assert run_cli("users", "add", "alice", "--admin", "--password-stdin", env=env,
                       input_text=f"{PASSWORD}\n").returncode == 0
        catalog = data / "manifest-local-footnote.sqlite3"
        assert catalog.read_bytes()[18:20] == b"\x02\x02"  # WAL, as every catalog is
        make_read_only(data)
        yield data, env, home


def test_reading_works_and_writes_nothing(shared) -> None:
    data, env, home = shared
    before = fingerprint(data)

    listed = run_as_reader(["-m", "app.cli", "sources", "--json"], env, home)
    assert listed.returncode == 0, listed.stderr
    assert sorted(s["source"] for s in json.loads(listed.stdout)) == sorted(
        p.name for p in SEEDS.iterdir())

    found = run_as_reader(["-m", "app.cli", "search", "Shusha", "--json", "--k", "3"], env, home)
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)[0]["source"] == "002_azerbaijan-takes-shusha.txt"

    asked = run_as_reader(["-m", "app.cli", "ask", "--llm", "extractive", "--json",
                           "Which Armenian defence minister tendered his resignation?"],
                          env, home)
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["status"] == "answered" and "Tonoyan" in answer["answer"]
    assert answer["citations"][0]["source"] == "001_azerbaijan-enters-aghdam.txt"
    for result in (listed, found, asked):
        assert "warning" not in result.stderr and "Traceback" not in result.stderr

    assert fingerprint(data) == before


@pytest.mark.parametrize("command", [["ingest", str(SEEDS)], ["ingest"],
                                     ["ingest", "--reindex", str(SEEDS)],
                                     ["ingest", "--rebuild", str(SEEDS)],
                                     ["remove", "000_aliev-parade-in-khankendi.txt"]])
def test_ingest_and_remove_say_the_folder_is_read_only(shared, command: list[str]) -> None:
    data, env, home = shared
    before = fingerprint(data)
    result = run_as_reader(["-m", "app.cli", *command], env, home)
    assert result.returncode == 2
    assert result.stderr.startswith(f"footnote: The data folder {data} is read-only: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert fingerprint(data) == before


def test_a_catalog_a_writer_has_open_is_read_with_its_wal() -> None:
    """The owner's app server keeps the catalog open (its -wal holds a write not yet in the main
    file): the reader reads through the WAL, read-only, and sees that write."""
    skip_unless_root()
    with shared_folder() as folder:
        data, home = folder / "data", folder / "home"
        home.mkdir(mode=0o777)
        home.chmod(0o777)
        env = {"FOOTNOTE_DATA_DIR": str(data), "FOOTNOTE_EMBEDDINGS": "fake"}
        assert run_cli("ingest", str(SEEDS), env=env).returncode == 0
        catalog = data / "manifest-local-footnote.sqlite3"
        writer = sqlite3.connect(catalog, isolation_level=None)
        try:
            writer.execute("PRAGMA journal_mode=WAL")
            writer.execute("DELETE FROM files WHERE source LIKE '000%'")
            assert Path(f"{catalog}-wal").stat().st_size > 0
            make_read_only(data)
            before = fingerprint(data)
            listed = run_as_reader(["-m", "app.cli", "sources", "--json"], env, home)
            assert listed.returncode == 0, listed.stderr
            assert len(json.loads(listed.stdout)) == len(list(SEEDS.iterdir())) - 1
            assert fingerprint(data) == before
        finally:
            writer.close()


def test_uploads_are_refused_before_anything_is_saved(shared) -> None:
    data, env, home = shared
    before = fingerprint(data)
    code = ("from app.ui.uploads import ingest_uploads\n"
            "from common.config import load_settings\n"
            "from common.errors import ReadOnlyError\n"
            "from vectorstore.index import Index\n"
            "settings = load_settings()\n"
            "try:\n"
            "    ingest_uploads(Index(settings), [('a.txt', b'Some text.')],\n"
            "                   settings.data_dir / 'uploads')\n"
            "except ReadOnlyError as exc:\n"
            "    print(exc)\n")
    result = run_as_reader(["-c", code], env, home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"The data folder {data} is read-only: ")
    assert fingerprint(data) == before


def test_accounts_are_read_and_failed_logins_counted_in_memory(shared) -> None:
    data, env, home = shared
    before = fingerprint(data)
    code = ("from app.accounts import Accounts, LoginRefused\n"
            "from common.config import load_settings\n"
            "from vectorstore.users import make_user_store\n"
            "settings = load_settings()\n"
            "accounts = Accounts(make_user_store(settings), settings)\n"
            "for _ in range(10):\n"
            "    try:\n"
            "        accounts.log_in('alice', 'wrong')\n"
            "    except LoginRefused as exc:\n"
            "        print(exc)\n")
    result = run_as_reader(["-c", code], env | {"FOOTNOTE_AUTH": "password"}, home)
    assert result.returncode == 0, result.stderr
    assert "Wrong user name or password." in result.stdout
    assert "Too many failed attempts" in result.stdout  # throttled, with nothing written
    signed = ("from app.accounts import Accounts\n"
              "from common.config import load_settings\n"
              "from vectorstore.users import make_user_store\n"
              "settings = load_settings()\n"
              "accounts = Accounts(make_user_store(settings), settings)\n"
              f"print(accounts.account(accounts.log_in('alice', {PASSWORD!r})))\n")
    result = run_as_reader(["-c", signed], env | {"FOOTNOTE_AUTH": "password"}, home)
    assert result.returncode == 0, result.stderr
    assert "alice" in result.stdout and "admin" in result.stdout
    listed = run_as_reader(["-m", "app.cli", "users", "list"], env, home)
    assert listed.returncode == 0 and listed.stdout.startswith("alice\tadmin")
    refused = run_as_reader(["-m", "app.cli", "users", "add", "bob", "--password-stdin"],
                            env, home)
    assert refused.returncode == 2
    assert refused.stderr.startswith(f"footnote: The data folder {data} is read-only: ")
    assert fingerprint(data) == before


def test_eval_asks_for_a_report_folder_it_can_write(shared) -> None:
    data, env, home = shared
    result = run_as_reader(["-m", "app.cli", "eval", "--make-questions", "2", "--llm",
                            "extractive"], env, home)
    assert result.returncode == 2
    assert result.stderr == (f"footnote: The data folder {data} is read-only, so the report "
                             "cannot be kept there: name a folder you can write with --out.\n")


def test_a_lost_vector_store_is_reported_to_the_reader_with_who_can_repair_it() -> None:
    skip_unless_root()
    with shared_folder() as folder:
        data, home = folder / "data", folder / "home"
        home.mkdir(mode=0o777)
        home.chmod(0o777)
        env = {"FOOTNOTE_DATA_DIR": str(data), "FOOTNOTE_EMBEDDINGS": "fake"}
        assert run_cli("ingest", str(SEEDS), env=env).returncode == 0
        shutil.rmtree(data / "chroma")
        make_read_only(data)
        before = fingerprint(data)
        listed = run_as_reader(["-m", "app.cli", "sources"], env, home)
        assert listed.returncode == 0, listed.stderr
        assert listed.stderr.startswith(f"footnote: warning: The vector store at {data / 'chroma'}"
                                        " holds 0 of the ")
        assert "Its owner can repair it with: footnote ingest" in listed.stderr
        assert fingerprint(data) == before and not (data / "chroma").exists()


def test_a_read_only_mount_is_read_even_by_root(tmp_path: Path) -> None:
    """Root may write any file, but not on a read-only mount: os.access says so (EROFS)."""
    skip_unless_root()
    data, mount = tmp_path / "data", tmp_path / "mount"
    mount.mkdir()
    env = {"FOOTNOTE_DATA_DIR": str(mount), "FOOTNOTE_EMBEDDINGS": "fake"}
    assert run_cli("ingest", str(SEEDS), env=env | {"FOOTNOTE_DATA_DIR": str(data)}
                   ).returncode == 0
    before = fingerprint(data)
    found = run_on_read_only_mount(data, mount, ["-m", "app.cli", "search", "Shusha", "--json"],
                                   env, tmp_path)
    if found.returncode == 99:
        pytest.skip("no bind mounts here")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)[0]["source"] == "002_azerbaijan-takes-shusha.txt"
    refused = run_on_read_only_mount(data, mount, ["-m", "app.cli", "ingest", str(SEEDS)], env,
                                     tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.startswith(f"footnote: The data folder {mount} is read-only: ")
    assert fingerprint(data) == before and not any(mount.iterdir())
