"""Lines broken in the middle of a sentence: a segmentation slip of the translation pipeline
(a sentence split across two segments), which a grammar checker would only see as a sentence
that starts in lower case."""

from __future__ import annotations

import re

from cleanup.model import Hit
from cleanup.rules.model import Context
from cleanup.rules.registry import REQUIRED, Param, detector

_BREAK = re.compile(r"(?<=[^\n])\n(?=[ \t]*[\"“‘«(]?[a-z])")
_LAST_WORD = re.compile(r"([\w’']+)[ \t]*$")
_FIRST_WORD = re.compile(r"[ \t]*[\"“‘«(]?[\w’'-]+")


@detector(
    "broken_lines",
    {
        "sentence_ends": Param((str,), REQUIRED, "characters that may end a line that ends a sentence"),
        "never_last": Param(
            (list,), REQUIRED, "words a sentence cannot end with: a line ending in one is joined", items=str
        ),
    },
)
class BrokenLines:
    """A line that starts in lower case after a line that does not end a sentence. When the
    first line ends with a comma or a word no sentence ends with (`the`, `of`, `and`…), the
    break is certainly inside a sentence and the fix joins the lines with a space; otherwise
    (a list, a heading) it is only reported."""

    def __init__(self, where: str, sentence_ends: str, never_last: list):
        self.sentence_ends = set(sentence_ends)
        self.never_last = {w.lower() for w in never_last}

    def find(self, text: str, ctx: Context) -> list[Hit]:
        hits = []
        for m in _BREAK.finditer(text):
            line_start = text.rfind("\n", 0, m.start()) + 1
            previous = text[line_start : m.start()].rstrip()
            if not previous or previous[-1] in self.sentence_ends:
                continue
            first = _FIRST_WORD.match(text, m.end())
            end = first.end() if first else m.end()
            last = _LAST_WORD.search(previous)
            certain = previous.endswith(",") or bool(last and last.group(1).lower() in self.never_last)
            # the span is the break and the next word, so the grammar checker's capital-letter
            # lint on that word is this finding's, not a second one
            if certain:
                joined = " " + text[m.end() : end].lstrip(" \t")
                hits.append(Hit(m.start(), end, joined, "the sentence goes on after the break: joined", [joined]))
            else:
                hits.append(
                    Hit(
                        m.start(),
                        end,
                        None,
                        "a line that starts in lower case: the sentence may go on from the line before",
                        [],
                    )
                )
        return hits
