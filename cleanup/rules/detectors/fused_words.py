"""Two words the translator fused into one (`Russiawhere`)."""

from __future__ import annotations

import re
from collections import Counter

from cleanup.model import Hit
from cleanup.rules.model import Context
from cleanup.rules.registry import REQUIRED, Param, detector


@detector(
    "fused_words",
    {
        "function_words": Param((list,), REQUIRED, "words that end a fusion"),
        "unknown_below": Param((int, float), 2.0, "a token rarer than this Zipf frequency is unknown"),
        "part_at_least": Param((int, float), 3.0, "each part must be at least this frequent"),
        "min_length": Param((int,), 6, "shorter tokens are never fusions"),
    },
)
class FusedWords:
    """`Russiawhere`, `Chinawhich`, `thatthe`: an unknown token that splits into a common word
    (or a known name) followed by a function word. The fix inserts a space. A function word in
    front (`over`+`saturated`) is how English builds compounds, so it does not count."""

    def __init__(self, where: str, function_words: list, unknown_below: float, part_at_least: float, min_length: int):
        self.func = {w.lower() for w in function_words}
        self.unknown_below = unknown_below
        self.part_at_least = part_at_least
        self.token_re = re.compile(rf"(?<![\w'’@#/.-])[A-Za-z]{{{min_length},}}(?![\w'’@/-])")

    def best_split(self, token: str, ctx: Context) -> tuple[str, str] | None:
        best = None
        best_score = 0.0
        for i in range(2, len(token) - 1):
            a, b = token[:i], token[i:]
            if not b.islower():
                continue
            a_low = a.lower()
            if b not in self.func:
                continue  # `overcrowded`, `withstand`: a function word in front makes a compound
            if a[0].isupper() and (not a[1:].islower() or a_low in self.func):
                continue  # `Herwig` is not `Her wig`: a capitalised fusion starts with a name
            za, zb = ctx.zipf(a_low), ctx.zipf(b)
            a_ok = za >= self.part_at_least or (a[0].isupper() and ctx.names.is_name_token(a))
            if not (a_ok and zb >= self.part_at_least):
                continue
            score = min(za, zb)
            if score > best_score:
                best, best_score = (a, b), score
        return best

    def find(self, text: str, ctx: Context) -> list[Hit]:
        # one pass counts the tokens at C speed; only a token that occurs once, is not an
        # acronym or a name and is unknown to wordfreq is looked for again, where it is
        candidates = []
        for tok, n in Counter(self.token_re.findall(text)).items():
            if n > 1:
                continue  # used twice the same way: a name or term, not an accident
            if tok.isupper() or ctx.names.is_name_token(tok) or ctx.zipf(tok.lower()) >= self.unknown_below:
                continue
            split = self.best_split(tok, ctx)
            if split:
                candidates.append((tok, split))
        hits = []
        for tok, (a, b) in candidates:
            m = re.search(rf"(?<![\w'’@#/.-]){tok}(?![\w'’@/-])", text)
            if m:
                hits.append(Hit(m.start(), m.end(), f"{a} {b}", f"`{tok}` → `{a} {b}`", [f"{a} {b}"]))
        return hits
