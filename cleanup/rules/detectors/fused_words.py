"""Two words the translator fused into one: `Russiawhere`, `Berlinof`, `Reshetnikovand`, `wehave`.

A fusion is a token no word list knows that ends in a function word. Whether to split it is
weighed the way a careful editor weighs it, from evidence of four kinds:

- the prefix: it stands alone elsewhere in the same article (`Reshetnikov … Reshetnikovand`),
  it is in the names vocabulary, it is an acronym (`USAand`: the case changes at the seam), or
  wordfreq knows it (the more common, the stronger);
- the ending: how often real words end the way the token does. Many names end in `-in`,
  `-is`, `-on`, `-an` (`Putin`, `Mitsotakis`), almost none in `-from` or `-which`
  (Lexicon.ending_share), and a prefix that ends like a word (`Grosskopf`) against a token
  that does not (`Grosskopfis`) tips the balance;
- the next word: what follows must read after the function word: a preposition before
  `the`/`his`/a number, a copula before an article or an adverb; a punctuation mark after
  `is` or `of` says the token is a word (`Dear Followis,`);
- the company: a capitalised token after an unknown capitalised word is part of a foreign
  name (`Pushkinskaya Ploshad`).

The points are added; a split with enough of them is a safe fix (only a space is inserted),
a weaker one is reported (`info`) with the split suggested. Two glue words fused (`itwas`, `ofthe`)
split when wordfreq knows the fusion only as a rare web typo; `thereof`, `whereby` and
`herein` are how English builds words and stay whole.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from cleanup.model import Hit, Severity
from cleanup.rules.model import Context
from cleanup.rules.registry import REQUIRED, Param, detector

_TOKEN = re.compile(r"(?<![\w'’@#/.\\-])[A-Za-z]{5,}(?![\w'’@/\\-]|\.\w)")
_NEXT = re.compile(r"[ \t]+([\w’']+)")
_PREVIOUS = re.compile(r"([\w’']+)[ \t]+$")
_QUOTES = {"“": "”", '"': '"', "'": "'", "‘": "’", "«": "»", "`": "`", "„": "“"}
_REPEATED_LETTER = re.compile(r"(\w)\1\1")

PREPOSITIONS = frozenset("of in on at by for from with to into onto as about after before over under upon".split())
COPULAS = frozenset("is was are were has have had will would".split())
CONJUNCTIONS = frozenset("and or but".split())
RELATIVES = frozenset("who which where when that whose whom".split())
DETERMINERS = frozenset(
    "the a an his her its their our my your this that these those no every each some any all one two three".split()
)
AFTER_COPULA = frozenset(
    "not to being been expected going set likely also still now very so too just already always never only right "
    "here there currently more less most well even often usually quite rather about".split()
)
OBJECT_PRONOUNS = frozenset("him them us it me which whom".split())
VERBS_AFTER_SUBJECT = frozenset(
    "said says was is were are has had have will would could can should told added noted".split()
)
PRONOUNS = frozenset("i we you he she it they there".split())
COMPOUND_HEADS = frozenset("here there where".split())  # thereof, whereby, herein: English words


@detector(
    "fused_words",
    {
        "function_words": Param((list,), REQUIRED, "words that can end a fusion", items=str),
        "unknown_below": Param((int, float), 2.0, "a token rarer than this Zipf frequency is unknown"),
        "typo_below": Param(
            (int, float), 3.5, "two glue words fused are a typo below this Zipf frequency (`ofthe` 3.3)"
        ),
        "safe_at": Param((int,), 3, "evidence points for a safe fix (2, with nothing against it in the next word)"),
        "report_at": Param((int,), 2, "evidence points for a finding with the split suggested"),
        "min_length": Param((int,), 5, "shorter tokens are never fusions"),
        "max_length": Param((int,), 40, "longer tokens are never fusions (and a megabyte-long one costs nothing)"),
    },
)
class FusedWords:
    """An unknown token that ends in a function word is split where the evidence says two
    words were fused: the prefix stands alone elsewhere in the article, is a known name or
    word, or ends like a word; few real words end the way the token does; the next word reads
    after the function word. A split is a safe fix (only a space is inserted) when the
    evidence is strong, otherwise a finding with the split suggested."""

    def __init__(
        self,
        where: str,
        function_words: list,
        unknown_below: float,
        typo_below: float,
        safe_at: int,
        report_at: int,
        min_length: int,
        max_length: int,
    ):
        self.func = {w.lower() for w in function_words}
        self.endings = sorted(self.func, key=lambda w: (-len(w), w))  # the longest ending first
        # the endings' lengths, longest first: a token's candidate endings are a few slices
        # looked up in `func`, not one `endswith` per function word (most tokens have none)
        self.ending_lengths = sorted({len(w) for w in self.func}, reverse=True)
        self.glue = self.func | PRONOUNS
        self.unknown_below = unknown_below
        self.typo_below = typo_below
        self.safe_at = safe_at
        self.report_at = report_at
        # a bounded token: `[A-Za-z]{5,40}` with guards, so a run of a million letters is one
        # failed match at each start, not a million candidate splits
        self.token_re = re.compile(_TOKEN.pattern.replace("{5,}", f"{{{min_length},{max_length}}}"))

    # -- the evidence -------------------------------------------------------------------

    def suffix_points(self, function_word: str, ctx: Context) -> int:
        """How ordinary it is for a word to end like this: `-from` +2 … `-on` −2."""
        share = 100 * ctx.ending_share(function_word)
        if share >= 1.5:
            return -2
        if share >= 0.5:
            return -1
        if share >= 0.1:
            return 0
        return 1 if share >= 0.02 else 2

    @staticmethod
    def ending_points(prefix: str, token: str, ctx: Context) -> int:
        """+1 when the prefix ends like a word and the token does not; −1 the other way."""

        def log_share(word: str) -> float:
            return math.log10(max(ctx.ending_share(word[-4:]), 2e-6))

        difference = log_share(prefix.lower()) - log_share(token.lower())
        return 1 if difference >= 0.25 else -1 if difference <= -1.5 else 0

    @staticmethod
    def next_word_points(function_word: str, nxt: str | None) -> int:
        if nxt is None:
            return -2  # `is` or `of` before a punctuation mark: the token is a word
        low = nxt.lower()
        if function_word in COPULAS:
            if low in DETERMINERS or low in AFTER_COPULA:
                return 2
            if low in VERBS_AFTER_SUBJECT:
                return -1  # `Mitsotakis said`: a subject, not a copula
            if function_word in ("is", "was", "are", "were") and nxt.islower() and low.endswith("ing"):
                return 1
            if function_word in ("has", "had", "have") and nxt.islower() and low.endswith(("ed", "en")):
                return 1
            return 0
        if function_word in PREPOSITIONS:
            if low in DETERMINERS or low in OBJECT_PRONOUNS or nxt[0].isdigit():
                return 2
            if low in VERBS_AFTER_SUBJECT or (nxt.islower() and low.endswith("ed")):
                return -1
            return 1
        if function_word in RELATIVES:
            return 1 if nxt.islower() else 0
        return 0

    def prefix_points(self, prefix: str, text: str, ctx: Context) -> int:
        if prefix.isupper():
            return 3  # an acronym: the case changes at the seam (`USAand`)
        if ctx.names.is_name_token(prefix) or re.search(rf"(?<![\w-]){re.escape(prefix)}(?![\w-])", text):
            return 3
        z = ctx.zipf(prefix.lower())
        if prefix.islower() and z < 3.0:
            return 0  # a lower-case prefix must be a common word: names are capitalised (`quan|to`)
        return 3 if z >= 4.5 else 2 if z >= 3.0 else 1 if z >= 1.5 else 0

    def score(
        self,
        text: str,
        token: str,
        prefix: str,
        function_word: str,
        zipf_token: float,
        start: int,
        end: int,
        ctx: Context,
    ) -> tuple[int, int] | None:
        """(points, next-word points) for splitting `token` into `prefix function_word`, or
        None when the split is out of the question."""
        low_prefix = prefix.lower()
        nxt_match = _NEXT.match(text, end)
        nxt = nxt_match.group(1) if nxt_match else None
        if low_prefix in self.glue:
            # two glue words: a typo wordfreq has seen on the web (`ofthe`), or an English
            # compound (`thereof`), or a name made of two (`Andor`) when capitalised mid-sentence
            if zipf_token >= self.typo_below or (low_prefix in COMPOUND_HEADS and function_word in PREPOSITIONS):
                return None
            if any(low_prefix in group and function_word in group for group in (CONJUNCTIONS, PREPOSITIONS)):
                return None  # `and or`, `in to` are no English pair: `Andor` is a name
            if token[0].isupper() and not _sentence_start(text, start):
                return None
            return 4, 0
        if zipf_token >= self.unknown_below or len(prefix) < 2:
            return None
        prefix_points = self.prefix_points(prefix, text, ctx)
        ending = self.ending_points(prefix, token, ctx)
        if prefix_points == 0 and ending <= 0:
            return None  # nothing says the prefix is a word: `Oberh|of`
        suffix = self.suffix_points(function_word, ctx)
        if token.islower():
            suffix = max(suffix, 0)  # names end in `-in`; lower-case words are not names
        context = self.next_word_points(function_word, nxt)
        if token[0].isupper():
            previous = _PREVIOUS.search(text, max(0, start - 40), start)
            if previous and _unknown_name(previous.group(1), ctx):
                context -= 1  # inside a foreign name: `Pushkinskaya Ploshad`
            elif nxt is not None and _unknown_name(nxt, ctx) and function_word in PREPOSITIONS:
                context = -1  # a given name before a surname: `Ostin Khagreiv`, `Jens Luraas Oftebro`
            elif nxt is not None and nxt[0].isupper() and suffix < 0:
                context = min(context, 0)  # `Damin Chen`: a name ending like a name, then a surname
        return prefix_points + suffix + ending + context, context

    # -- the matcher ----------------------------------------------------------------------

    def find(self, text: str, ctx: Context) -> list[Hit]:
        counts = Counter(self.token_re.findall(text))
        hits = []
        for m in self.token_re.finditer(text):
            token = m.group()
            if counts[token] > 1 or token.isupper():
                continue  # used twice the same way: a name or a term
            if _quoted_as_term(text, m.start(), m.end()):
                continue
            if ctx.in_skip_span(m.start(), m.end()):
                continue  # a paragraph in another language: `damit` is German, not `dam it`
            endings = [token[-n:] for n in self.ending_lengths if len(token) - n >= 2 and token[-n:] in self.func]
            if not endings:
                continue
            best = None
            zipf_token = ctx.zipf(token.lower())
            for function_word in endings:
                prefix = token[: -len(function_word)]
                if prefix[0].islower() and not prefix.islower():
                    continue  # `iPhoneto`: not a shape of fusion we can split safely
                if _elongated(prefix, function_word):
                    continue
                scored = self.score(text, token, prefix, function_word, zipf_token, m.start(), m.end(), ctx)
                if scored is not None and (best is None or scored[0] > best[0][0]):
                    best = (scored, prefix, function_word)
            if best is None:
                continue
            (points, context), prefix, function_word = best
            if points < self.report_at:
                continue
            split = f"{prefix} {function_word}"
            safe = points >= self.safe_at or (points == self.safe_at - 1 and context >= 0)
            detail = f"`{token}` → `{split}`" + ("" if safe else " (the evidence is weak: check it)")
            hits.append(
                Hit(
                    m.start(),
                    m.end(),
                    split if safe else None,
                    detail,
                    [split],
                    severity=None if safe else Severity.INFO,
                )
            )
        return hits


def _unknown_name(word: str, ctx: Context) -> bool:
    """A capitalised word wordfreq hardly knows: part of a foreign name."""
    return word[0].isupper() and not word.isupper() and ctx.zipf(word.lower()) < 1.5


def _elongated(prefix: str, function_word: str) -> bool:
    """A letter three times in a row inside either part (`aaaas`): emphasis, not a fusion. A
    run across the seam (`staff|for`) is what fusing makes."""
    return bool(_REPEATED_LETTER.search(prefix) or _REPEATED_LETTER.search(function_word))


def _sentence_start(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start].rstrip(" \t\"“‘'«(")
    return not before or before[-1] in ".!?\n"


def _quoted_as_term(text: str, start: int, end: int) -> bool:
    """`“Tambovis”`, `'Berlinof'`: a token quoted on its own is a term, not a slip."""
    before, after = text[start - 1 : start], text[end : end + 1]
    return bool(before) and _QUOTES.get(before) == after
