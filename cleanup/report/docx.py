"""The report as a Word document: each cleaned article with every change as a tracked change.

Editors who live in Word get the cleaned articles as Word shows a colleague's revisions: each
edit is a real tracked change (`w:del` for what it removed, `w:ins` for what it wrote, author
`cleanup`), with a comment naming its stage and rule, so Word's (or LibreOffice's) *Accept* /
*Reject* and *Next change* work on them. A removed or added line break is a tracked paragraph
mark. python-docx (maintained, widely used) builds the document and its comments; it has no
API for revisions, so those are written as the OOXML elements themselves. Characters XML cannot
hold (control characters) are shown as a visible `⟨U+XXXX⟩` label.

    cleanup report out/cleaned.jsonl --format docx        # -> out/report.docx
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

AUTHOR = "cleanup"
# what XML 1.0 cannot carry: shown, never dropped
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", text)


@dataclass
class Segment:
    kind: str  # keep | del | ins
    text: str
    edit: int | None = None


def segments(original: str, edits: list[dict[str, Any]]) -> list[Segment]:
    """The original text cut into what every edit kept, deleted and inserted, in order (the
    edits replayed; a deleted piece stays, taking no room in the running text)."""
    segs = [Segment("keep", original)]
    for n, e in enumerate(edits):
        start, end = e["start"], e["end"]
        out: list[Segment] = []
        pos = 0
        inserted = False
        insertion = Segment("ins", e["after"], n)
        for s in segs:
            if s.kind == "del":
                out.append(s)
                continue
            a, b = pos, pos + len(s.text)
            pos = b
            cuts = sorted({a, b, *(p for p in (start, end) if a < p < b)})
            for x, y in zip(cuts, cuts[1:]):
                if not inserted and x >= end and (x > start or start == end or y > x):
                    out.append(insertion)
                    inserted = True
                piece = s.text[x - a : y - a]
                if start <= x and y <= end and x < y:
                    if s.kind == "keep":
                        out.append(Segment("del", piece, n))
                    # an insertion removed again by a later edit: it never was, for Word
                else:
                    out.append(Segment(s.kind, piece, s.edit))
        if not inserted:
            out.append(insertion)
        segs = [s for s in out if s.text]
    return segs


class TrackedDocument:
    """One Word document; `add_article` appends an article with its edits tracked."""

    def __init__(self, when: datetime | None = None):
        import docx

        self.doc = docx.Document()
        self.date = (when or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
        self._next_id = 1
        self.revisions = 0  # w:ins and w:del written (paragraph marks included)

    def _revision(self, tag: str) -> Any:
        from docx.oxml.ns import qn
        from docx.oxml.parser import OxmlElement

        el = OxmlElement(tag)
        el.set(qn("w:id"), str(self._next_id))
        el.set(qn("w:author"), AUTHOR)
        el.set(qn("w:date"), self.date)
        self._next_id += 1
        self.revisions += 1
        return el

    def _run(self, paragraph: Any, kind: str, text: str) -> Any:
        """A run of `text` in `paragraph`: plain, inside a new w:ins, or deleted (w:delText)."""
        from docx.oxml.ns import qn
        from docx.oxml.parser import OxmlElement
        from docx.text.run import Run

        r = OxmlElement("w:r")
        t = OxmlElement("w:delText" if kind == "del" else "w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = _xml_safe(text)
        r.append(t)
        if kind == "keep":
            paragraph._p.append(r)
        else:
            wrapper = self._revision("w:del" if kind == "del" else "w:ins")
            wrapper.append(r)
            paragraph._p.append(wrapper)
        return Run(r, paragraph)

    def _mark(self, paragraph: Any, kind: str) -> None:
        """Track the paragraph's own mark (its line break) as deleted or inserted."""
        from docx.oxml.parser import OxmlElement

        ppr = paragraph._p.get_or_add_pPr()
        rpr = OxmlElement("w:rPr")
        rpr.append(self._revision("w:del" if kind == "del" else "w:ins"))
        ppr.append(rpr)

    def add_article(self, record: dict[str, Any]) -> int:
        """The article's heading and text; returns how many edits it tracks."""
        self.doc.add_heading(_xml_safe(str(record.get("id", ""))), level=1)
        edits = record.get("edits") or []
        runs: dict[int, list[Any]] = {}
        paragraph = self.doc.add_paragraph()
        for seg in segments(record["original"], edits):
            lines = seg.text.split("\n")
            for i, line in enumerate(lines):
                if i:  # a line break of this segment ends the paragraph
                    if seg.kind != "keep":
                        self._mark(paragraph, seg.kind)
                        if seg.edit is not None and seg.edit not in runs:
                            # an edit of line breaks only: an empty run carries its comment
                            runs[seg.edit] = [self._run(paragraph, "keep", "")]
                    paragraph = self.doc.add_paragraph()
                if line:
                    run = self._run(paragraph, seg.kind, line)
                    if seg.edit is not None:
                        runs.setdefault(seg.edit, []).append(run)
        for n, e in enumerate(edits):
            if n in runs:
                note = f"{e['stage']}/{e['rule']}: {e.get('message', '')}"
                self.doc.add_comment(runs[n], text=_xml_safe(note), author=AUTHOR, initials="CU")
        return len(edits)

    def save(self, path: Path) -> None:
        import io

        from cleanup.output import atomic_write_bytes

        buffer = io.BytesIO()
        self.doc.save(buffer)
        atomic_write_bytes(path, buffer.getvalue())


def iter_cleaned(path: Path) -> Iterator[dict[str, Any]]:
    from cleanup.output import read_records

    for _, rec, _ in read_records(path):
        if rec is not None and isinstance(rec.get("original"), str) and "edits" in rec:
            yield rec


def write_docx(records_path: Path, out_path: Path) -> tuple[int, int, int]:
    """Write the Word report; returns (articles, edits tracked, revisions written)."""
    try:
        import docx  # noqa: F401
    except ImportError:
        raise ImportError("the Word report needs python-docx: pip install 'newsroom-cleanup[docx]'") from None
    document = TrackedDocument()
    articles = edits = 0
    for rec in iter_cleaned(records_path):
        articles += 1
        edits += document.add_article(rec)
    document.save(out_path)
    return articles, edits, document.revisions
