"""Source-language leftovers inside English sentences. Whole paragraphs in another language
are the `language` stage's business; these detectors find the smaller pieces."""

from __future__ import annotations

import re

import regex

from cleanup.model import Hit
from cleanup.rules.model import Context
from cleanup.rules.registry import REQUIRED, Param, detector

SCRIPTS = r"\p{Cyrillic}\p{Han}\p{Hangul}\p{Hiragana}\p{Katakana}\p{Arabic}\p{Hebrew}\p{Greek}\p{Devanagari}\p{Thai}\p{Georgian}\p{Armenian}"

# the Unicode blocks of SCRIPTS, for a fast standard-`re` pre-check
_OTHER_SCRIPT_BLOCKS = re.compile(
    "[\u0370-\u03ff\u1f00-\u1fff\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f\u0530-\u058f"
    "\u0590-\u05ff\ufb1d-\ufb4f\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
    "\u0900-\u097f\u0e00-\u0e7f\u10a0-\u10ff\u1100-\u11ff\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029"
    "\u3038-\u303b\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f"
    "\uac00-\ud7ff\uf900-\ufaff\uff66-\uffdc\U00020000-\U0003134f]"
)
_RUN = regex.compile(rf"[{SCRIPTS}]+(?:[\s\d\p{{P}}]+[{SCRIPTS}]+)*")


@detector(
    "foreign_script",
    {
        "min_letters": Param((int,), 2, "a shorter run (a symbol such as α) passes"),
    },
)
class ForeignScript:
    """A run of Cyrillic, CJK, Hebrew... letters inside English text: a source-language leftover."""

    def __init__(self, where: str, min_letters: int):
        self.min_letters = min_letters

    def find(self, text: str, ctx: Context) -> list[Hit]:
        hits: list[Hit] = []
        if not _OTHER_SCRIPT_BLOCKS.search(text):
            return hits  # the cheap test first: most English texts have none of these blocks
        for m in _RUN.finditer(text):
            if sum(1 for ch in m.group() if ch.isalpha()) < self.min_letters:
                continue
            if ctx.in_skip_span(m.start(), m.end()):
                continue  # the whole paragraph is already flagged by the language stage
            hits.append(Hit(m.start(), m.end(), None, f"untranslated text `{m.group()[:40]}`"))
        return hits


_ASCII_PUNCTUATION = b"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_ASCII_PUNCTUATION_TO_SPACE = bytes.maketrans(_ASCII_PUNCTUATION, b" " * len(_ASCII_PUNCTUATION))
_OTHER_PUNCTUATION = "“”‘’«»„…–—"


def plain_lower_lines(text: str) -> list[str]:
    """`text` lower-cased with punctuation turned into spaces, split into its lines (as many as
    `text.split("\\n")`): what `.split()` turns into words. Done on the UTF-8 bytes, where a
    translation table works at C speed; the few non-ASCII marks are replaced one by one."""
    plain = (
        text.lower()
        .encode("utf-8", "surrogatepass")
        .translate(_ASCII_PUNCTUATION_TO_SPACE)
        .decode("utf-8", "surrogatepass")
    )
    if not plain.isascii():
        for mark in _OTHER_PUNCTUATION:
            if mark in plain:
                plain = plain.replace(mark, " ")
    return plain.split("\n")


_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@detector(
    "foreign_clause",
    {
        "function_words": Param((dict,), REQUIRED, "per language, function words that are not also English words"),
        "min_words": Param((int,), 4, "a shorter run passes"),
        "min_function_words": Param((int,), 2, "a run needs this many of the language's function words"),
    },
)
class ForeignClause:
    """A clause in another Latin-script language inside an English paragraph: a run of words
    that are that language's rather than English, holding several of its function words."""

    def __init__(self, where: str, function_words: dict, min_words: int, min_function_words: int):
        self.func = {lang: {w.lower() for w in words} for lang, words in function_words.items()}
        self.all_func = set().union(*self.func.values()) if self.func else set()
        self.min_words = min_words
        self.min_function_words = min_function_words

    def foreign(self, word: str, lang: str, ctx: Context) -> bool:
        low = word.lower()
        if low in self.func[lang]:
            return True
        zl, ze = ctx.zipf(low, lang), ctx.zipf(low)
        return zl >= 2.5 and zl > ze + 1.0

    def find(self, text: str, ctx: Context) -> list[Hit]:
        hits = []
        line_start = 0
        need = self.min_function_words
        for line_text, plain in zip(text.split("\n"), plain_lower_lines(text)):
            start, line_start = line_start, line_start + len(line_text) + 1
            # the cheap test first (C-speed split and set intersection): most lines stop here
            if len(self.all_func.intersection(plain.split())) < need:
                continue
            words = list(_WORD.finditer(line_text))
            lowered = [w.group().lower() for w in words]
            if sum(1 for w in lowered if w in self.all_func) < need:
                continue
            if ctx.in_skip_span(start, start + len(line_text)):
                continue
            # only the languages whose function words are there: each word list costs memory
            candidates = [lang for lang in self.func if sum(1 for w in lowered if w in self.func[lang]) >= need]
            for lang in candidates:
                run: list = []
                for w in words + [None]:
                    if w is not None and self.foreign(w.group(), lang, ctx):
                        run.append(w)
                        continue
                    nfunc = sum(1 for x in run if x.group().lower() in self.func[lang])
                    lower = sum(1 for x in run if x.group()[0].islower())
                    if len(run) >= self.min_words and nfunc >= need and lower >= 3:
                        s, e = start + run[0].start(), start + run[-1].end()
                        hits.append(Hit(s, e, None, f"looks like `{lang}`: `{text[s:e][:60]}`"))
                    run = []
        return hits
