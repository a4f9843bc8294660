"""Settings: defaults, environment, and one readable sentence for a bad value."""

from __future__ import annotations

from pathlib import Path

import pytest

from common.config import load_settings
from common.errors import ConfigError
from tests.conftest import run_cli

pytestmark = pytest.mark.unit


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings()
    assert settings.data_dir == Path(".footnote")
    assert settings.embeddings == "local"
    assert settings.chroma_host is None


def test_env_file_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("FOOTNOTE_CHUNK_TOKENS=150\nCHROMA_HOST=db.local\n")
    monkeypatch.setenv("CHROMA_PORT", "9001")
    settings = load_settings()
    assert (settings.chunk_tokens, settings.chroma_host, settings.chroma_port) == (
        150, "db.local", 9001)


@pytest.mark.parametrize("key,value", [
    ("FOOTNOTE_CHUNK_TOKENS", "lots"), ("CHROMA_PORT", "70000"),
    ("FOOTNOTE_EMBEDDINGS", "magic"), ("FOOTNOTE_MAX_FILE_MB", "-1"),
    ("FOOTNOTE_COLLECTION", "a/b"),
])
def test_bad_value_names_the_key(monkeypatch: pytest.MonkeyPatch, key: str, value: str) -> None:
    monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError, match=key):
        load_settings()


def test_overlap_must_be_below_chunk_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOOTNOTE_CHUNK_TOKENS", "100")
    monkeypatch.setenv("FOOTNOTE_CHUNK_OVERLAP", "100")
    with pytest.raises(ConfigError, match="FOOTNOTE_CHUNK_OVERLAP"):
        load_settings()


def test_cli_prints_one_sentence_not_a_traceback(tmp_path: Path) -> None:
    result = run_cli("sources", env={"FOOTNOTE_CHUNK_TOKENS": "lots"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "FOOTNOTE_CHUNK_TOKENS" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_local_embedder_refuses_a_model_it_does_not_ship(make_settings) -> None:
    from vectorstore.embeddings import make_embeddings

    assert make_embeddings(make_settings(embeddings="local",
                                         embedding_model="sentence-transformers/all-MiniLM-L6-v2"))
    with pytest.raises(ConfigError, match="FOOTNOTE_EMBEDDING_MODEL"):
        make_embeddings(make_settings(embeddings="local", embedding_model="bge-large"))


def test_database_url_is_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOOTNOTE_DATABASE_URL", "mysql://ann:hunter2@db.example/footnote")
    with pytest.raises(ConfigError, match="FOOTNOTE_DATABASE_URL") as refused:
        load_settings()
    assert "hunter2" not in str(refused.value)
    monkeypatch.setenv("FOOTNOTE_DATABASE_URL", "postgresql://ann:hunter2@db.example/footnote")
    settings = load_settings()
    assert "hunter2" not in repr(settings) and "hunter2" not in str(settings.model_dump())


def test_every_setting_is_documented_in_env_example() -> None:
    from common.config import Settings

    example = (Path(__file__).resolve().parents[2] / ".env.example").read_text()
    documented = {line.split("=", 1)[0] for line in example.splitlines()
                  if line and not line.startswith("#")}
    assert documented == {field.alias for field in Settings.model_fields.values()}
