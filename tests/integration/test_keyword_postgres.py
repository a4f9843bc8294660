"""Keyword search on PostgreSQL: BM25 from the catalog's own postings, ranked as FTS5 ranks on
SQLite, kept in step with every write, and built in place for a catalog of the first schema;
passages' excerpts read in one go on both catalogs."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.conftest import SEEDS
from vectorstore.catalog import ChunkRecord, ContentRecord, Excerpt, FileRecord
from vectorstore.catalog.postgres import MIGRATIONS, PostgresCatalog
from vectorstore.catalog.sqlite import SQLiteCatalog
from vectorstore.postgres import engine_for, migrate
from vectorstore.retrieval import keyword_terms

pytestmark = pytest.mark.integration

QUERIES = ["Shusha second-largest city", "Kalbajar handover delayed", "peacekeepers Lachin",
           "mulberry tree home", "Aghdam liberation address nation"]


def _seed_records() -> tuple[list[ContentRecord], list[ChunkRecord]]:
    """The five seeds as contents, each paragraph a chunk (the catalog does not care how)."""
    contents, chunks = [], []
    for i, path in enumerate(sorted(SEEDS.glob("*.txt"))):
        body = path.read_text()
        sha = f"{i:064x}"
        parts = [p for p in body.split("\n\n") if p.strip()]
        contents.append(ContentRecord(sha, path.stem, len(parts), body))
        at = 0
        for j, part in enumerate(parts):
            start = body.index(part, at)
            at = start + len(part)
            chunks.append(ChunkRecord(f"{sha}:{j:05d}", sha, part, start, at, None, ""))
    return contents, chunks


def _doc(chunk_id: str) -> str:
    return chunk_id.split(":")[0]


def _totals(catalog: PostgresCatalog) -> tuple[int, int]:
    counted = catalog._db.rows("SELECT count(*), coalesce(sum(size), 0) FROM chunks")[0]
    kept = catalog._db.rows("SELECT chunks, size FROM keyword_totals")[0]
    assert tuple(kept) == tuple(counted)
    return tuple(kept)


def test_postgres_ranks_as_fts5_and_follows_writes(database_url: str, tmp_path) -> None:
    contents, chunks = _seed_records()
    postgres = PostgresCatalog(engine_for(database_url), "footnote")
    sqlite = SQLiteCatalog(tmp_path / "catalog.sqlite3")
    for catalog in (postgres, sqlite):
        catalog.put_contents(contents, chunks)
    assert _totals(postgres) == (len(chunks), _totals(postgres)[1])
    for query in QUERIES:
        terms = keyword_terms(query)
        found = [c for c, _ in postgres.keyword_search(terms, 3)]
        assert found, query  # the same document first (chunk sizes are counted differently)
        assert _doc(found[0]) == _doc(sqlite.keyword_search(terms, 3)[0][0]), query
    # the scores are BM25's: a chunk holding more of the query's rare words scores higher
    scores = dict(postgres.keyword_search(keyword_terms("Kalbajar handover"), 50))
    assert max(scores.values()) > min(scores.values()) > 0

    gone = contents[0].sha256
    postgres.delete_contents([gone])
    _totals(postgres)
    assert not postgres._db.rows("SELECT 1 FROM postings WHERE sha256 = :s", {"s": gone})
    assert all(_doc(c) != gone for query in QUERIES
               for c, _ in postgres.keyword_search(keyword_terms(query), 50))
    postgres.put_contents(contents[:1], [c for c in chunks if c.sha256 == gone])  # again
    assert _totals(postgres)[0] == len(chunks)
    only = [c.sha256 for c in contents[1:2]]
    assert {_doc(c) for c, _ in postgres.keyword_search(
        keyword_terms("Nagorno-Karabakh"), 50, only)} <= set(only)


def test_a_first_schema_catalog_gains_its_keyword_index_in_place(database_url: str) -> None:
    engine = engine_for(database_url)
    migrate(engine, "catalog", MIGRATIONS[:1])  # as the first release left it
    contents, chunks = _seed_records()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO catalog_meta VALUES ('collection', 'footnote'), "
                          "('catalog_id', 'before')"))
        conn.execute(text("INSERT INTO contents VALUES (:sha256, :title, :chunks, :text)"),
                     [vars(r) for r in contents])
        conn.execute(text("INSERT INTO chunks(id, sha256, text, start_at, end_at, page, heading) "
                          "VALUES (:id, :sha256, :text, :start, :end, :page, :heading)"),
                     [vars(c) for c in chunks])
    catalog = PostgresCatalog(engine, "footnote")
    assert catalog.catalog_id == "before"
    assert _totals(catalog)[0] == len(chunks)
    found = catalog.keyword_search(keyword_terms("mulberry tree"), 1)
    assert found and found[0][0].startswith(contents[3].sha256)


def test_excerpts_are_the_same_characters_on_both_catalogs(database_url: str, tmp_path) -> None:
    text = "Naïve café — Ağdam, Şuşa. 12 km south; “quoted” words end here."
    content = ContentRecord("e" * 64, "Title é", 1, text)
    chunk = ChunkRecord("e" * 64 + ":00000", "e" * 64, text, 0, len(text), None, "")
    spans = [("e" * 64, 6, 25), ("f" * 64, 0, 3), ("e" * 64, 0, len(text))]
    for catalog in (PostgresCatalog(engine_for(database_url), "footnote"),
                    SQLiteCatalog(tmp_path / "catalog.sqlite3")):
        catalog.put_contents([content], [chunk])
        catalog.put_files([FileRecord("/docs/b.txt", "b.txt", "e" * 64, 1),
                           FileRecord("/docs/a.txt", "a.txt", "e" * 64, 1)])
        first, missing, whole = catalog.excerpts(spans)
        assert first == Excerpt("Title é", text[6:25], ("a.txt", "b.txt"))
        assert missing is None and whole is not None and whole.text == text
