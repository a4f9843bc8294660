"""A general cleaner for text pulled from web pages and office files.

It removes what readers never see (zero-width and Unicode tag characters, control codes) and the
debris that web pages wrap around an article: sign-up boxes, "Loading..." placeholders, "Read more:"
teasers, comment boxes, share/follow widgets, copyright footers, photo credits, and lines repeated
verbatim (a headline or caption printed twice). The rules describe *kinds* of debris, not the
seeds' exact strings, so they hold on pages they were not written for.
"""

from __future__ import annotations

import re
import unicodedata

# Bump when the cleaning rules change: the index re-processes every file on the next ingest.
CLEANER_VERSION = "1"

# Zero-width and formatting characters, bidi overrides, and the Unicode tag block (U+E0000-E007F):
# invisible to a reader, yet they carry hidden instructions or break matching.
_INVISIBLE = re.compile(
    "[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
    "\U000e0000-\U000e007f]"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")

_SHORT = 14  # words: boilerplate rules only fire on lines this short, never on prose paragraphs

_BOILERPLATE = [
    # newsletter and account boxes
    r".*\b(newsletter|subscribe|subscription|sign[ -]?up|signup|log ?in to|register now)\b.*",
    r"(thank you|thanks) for (signing|sign|subscribing|registering|joining|your)\b.{0,30}",
    # placeholders left by scripts that did not run
    r"(loading|please wait|processing|buffering)\W*",
    # teasers that link to other articles
    r"(read more|read also|also read|related|see also|more on this|recommended|watch|listen)"
    r"\s*(:|\||»|>).*",
    # comment boxes
    r".*\b(be the first to comment|leave a (reply|comment)|post a comment|add a comment"
    r"|comments? (are|is) closed|join the (conversation|discussion)|akismet"
    r"|your email address will not be published)\b.*",
    r"\d+\s+comments?",
    r"comments?( \(\d+\))?",
    # share / follow widgets, navigation, ads, cookie banners
    r"(follow( us)?( on \w+)?|share( this)?( article| story| page)?( on \w+)?|tweet|print|e-?mail"
    r"|short ?url|advertisement|sponsored( content)?|skip to (main )?content|back to top"
    r"|(accept|manage)( all)? cookies|cookie (settings|policy|preferences)|menu|search)\W*",
    # time stamps of the page, not of the story
    r"(updated|published|posted|last (modified|updated))\b[^.!?]{0,60}",
]
# Footers recognisable at any length: a rights notice is never part of the story.
_FOOTER_RE = re.compile(
    r"(©|\(c\) ?\d{4}|copyright\b).*|.*\ball rights reserved\b.*", re.IGNORECASE
)
_BOILERPLATE_RE = re.compile("|".join(f"(?:{p})" for p in _BOILERPLATE), re.IGNORECASE)
# A photo or agency credit alone on its line, "AP" or "(AFP)": case matters, so it stands apart.
_CREDIT_RE = re.compile(r"\(?[A-Z]{2,12}\)?")
_SENTENCE_END = re.compile(r"[.!?…:;\"”’)\]]$")


def strip_invisible(text: str) -> str:
    """Drop characters a reader cannot see; normalise line ends and spaces."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text.replace("\t", " "))
    return text


def is_boilerplate(line: str) -> bool:
    """True for a short line of web-page furniture (see the module docstring)."""
    words = line.split()
    if not words:
        return False
    if _FOOTER_RE.fullmatch(line):
        return True
    if len(words) > _SHORT:
        return False
    return bool(_CREDIT_RE.fullmatch(line) or _BOILERPLATE_RE.fullmatch(line))


def _dedupe_key(line: str) -> str | None:
    """Lines long enough to be a headline or caption are compared case- and space-blind."""
    if len(line.split()) < 4:
        return None
    return re.sub(r"\W+", " ", line.casefold()).strip()


def clean_text(text: str) -> str:
    """Return the readable text of a page: paragraphs kept, furniture and repeats removed."""
    lines = [_SPACES.sub(" ", line).strip() for line in strip_invisible(text).split("\n")]
    kept: list[str] = []
    seen: set[str] = set()
    for line in lines:
        if line and is_boilerplate(line):
            continue
        key = _dedupe_key(line) if line else None
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        kept.append(line)
    _drop_trailing_fragments(kept)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def _drop_trailing_fragments(lines: list[str]) -> None:
    """Remove short lines without sentence punctuation after the story's last sentence.

    Footers such as a byline, a section name or a widget label ("Route 6") end many pages;
    a heading never ends a document.
    """
    while lines and (not lines[-1] or (
        len(lines[-1].split()) < 6 and not _SENTENCE_END.search(lines[-1])
    )):
        lines.pop()
