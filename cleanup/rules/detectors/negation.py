"""A negation left at the end of a sentence by source-language word order."""

from __future__ import annotations

import re

from cleanup.model import Hit
from cleanup.rules.matching import SentenceStarts
from cleanup.rules.model import Context
from cleanup.rules.registry import REQUIRED, Param, detector

NEGATION = re.compile(r"\b(?:not|never|no|nobody|nothing|neither|nor|none|cannot|nowhere)\b|n[’']t\b", re.IGNORECASE)


@detector(
    "doubled_negation",
    {
        "particles": Param((list,), REQUIRED, "negation particles left at a sentence end", items=str),
        "allow_before": Param(
            (list,), REQUIRED, "a particle after these words is English (`or not.`, `I hope not.`)", items=str
        ),
    },
)
class DoubledNegation:
    """`did not want X to supply arms to Kiev not.`: a negation particle left at the end of a
    sentence by Dutch, German or French word order, after a clause that is already negated."""

    def __init__(self, where: str, particles: list, allow_before: list):
        self.allow = {w.lower() for w in allow_before}
        self.pattern = re.compile(
            r"(?P<space>[ \t]+)(?P<p>" + "|".join(map(re.escape, particles)) + r")(?=[.!?])", re.IGNORECASE
        )

    def find(self, text: str, ctx: Context) -> list[Hit]:
        hits = []
        sentences = None
        for m in self.pattern.finditer(text):
            sentences = sentences or SentenceStarts(text)
            s = sentences.before(m.start())
            clause = text[s : m.start()]
            words = re.findall(r"[\w’']+", clause)
            if not words or words[-1].lower() in self.allow or len(words) < 3:
                continue
            if NEGATION.search(clause):
                hits.append(
                    Hit(m.start(), m.end(), "", f"the clause is already negated; `{m.group('p')}` is left over", [""])
                )
            else:
                hits.append(
                    Hit(
                        m.start("p"),
                        m.end(),
                        None,
                        f"sentence-final `{m.group('p')}`: a negation left in source word order?",
                    )
                )
        return hits
