"""Settings: one object read from the environment and `.env`; see `.env.example` for each key."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from common.errors import ConfigError


class Settings(BaseSettings):
    """Every knob Footnote has. Field aliases are the environment variable names."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    openai_api_key: str | None = Field(default=None, alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, alias="OPENAI_BASE_URL")
    data_dir: Path = Field(default=Path(".footnote"), alias="FOOTNOTE_DATA_DIR")
    # Secret, so it is never shown by a repr or a log line (it may hold a password).
    database_url: SecretStr | None = Field(default=None, alias="FOOTNOTE_DATABASE_URL")
    embeddings: Literal["local", "openai", "fake"] = Field(
        default="local", alias="FOOTNOTE_EMBEDDINGS"
    )
    embedding_model: str | None = Field(default=None, alias="FOOTNOTE_EMBEDDING_MODEL")
    # How the local model runs: onnx (made once from the installed weights, about twice as
    # fast) or torch; an index built by one is searched by the other.
    embedding_runtime: Literal["onnx", "torch"] = Field(default="onnx",
                                                        alias="FOOTNOTE_EMBEDDING_RUNTIME")
    # Models made on this machine (the ONNX file); empty: $XDG_CACHE_HOME/footnote or
    # ~/.cache/footnote.
    cache_dir: Path | None = Field(default=None, alias="FOOTNOTE_CACHE_DIR")
    chroma_host: str | None = Field(default=None, alias="CHROMA_HOST")
    chroma_port: int = Field(default=8000, ge=1, le=65535, alias="CHROMA_PORT")
    collection: str = Field(
        default="footnote", pattern=r"^[a-zA-Z0-9][a-zA-Z0-9._-]{1,510}[a-zA-Z0-9]$",
        alias="FOOTNOTE_COLLECTION",
    )
    chunk_tokens: int = Field(default=180, ge=32, le=2000, alias="FOOTNOTE_CHUNK_TOKENS")
    chunk_overlap: int = Field(default=30, ge=0, alias="FOOTNOTE_CHUNK_OVERLAP")
    max_file_mb: float = Field(default=50.0, gt=0, alias="FOOTNOTE_MAX_FILE_MB")
    embed_batch: int = Field(default=256, ge=1, le=4096, alias="FOOTNOTE_EMBED_BATCH")
    # Where `footnote serve` listens: this machine only by default; beyond loopback (0.0.0.0,
    # several app servers behind a proxy) only with logins on.
    serve_address: str = Field(default="127.0.0.1", min_length=1,
                               alias="FOOTNOTE_SERVE_ADDRESS")
    # none: one local user, no login. password: accounts (`footnote users add`), a login page,
    # only admins upload or remove documents.
    auth: Literal["none", "password"] = Field(default="none", alias="FOOTNOTE_AUTH")
    # Signs login sessions; unset, a random key is made once and kept in the database.
    secret_key: SecretStr | None = Field(default=None, alias="FOOTNOTE_SECRET_KEY")
    session_hours: float = Field(default=12.0, gt=0, le=24 * 90, alias="FOOTNOTE_SESSION_HOURS")

    llm: Literal["auto", "openai", "local", "extractive", "fake"] = Field(
        default="auto", alias="FOOTNOTE_LLM"
    )
    openai_model: str = Field(default="gpt-4o-mini", min_length=1, alias="FOOTNOTE_OPENAI_MODEL")
    openai_timeout: float = Field(default=30.0, gt=0, alias="FOOTNOTE_OPENAI_TIMEOUT")
    openai_max_retries: int = Field(default=2, ge=0, le=10, alias="FOOTNOTE_OPENAI_MAX_RETRIES")
    openai_context: int | None = Field(default=None, ge=512, alias="FOOTNOTE_OPENAI_CONTEXT")
    local_model_path: Path | None = Field(default=None, alias="FOOTNOTE_LOCAL_MODEL_PATH")
    local_context: int = Field(default=2048, ge=512, le=131072, alias="FOOTNOTE_LOCAL_CONTEXT")
    # What runs the local model: llama-cpp (llama-cpp-python, the `local` extra), transformers
    # (installed with Footnote), or auto: llama-cpp when installed, else transformers.
    local_runtime: Literal["auto", "llama-cpp", "transformers"] = Field(
        default="auto", alias="FOOTNOTE_LOCAL_RUNTIME")
    top_k: int = Field(default=5, ge=1, le=50, alias="FOOTNOTE_TOP_K")
    strict: bool = Field(default=True, alias="FOOTNOTE_STRICT")
    max_answer_tokens: int = Field(default=300, ge=16, le=4096, alias="FOOTNOTE_MAX_ANSWER_TOKENS")

    @field_validator("chroma_host", "openai_api_key", "openai_base_url", "embedding_model",
                     "local_model_path", "cache_dir", "openai_context", "secret_key", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("database_url", mode="before")
    @classmethod
    def _postgres_or_unset(cls, value: object) -> object:
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        if not raw:
            return None
        if not str(raw).startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
            # A bare ValueError would echo the value, password included.
            raise ValueError("must start with postgresql:// (leave it empty for SQLite files "
                             "under FOOTNOTE_DATA_DIR)")
        return raw

    @field_validator("chunk_overlap")
    @classmethod
    def _overlap_below_size(cls, value: int, info) -> int:
        size = info.data.get("chunk_tokens")
        if size is not None and value >= size:
            raise ValueError(f"must be smaller than FOOTNOTE_CHUNK_TOKENS ({size})")
        return value

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning pydantic's report into one sentence that names the key."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "?"
        info = Settings.model_fields.get(field)
        key = (info.alias if info and info.alias else field).upper()
        value = err.get("input")
        secret = key == "FOOTNOTE_DATABASE_URL"  # may hold a password
        shown = "" if secret or isinstance(value, dict) else f" {value!r}"
        reason = err["msg"].removeprefix("Value error, ")
        raise ConfigError(f"Setting {key} has a bad value{shown}: {reason}.") from None
