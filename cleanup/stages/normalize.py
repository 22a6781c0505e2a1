"""Stage `normalize`: repair encoding with ftfy, then normalise whitespace.

House style keeps curly quotes and dashes, so ftfy's `uncurl_quotes` is off. ftfy runs per
line, and each line it changes becomes one edit whose message lists the ftfy steps
(`fix_and_explain`), so an editor can see why `Kimâ€™s` became `Kim’s`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from cleanup.document import Document
from cleanup.model import Finding, Hit, Severity

if TYPE_CHECKING:  # pragma: no cover
    from cleanup.resources import Resources

STAGE = "normalize"
EMOJI_FLAG, CANCEL_TAG = "\U0001f3f4", "\U000e007f"
MAX_ROUNDS = 4

# a line that may need ftfy: one with a character outside ASCII and the house style's
# typography (curly quotes, dashes, ellipsis), or an HTML entity. Mojibake always brings such
# characters (`â€™`), so the many lines without them skip ftfy, the costly part of the stage.
_NEEDS_FTFY = re.compile(r"[^\x09\x0a\x20-\x7e\u2018\u2019\u201c\u201d\u2013\u2014\u2026]|&[#a-zA-Z0-9]+;")
_LINE = re.compile(r"[^\n]*")

# (rule, pattern, replacement, message, may_match): `may_match` is a cheap test that is true
# whenever the pattern can match, so the many clean texts skip the regex scans
WHITESPACE_STEPS: list[tuple[str, re.Pattern[str], str, str, object]] = [
    ("line-endings", re.compile(r"\r\n?"), "\n", "line ending normalised to LF", lambda t: "\r" in t),
    (
        "invisible-chars",
        # zero-width space, word joiner, BOM, soft hyphen, Mongolian vowel separator, invisible
        # math operators, and tag characters outside an emoji flag (🏴 + tags + cancel tag):
        # none carries meaning in news text; bidi controls and joiners may, and are left to
        # the `hidden-character` rule
        re.compile(r"[\u200b\u2060\ufeff\u00ad\u180e\u2061-\u2064]+|\U0001F3F4?[\U000E0000-\U000E007F]+"),
        "",
        "invisible character removed",
        lambda t: not t.isascii(),
    ),
    ("nbsp", re.compile(r"[\u00a0\u2007\u202f]"), " ", "no-break space replaced by a space", lambda t: not t.isascii()),
    (
        "trailing-space",
        re.compile(r"[ \t]+(?=\n|\Z)"),
        "",
        "trailing whitespace removed",
        lambda t: " \n" in t or "\t" in t or t.endswith(" "),
    ),
    ("repeated-spaces", re.compile(r"(?<=\S)  +(?=\S)"), " ", "repeated spaces collapsed", lambda t: "  " in t),
    (
        "blank-lines",
        re.compile(r"\n(?:[ \t]*\n){2,}"),
        "\n\n",
        "run of blank lines collapsed to one",
        lambda t: "\n\n\n" in t or "\n " in t or "\n\t" in t,
    ),
    (
        "leading-blank-lines",
        re.compile(r"\A(?:[ \t]*\n)+"),
        "",
        "blank lines at the start removed",
        lambda t: t[:1] in (" ", "\t", "\n"),
    ),
    (
        "trailing-blank-lines",
        re.compile(r"\n{2,}\Z"),
        "\n",
        "blank lines at the end removed",
        lambda t: t.endswith("\n\n"),
    ),
]


def ftfy_changes(text: str, config: Any) -> list[Hit]:
    """One change per line that ftfy repairs, covering only what changed."""
    import ftfy

    changes: list[Hit] = []
    for m in _LINE.finditer(text):
        line = m.group()
        if not line or not _NEEDS_FTFY.search(line):
            continue
        fixed, steps = ftfy.fix_and_explain(line, config=config)
        if fixed == line:
            continue
        step_names = ", ".join(name for _kind, name in steps or [])
        message = f"ftfy: {step_names}" if step_names else "ftfy"
        for start, end, replacement in _hunks(line, fixed):
            changes.append(Hit(m.start() + start, m.start() + end, replacement, message, rule="ftfy"))
    return changes


def _hunks(line: str, fixed: str) -> list[tuple[int, int, str]]:
    """What ftfy changed in a line, as separate pieces (start, end, replacement): a repair at
    each end of a line must not become one edit over the URL between them, which the URL's
    protection would then refuse whole."""
    from difflib import SequenceMatcher

    p = 0
    limit = min(len(line), len(fixed))
    while p < limit and line[p] == fixed[p]:
        p += 1
    s = 0
    while s < limit - p and line[-1 - s] == fixed[-1 - s]:
        s += 1
    old, new = line[p : len(line) - s], fixed[p : len(fixed) - s]
    if len(old) + len(new) > 4000:  # a long run: one edit (SequenceMatcher is quadratic)
        return [(p, len(line) - s, new)]
    hunks = []
    for op, a0, a1, b0, b1 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op != "equal":
            hunks.append((p + a0, p + a1, new[b0:b1]))
    return hunks


def tidy_whitespace(doc: Document, stage: str = STAGE) -> None:
    """The whitespace steps alone: also run after the artifact fixes, which can leave a blank
    line or a double space behind where they removed something."""
    for rule, pattern, repl, message, may_match in WHITESPACE_STEPS:
        if not may_match(doc.text):  # type: ignore[operator]
            continue
        changes = []
        for m in pattern.finditer(doc.text):
            if m.group().startswith(EMOJI_FLAG) and m.group().endswith(CANCEL_TAG):
                continue  # an emoji flag (🏴 + tag letters + cancel tag): meaningful
            start = m.start() + (1 if m.group().startswith(EMOJI_FLAG) else 0)
            changes.append(Hit(start, m.end(), repl, message, rule=rule))  # type: ignore[arg-type]
        if changes:
            doc.apply(stage, changes)


def remove_hidden(doc: Document) -> None:
    """Bidirectional controls and joiners inside a Latin word, in lines without right-to-left
    script, are removed before the language or any rule reads the text ("Trojan Source"); a
    warning stays where each was, since the text may have displayed as something else."""
    from cleanup.rules.detectors.hidden import removable_hidden

    found = removable_hidden(doc.text)
    if not found:
        return
    for start, _end, what in found:
        doc.add_finding(
            Finding(
                STAGE,
                "hidden-character",
                Severity.WARNING,
                start,
                start,
                "",
                f"a hidden character that changes how text displays was removed here ({what}): check what the line says",
            )
        )
    doc.apply(
        STAGE, [Hit(s, e, "", f"hidden character removed: {what}", rule="hidden-character") for s, e, what in found]
    )


class NormalizeStage:
    """ftfy per line (the edit message lists `fix_and_explain`'s steps), then whitespace."""

    name = STAGE

    def __init__(self, resources: Resources):
        self._ftfy_config: Any = None

    def ftfy_config(self) -> Any:
        if self._ftfy_config is None:
            import ftfy

            # line breaks are the whitespace step's job (one edit per break, with its own rule
            # id); house style keeps curly quotes
            self._ftfy_config = ftfy.TextFixerConfig(uncurl_quotes=False, fix_line_breaks=False, explain=True)
        return self._ftfy_config

    def run(self, doc: Document) -> None:
        # ftfy is not always idempotent (a fix can reveal more mojibake, and removing an
        # invisible character can join two halves of one), so repeat until the text is stable:
        # cleaning a cleaned text must make no edits
        for _round in range(MAX_ROUNDS):
            before = len(doc.edits)
            if _NEEDS_FTFY.search(doc.text):
                doc.apply(STAGE, ftfy_changes(doc.text, self.ftfy_config()))
            tidy_whitespace(doc)
            remove_hidden(doc)
            if len(doc.edits) == before:
                break
        else:
            doc.not_converged(STAGE, MAX_ROUNDS, "normalising")
        decode_note = doc.article.decode_note if doc.article is not None else None
        if decode_note:
            doc.add_finding(
                Finding(
                    STAGE, "decoding", Severity.WARNING, 0, 0, "", f"{decode_note}: check for mis-decoded characters"
                )
            )
