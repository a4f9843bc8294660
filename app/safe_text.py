"""Text from a document or a model, made safe to pass to `st.markdown` (and widget labels).

Streamlit renders Markdown plus its own extensions: `:red[...]` directives, `$...$` maths,
`:emoji:` codes, GitHub autolinks (`www.x.com`, `https://...`, e-mail addresses). A document or a
model could use any of these to show a live link (`[click](javascript:...)`), load an image that
calls home (`![](https://tracker/...)`) or restyle the page. Rather than spot-fixing each syntax,
`escape_markdown` backslash-escapes every ASCII punctuation character, which CommonMark defines as
always literal when escaped: the reader sees exactly the original characters and no syntax
survives, including autolinks (their `:` and `.` are escaped, which breaks the pattern).
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence

from common.text import MARKER

_ESCAPE = {ord(c): "\\" + c for c in string.punctuation}
# Private-use characters stand for the bold marks while the text is escaped; the text's own are
# dropped first, so only Footnote's marks become bold.
_BOLD_OPEN, _BOLD_CLOSE = "\ue000", "\ue001"
_NO_BOLD = {ord(_BOLD_OPEN): None, ord(_BOLD_CLOSE): None}
PREVIEW_CHARS = 320  # of a citation's preview shown on hover
_LEADING_SPACE = re.compile(r"(?m)^[ \t]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def escape_markdown(text: str) -> str:
    """The text, rendered literally by Markdown: no links, images, HTML, maths or styling.

    Line breaks are kept (paragraphs stay paragraphs, single newlines become hard breaks);
    leading indentation is dropped so it cannot turn a line into a code block; control and
    bidirectional-override characters are removed so they cannot disguise what is shown."""
    escaped = _plain(text).translate(_ESCAPE)
    paragraphs = re.split(r"\n\s*\n", escaped)
    return "\n\n".join(p.strip("\n").replace("\n", "  \n") for p in paragraphs)


# For a file the user reads as text too: only what can start Markdown syntax is escaped, so
# "Tonoyan's 44-day war (2020)." stays as written, while no link, image, HTML, code, emphasis,
# maths or autolink can form.
_FILE_SYNTAX = {ord(c): "\\" + c for c in "\\`*_[]<>~$|@"}
_LINE_START = re.compile(r"(?m)^(\s*)([#>+=-]|\d+(?=[.)]))")
_WWW = re.compile(r"(?i)\b(www)\.")


def escape_markdown_readable(text: str) -> str:
    """Like `escape_markdown`, but escaping only the characters that can begin syntax, for a
    Markdown file that people also read as plain text (the chat export)."""
    text = _plain(text).translate(_FILE_SYNTAX).replace("://", ":\\/\\/")  # no autolinks
    text = _WWW.sub(r"\1\\.", text)
    return _LINE_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}" if not m.group(2).isdigit()
                           else f"{m.group(1)}{m.group(2)}\\", text)


def _plain(text: str) -> str:
    """Unix line ends, no control or direction-override characters, no leading indentation
    (which would make a code block)."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _LEADING_SPACE.sub("", text)


def plain_label(text: str, limit: int = 80) -> str:
    """Short, escaped text for a widget label or heading (labels accept Markdown too)."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return escape_markdown(flat)


def answer_markdown(answer: str, anchor_prefix: str | None = None,
                    span: Sequence[int] | None = None,
                    previews: Mapping[int, str] | None = None) -> str:
    """A checked answer as Markdown: its text escaped, its citation markers `[1]`, `[2, 3]` kept
    as badges that, given `anchor_prefix`, link to the source cards `#{anchor_prefix}-{n}` on the
    same page (an in-page jump; the session survives, no new tab), with `previews[n]` (the
    quote and where it stands) shown on hover; the answer's `span` (the asked name, date or
    number) in bold."""
    answer = answer.translate(_NO_BOLD)
    if span and 0 <= span[0] < span[1] <= len(answer):
        a, b = span
        answer = f"{answer[:a]}{_BOLD_OPEN}{answer[a:b]}{_BOLD_CLOSE}{answer[b:]}"
    parts: list[str] = []
    last = 0
    for match in MARKER.finditer(answer):
        parts.append(escape_markdown(answer[last:match.start()]))
        numbers = [int(n) for n in re.split(r"[,;]", match.group(1)) if n.strip()]
        parts.append(" " + " ".join(_badge(n, anchor_prefix, (previews or {}).get(n))
                                    for n in numbers))
        last = match.end()
    parts.append(escape_markdown(answer[last:]))
    return "".join(parts).replace(_BOLD_OPEN, "**").replace(_BOLD_CLOSE, "**")


def _badge(n: int, anchor_prefix: str | None, preview: str | None) -> str:
    if anchor_prefix and re.fullmatch(r"[A-Za-z0-9_-]+", anchor_prefix):
        # a link title: the browser shows it as plain text on hover (escaped like any text)
        title = f' "{plain_label(preview, PREVIEW_CHARS)}"' if preview else ""
        return f":blue-badge[[{n}](#{anchor_prefix}-{n}{title})]"
    return f":blue-badge[{n}]"
