"""Text a language model or a translation tool left in the article."""

from __future__ import annotations

import regex

from cleanup.model import Hit
from cleanup.rules.matching import alternation_matches
from cleanup.rules.model import Context
from cleanup.rules.registry import REQUIRED, Param, detector

_OPENER = "\"'“”‘’«»([*_ \t-"


@detector(
    "leaked_lines",
    {
        "phrases": Param((list,), REQUIRED, "regexes of the leaked text", items=str),
        "max_line_chars": Param((int,), 300, "a longer line is article text with a leak inside, not a leak"),
        "flag_inline": Param((bool,), True, "also flag a phrase inside a sentence (not removed)"),
    },
)
class LeakedLines:
    """Model refusals and boilerplate. A line that consists of the leak (quotes, brackets and
    punctuation around it allowed) is removed; inside a sentence it is only flagged."""

    def __init__(self, where: str, phrases: list, max_line_chars: int, flag_inline: bool):
        for i, p in enumerate(phrases):
            if not isinstance(p, str):
                raise ValueError(f"phrases[{i}] must be a string (quote it in YAML), got {p!r}")
        lead = "".join(regex.escape(c) for c in _OPENER)
        self.patterns = []
        for p in phrases:  # one pattern per phrase, see alternation_matches
            if flag_inline:
                self.patterns.append(regex.compile(rf"(?<!\w)(?P<leak>{p})", regex.IGNORECASE))
            else:
                # only a leak on a line of its own matters: anchoring at line starts saves trying
                # the phrases at every word
                self.patterns.append(
                    regex.compile(rf"^[{lead}]*(?<!\w)(?P<leak>{p})", regex.IGNORECASE | regex.MULTILINE)
                )
        self.max_line_chars = max_line_chars
        self.flag_inline = flag_inline

    def find(self, text: str, ctx: Context) -> list[Hit]:
        hits = []
        last_end = 0
        for m in alternation_matches(self.patterns, text, "leak"):
            m_start, m_end = m.span("leak")
            ls = text.rfind("\n", 0, m_start) + 1
            le = text.find("\n", m_end)
            le = len(text) if le == -1 else le
            line = text[ls:le]
            standalone = not text[ls:m_start].strip(_OPENER) and len(line) <= self.max_line_chars
            if not standalone:
                if self.flag_inline:
                    hits.append(Hit(m_start, m_end, None, "inside a sentence: check the source"))
                continue
            start, end, repl = line_removal(text, ls, le)
            start = max(start, last_end)  # two leaks in a row: spans must not overlap
            last_end = end
            hits.append(Hit(start, end, repl, f"removed: {line.strip()!r}"))
        return hits


def line_removal(text: str, ls: int, le: int) -> tuple[int, int, str]:
    """The span and replacement that remove the line text[ls:le] with the line breaks after
    it; the last line takes the breaks before it instead, and the text keeps its final
    newline if it had one."""
    start, end, repl = ls, le, ""
    while end < len(text) and text[end] == "\n":
        end += 1
    if end == len(text):
        while start > 0 and text[start - 1] == "\n":
            start -= 1
        if start > 0 and end > le:
            repl = "\n"
    return start, end, repl
