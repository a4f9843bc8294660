"""One function per file format: bytes in, `Extracted` text out (before cleaning).

Each loader raises `IngestError` with a reason a user understands; nothing else escapes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from common.errors import IngestError
from ingest.decode import decode_text


@dataclass
class Extracted:
    """Raw text per page, plus what the format says about titles and headings."""

    pages: list[str]
    title: str = ""
    headings: set[str] = field(default_factory=set)
    paged: bool = False  # True when `pages` are real pages (PDF), so chunks record a page


def load_plain(data: bytes) -> Extracted:
    return Extracted(pages=[decode_text(data)])


_MD_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def load_markdown(data: bytes) -> Extracted:
    text = decode_text(data)
    headings = {m.group(0).strip() for m in _MD_HEADING.finditer(text)}
    return Extracted(pages=[text], headings=headings)


_HIDDEN_STYLE = re.compile(r"(display\s*:\s*none|visibility\s*:\s*hidden)", re.IGNORECASE)
_BLOCK_TAGS = [
    "p", "div", "section", "article", "header", "footer", "aside", "nav", "main", "li", "ul", "ol",
    "table", "tr", "blockquote", "pre", "figure", "figcaption", "h1", "h2", "h3", "h4", "h5",
    "h6", "dt", "dd", "br", "hr", "td", "th",
]
_INVISIBLE_TAGS = ["script", "style", "noscript", "template", "iframe", "svg", "canvas", "head",
                   "object", "embed", "form", "button", "input", "select", "textarea"]


def load_html(data: bytes) -> Extracted:
    """Visible text only: scripts, styles and elements hidden by CSS or attributes are dropped."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode_text(data), "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup.find_all(_INVISIBLE_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        attrs = tag.attrs or {}
        if ("hidden" in attrs or str(attrs.get("aria-hidden", "")).lower() == "true"
                or _HIDDEN_STYLE.search(str(attrs.get("style", "")))):
            tag.decompose()
    headings = {h.get_text(" ", strip=True) for h in soup.find_all(re.compile("^h[1-6]$"))}
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    body = soup.body or soup
    return Extracted(pages=[body.get_text()], title=title, headings=headings - {""})


def load_pdf(data: bytes) -> Extracted:
    """Text per page; encrypted PDFs are opened only when the password is empty."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError("the PDF is password-protected")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata.title or "") if reader.metadata else ""
    except IngestError:
        raise
    except FileNotDecryptedError:
        raise IngestError("the PDF is password-protected") from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise IngestError(f"the PDF is corrupt or unreadable ({_short(exc)})") from None
    if not any(p.strip() for p in pages):
        raise IngestError("the PDF has no extractable text (scanned images need OCR first)")
    return Extracted(pages=pages, title=str(title).strip(), paged=True)


# A .docx is a zip; refuse archives that inflate far beyond their size (zip bombs).
_MAX_INFLATED_BYTES = 200 * 1024 * 1024
_MAX_RATIO = 200


def load_docx(data: bytes) -> Extracted:
    """Paragraphs and table rows in reading order; headings from the 'Heading n' styles."""
    _check_zip(data)
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        headings: set[str] = set()
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend(" | ".join(c.text.strip() for c in row.cells) for row in block.rows)
                continue
            text = block.text.strip()
            lines.append(text)
            style = (block.style.name if block.style is not None else "") or ""
            if text and (style.startswith("Heading") or style == "Title"):
                headings.add(text)
        title = document.core_properties.title or ""
    except IngestError:
        raise
    except Exception as exc:  # python-docx raises many unrelated types on broken XML
        raise IngestError(f"the .docx file is corrupt ({_short(exc)})") from None
    return Extracted(pages=["\n\n".join(lines)], title=title.strip(), headings=headings)


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise IngestError("the .docx file is corrupt (not a valid zip archive)") from None
    inflated = sum(m.file_size for m in members)
    packed = max(sum(m.compress_size for m in members), 1)
    if inflated > _MAX_INFLATED_BYTES or inflated / packed > _MAX_RATIO:
        raise IngestError(
            f"the .docx file inflates to {inflated / 1e6:.0f} MB from {packed / 1e6:.2f} MB "
            "(a zip bomb?); refusing to open it"
        )


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]


LOADERS: dict[str, Callable[[bytes], Extracted]] = {
    ".txt": load_plain,
    ".text": load_plain,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
}


def loader_for(path: Path) -> Callable[[bytes], Extracted]:
    """The loader for a file's extension, or IngestError naming the supported ones."""
    try:
        return LOADERS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(LOADERS))
        raise IngestError(f"unsupported file type {path.suffix or '(none)'!r}; "
                          f"supported: {known}") from None
