"""A newsroom glossary (`--glossary FILE`): the terms a translation must use, and the ones it
must not.

CSV, UTF-8, one entry a line: `source_term,target_term[,note]` (a header line naming
`source_term` is skipped). `Київ,Kyiv` requires `Kyiv` wherever the source says `Київ`. A note
that starts with `forbidden` makes the target term forbidden instead: `Київ,Kiev,forbidden`
flags `Kiev` in a translation of a text that says `Київ`, and with no source term
(`,Kiev,forbidden: say Kyiv`) it is flagged everywhere. TBX files (`.tbx`) are read with the
Translate Toolkit (`pip install 'newsroom-cleanup[tbx]'`): each entry's first two terms are the
source and the required target.

Source terms match at the start of a word and may run on by a few letters, since a term is
inflected in most source languages (`Москва` matches `Москвы` and `Москве`);
target terms match as whole words, case-insensitively, also in the plural or possessive.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

INFLECTION = 3  # letters a source term may run on by (Москва -> Москвы, Regierung -> Regierungen)


class GlossaryError(Exception):
    """A glossary file that cannot be read; the message names the file and the line."""


@dataclass(frozen=True)
class Term:
    source: str  # "" for a target term forbidden everywhere
    target: str
    note: str = ""
    forbidden: bool = False
    where: str = ""  # file:line, for messages


@dataclass
class Glossary:
    terms: list[Term]
    path: str = ""
    _patterns: dict[tuple[str, str], re.Pattern[str]] = field(default_factory=dict, repr=False)

    def source_pattern(self, term: str) -> re.Pattern[str]:
        """A source term at a word start, inflected by up to INFLECTION letters."""
        return self._pattern(term, rf"\w{{0,{INFLECTION}}}")

    def target_pattern(self, term: str) -> re.Pattern[str]:
        """A target term, or its plural or possessive."""
        return self._pattern(term, r"(?:s|es|'s|’s)?")

    def _pattern(self, term: str, ending: str) -> re.Pattern[str]:
        pattern = self._patterns.get((term, ending))
        if pattern is None:
            pattern = re.compile(rf"(?<!\w){re.escape(term)}{ending}(?!\w)", re.IGNORECASE)
            self._patterns[(term, ending)] = pattern
        return pattern

    def required_for(self, source_term: str) -> list[Term]:
        return [t for t in self.terms if t.source == source_term and not t.forbidden]


def load_glossary(path: str | Path) -> Glossary:
    path = Path(path)
    if not path.is_file():
        raise GlossaryError(f"{path}: no such glossary file")
    if path.suffix.lower() == ".tbx":
        return _load_tbx(path)
    if path.suffix.lower() not in (".csv", ".txt"):
        raise GlossaryError(f"{path}: a glossary is a .csv (source_term,target_term[,note]) or a .tbx file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GlossaryError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    return parse_glossary(text, str(path))


def parse_glossary(text: str, path: str = "<glossary>") -> Glossary:
    """A glossary from CSV text (see the module's documentation)."""
    terms: list[Term] = []
    for lineno, row in enumerate(csv.reader(text.splitlines()), start=1):
        where = f"{path}:{lineno}"
        if not row or all(not cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue
        if lineno == 1 and row[0].strip().lower() in ("source_term", "source"):
            continue  # a header
        if len(row) not in (2, 3):
            raise GlossaryError(f"{where}: expected source_term,target_term[,note], got {len(row)} fields")
        source, target = row[0].strip(), row[1].strip()
        note = row[2].strip() if len(row) == 3 else ""
        forbidden = note.lower().startswith("forbidden")
        if not target:
            raise GlossaryError(f"{where}: the target term is empty")
        if not source and not forbidden:
            raise GlossaryError(f"{where}: the source term is empty (only a forbidden term may omit it)")
        terms.append(Term(source, target, note, forbidden, where))
    if not terms:
        raise GlossaryError(f"{path}: the glossary has no terms")
    return Glossary(terms, path)


def _load_tbx(path: Path) -> Glossary:
    try:
        from translate.storage import tbx
    except ImportError:
        raise GlossaryError(
            f"{path}: reading TBX needs the Translate Toolkit: pip install 'newsroom-cleanup[tbx]'"
        ) from None
    try:
        store = tbx.tbxfile.parsefile(str(path))
    except Exception as exc:  # lxml's and the toolkit's own errors alike: a broken file
        raise GlossaryError(f"{path}: not a readable TBX file: {exc}") from None
    terms = []
    for i, unit in enumerate(store.units, start=1):
        source, target = (unit.source or "").strip(), (unit.target or "").strip()
        if source and target:
            terms.append(Term(source, target, "", False, f"{path}: entry {i}"))
    if not terms:
        raise GlossaryError(f"{path}: the glossary has no entries with a source and a target term")
    return Glossary(terms, str(path))
