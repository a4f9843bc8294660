"""Uploads are checked by content, saved under safe names without overwriting, then indexed."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from app.ui.uploads import check_upload, ingest_uploads, remove_document, safe_name, save_upload
from vectorstore.index import Index

MB = 1024 * 1024


def docx_bytes(text: str = "Hello from a docx.") -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_bytes(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


@pytest.mark.unit
@pytest.mark.parametrize("name, expected", [
    ("report.pdf", "report.pdf"),
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\win.ini.txt", "win.ini.txt"),
    ("/abs/path/notes.MD", "notes.md"),
    (".hidden.txt", "hidden.txt"),
    ("..", "upload"),
    ("a b;rm -rf ~.txt", "a_b_rm_-rf.txt"),
    ("x\x00y\n.txt", "x_y.txt"),
    ("Ünïcode naïve.txt", "Ünïcode_naïve.txt"),
])
def test_safe_name(name: str, expected: str) -> None:
    assert safe_name(name) == expected
    assert "/" not in safe_name(name) and not safe_name(name).startswith(".")


@pytest.mark.unit
@pytest.mark.parametrize("name, data, reason", [
    ("a.pdf", b"hello, not a pdf", "not a PDF"),
    ("a.docx", b"PK\x03\x04 broken zip", "not a DOCX"),
    ("a.docx", zip_bytes(["other.xml"]), "no word/document.xml"),
    ("a.txt", b"\x00\x01\x02\x03" * 100, "not text"),
    ("a.txt", b"%PDF-1.7 a pdf renamed", "a PDF or an archive"),
    ("a.md", zip_bytes(["word/document.xml"]), "a PDF or an archive"),
    ("a.txt", b"   \n ", "empty"),
    ("a.exe", b"MZ...", "unsupported file type"),
    ("noext", b"text", "unsupported file type"),
    ("big.txt", b"a" * (2 * MB), "over the limit of 1 MB"),
])
def test_check_upload_refuses_by_content(name: str, data: bytes, reason: str) -> None:
    refusal = check_upload(name, data, max_bytes=MB)
    assert refusal and reason in refusal


@pytest.mark.unit
def test_check_upload_accepts_real_files() -> None:
    assert check_upload("a.txt", "héllo wörld".encode(), MB) is None
    assert check_upload("a.html", b"<p>hi</p>", MB) is None
    assert check_upload("a.pdf", b"%PDF-1.4\n...", MB) is None
    assert check_upload("a.docx", docx_bytes(), MB) is None


@pytest.mark.unit
def test_save_never_overwrites_a_different_file(tmp_path: Path) -> None:
    first, created = save_upload("notes.txt", b"one", tmp_path)
    assert created and first.name == "notes.txt"
    same, created = save_upload("notes.txt", b"one", tmp_path)
    assert same == first and not created
    other, created = save_upload("../notes.txt", b"two", tmp_path)
    assert created and other.name == "notes-1.txt" and first.read_bytes() == b"one"
    taken, _ = save_upload("notes.txt", b"three", tmp_path, taken=lambda p: p.name != "notes-2.txt")
    assert taken.name == "notes-2.txt"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes-1.txt", "notes-2.txt",
                                                         "notes.txt"]


@pytest.mark.integration
def test_ingest_uploads_reports_each_file(make_settings, fresh_database, tmp_path: Path) -> None:
    index = Index(make_settings(database_url=fresh_database()))
    folder = tmp_path / "data" / "uploads"
    files = [("../ok.txt", b"The Zorblat festival is held in Quillon every April."),
             ("fake.pdf", b"not a pdf at all"),
             ("broken.pdf", b"%PDF-1.4\nthis is not really a pdf"),
             ("doc.docx", docx_bytes("The Velmora lantern glows blue at dusk."))]
    results = ingest_uploads(index, files, folder)
    assert [(r.name, r.status) for r in results] == [
        ("../ok.txt", "added"), ("fake.pdf", "failed"), ("broken.pdf", "failed"),
        ("doc.docx", "added")]
    assert "not a PDF" in results[1].detail and results[2].detail
    assert results[0].detail == "saved as ok.txt"
    assert {s.source for s in index.sources()} == {"ok.txt", "doc.docx"}
    assert sorted(p.name for p in folder.iterdir()) == ["doc.docx", "ok.txt"]  # failures removed
    # the bytes of each indexed upload are kept in the catalog, the failed ones are not
    by_name = {s.source: s.sha256 for s in index.sources()}
    assert index.original_shas() == set(by_name.values())
    assert index.original(by_name["doc.docx"]) == files[3][1]

    again = ingest_uploads(index, [("ok.txt", files[0][1]), ("ok.txt", b"Different text.")],
                           folder)
    assert [(r.status, r.source) for r in again] == [("unchanged", "ok.txt"),
                                                    ("added", "ok-1.txt")]

    assert remove_document(index, "ok.txt", folder) == 1
    assert not (folder / "ok.txt").exists()
    assert {s.source for s in index.sources()} == {"ok-1.txt", "doc.docx"}
    assert index.original(by_name["ok.txt"]) is None  # gone with the last file that had it
    assert index.original_shas() == {s.sha256 for s in index.sources()}


@pytest.mark.integration
def test_upload_named_like_an_indexed_file_elsewhere_gets_a_suffix(make_settings,
                                                                   tmp_path: Path) -> None:
    from ingest.sync import Indexer

    index = Index(make_settings())
    elsewhere = tmp_path / "docs"
    elsewhere.mkdir()
    (elsewhere / "notes.txt").write_text("Indexed from another folder.")
    Indexer(index).ingest([elsewhere])
    results = ingest_uploads(index, [("notes.txt", b"An upload with the same name.")],
                             tmp_path / "data" / "uploads")
    assert results[0].status == "added" and results[0].source == "notes-1.txt"
    assert sorted(s.source for s in index.sources()) == ["notes-1.txt", "notes.txt"]
