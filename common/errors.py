"""One small error hierarchy: the core raises these, the CLI and UI print their message."""


class FootnoteError(Exception):
    """Something the user can act on; the message says what and how."""


class ConfigError(FootnoteError):
    """A setting is missing or has a bad value."""


class IngestError(FootnoteError):
    """A file could not be read or indexed; the message names the reason."""


class StoreError(FootnoteError):
    """The vector store cannot be opened or used as asked."""


class EmbedderMismatchError(StoreError):
    """The index was built with another embedder than the one configured."""


class ForeignCollectionError(StoreError):
    """The Chroma collection belongs to another catalog: writing would lose its chunks."""


class CatalogDamagedError(StoreError):
    """The catalog's file cannot be read as a database: it must be built again."""


class ReadOnlyError(StoreError):
    """The data folder cannot be written by this user: reading works, indexing does not."""


class LLMError(FootnoteError):
    """The language model could not produce an answer."""


class LLMUnavailable(LLMError):
    """The model cannot be reached or refuses (key, quota, network, timeout): try another."""


class StreamInterrupted(LLMError):
    """The model stopped mid-answer; what arrived before the cut is kept and marked."""
