"""Test documents made on the spot: real PDFs, DOCX files, and every kind of bad input."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path


def make_pdf(path: Path, pages: list[str], title: str = "", password: str | None = None) -> Path:
    from pypdf import PdfReader, PdfWriter
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    if title:
        pdf.setTitle(title)
    for text in pages:
        y = 800
        for line in text.split("\n"):
            pdf.drawString(50, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()
    if password is None:
        path.write_bytes(buffer.getvalue())
        return path
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buffer.getvalue())))
    writer.encrypt(user_password=password, owner_password=password, algorithm="AES-256")
    with path.open("wb") as out:
        writer.write(out)
    return path


def make_docx(path: Path, heading: str, paragraphs: list[str], title: str = "") -> Path:
    import docx

    document = docx.Document()
    if title:
        document.core_properties.title = title
    document.add_heading(heading, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def make_zip_bomb_docx(path: Path, inflated_mb: int = 60) -> Path:
    """A zip that names itself .docx and inflates to `inflated_mb` of zeros."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(inflated_mb):
                member.write(block)
    return path


def make_bad_folder(folder: Path, outside: Path) -> dict[str, str]:
    """Write every kind of bad input into `folder`; return {file name: expected outcome}.

    Outcomes: "ok" (must be ingested) or a word the failure reason must contain.
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "good.txt").write_text("Marinas on Lake Tahoe reopened in June after the flood.\n")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "random.txt").write_bytes(os.urandom(4096))
    (folder / "cp1252.txt").write_bytes("Le café était naïve – “très” bon.".encode("cp1252"))
    (folder / "utf16.txt").write_bytes("Привет, мир: the UTF-16 file speaks of glaciers.".encode(
        "utf-16"))
    (folder / "special.txt").write_text("Before the token <|endoftext|> and after it, text.\n")
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage\n")
    make_pdf(folder / "locked.pdf", ["A secret memo about the budget."], password="hunter2")
    (folder / "corrupt.docx").write_bytes(b"PK\x03\x04 this is not really a zip archive")
    make_zip_bomb_docx(folder / "bomb.docx")
    (folder / "huge.txt").write_bytes(b"word " * (600 * 1024))  # 3 MB, over a 2 MB limit
    secret = outside / "secret.txt"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_text("A file outside the ingested folder must never be indexed.\n")
    (folder / "link.txt").symlink_to(secret)
    return {
        "good.txt": "ok", "cp1252.txt": "ok", "utf16.txt": "ok", "special.txt": "ok",
        "empty.txt": "empty", "random.txt": "not text", "corrupt.pdf": "corrupt",
        "locked.pdf": "password", "corrupt.docx": "corrupt", "bomb.docx": "zip bomb",
        "huge.txt": "FOOTNOTE_MAX_FILE_MB", "link.txt": "outside",
    }
