"""Stage `markup`: what in an article is not prose, and must never be edited or flagged.

In every format: URLs and e-mail addresses. In Markdown (`.md` files, or a JSONL record with
`"format": "markdown"`), parsed with markdown-it-py: fenced and indented code blocks, HTML
blocks, inline code, link and image targets, autolinks, reference definitions and inline
HTML tags. Link *text* is prose and is checked, but no edit may cross into the markup around
it. The spans are kept on the document (`Document.protected`) and move with its edits; the
document refuses any change and drops any finding that touches one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from cleanup.document import Document

if TYPE_CHECKING:  # pragma: no cover
    from cleanup.resources import Resources

STAGE = "markup"
MARKDOWN = "markdown"

# a scheme starts a URL whatever stands before it (no \b: `0https://…` must be protected the same
# whether or not an invisible control character, removed later, stood between)
_URL = re.compile(
    r"(?:https?|ftp)://[^\s<>\"'“”]+[^\s<>\"'“”.,;:!?)\]]|\bwww\.[a-z0-9-]+\.[^\s<>\"'“”]*[^\s<>\"'“”.,;:!?)\]]",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)
_LINK_TARGET = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_AUTOLINK = re.compile(r"<(?:[a-z][a-z0-9+.-]*:[^\s<>]*|[^\s<>@]+@[^\s<>]+)>", re.IGNORECASE)
_REFERENCE = re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:[^\n]*$", re.MULTILINE)
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>\n]*)?/?>|<!--.*?-->", re.DOTALL)


def markdown_spans(text: str) -> list[tuple[int, int]]:
    """Spans of a Markdown text that are code or markup, not prose."""
    from markdown_it import MarkdownIt  # loaded only for Markdown articles

    line_starts = [0]
    for m in re.finditer("\n", text):
        line_starts.append(m.end())
    line_starts.append(len(text))

    def line_span(first: int, last: int) -> tuple[int, int]:
        return line_starts[min(first, len(line_starts) - 1)], line_starts[min(last, len(line_starts) - 1)]

    spans = []
    for token in MarkdownIt("commonmark").parse(text):
        if token.type in ("fence", "code_block", "html_block") and token.map:
            spans.append(line_span(*token.map))
    blocks = sorted(spans)

    def in_block(pos: int) -> bool:
        return any(s <= pos < e for s, e in blocks)

    for pattern in (_INLINE_CODE, _LINK_TARGET, _AUTOLINK, _REFERENCE, _HTML_TAG):
        spans += [m.span() for m in pattern.finditer(text) if not in_block(m.start())]
    return spans


def protected_spans(text: str, fmt: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _URL.finditer(text)] + [m.span() for m in _EMAIL.finditer(text)]
    if fmt == MARKDOWN:
        spans += markdown_spans(text)
    return sorted(set(spans))


class MarkupStage:
    """Marks the spans no later stage may touch."""

    name = STAGE

    def __init__(self, resources: Resources):
        self.resources = resources

    def run(self, doc: Document) -> None:
        fmt = doc.article.format if doc.article is not None else "text"
        doc.protect(protected_spans(doc.text, fmt))
