"""Named detectors: artifact classes that a phrase list cannot express. Each factory takes its
parameters from the rule file and returns `find(text, ctx) -> list[Hit]`.

Register a detector with @detector("name"); a rule file uses it with `kind: detector`,
`detector: name` and `params: {...}`.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Callable

import regex

from cleanup.rules import Context, Hit, alternation_matches

DETECTORS: dict[str, Callable[..., Callable[[str, Context], list[Hit]]]] = {}


def detector(name: str):
    def register(factory):
        DETECTORS[name] = factory
        return factory

    return register


WORD_CACHE = None  # a ResultCache, set by the pipeline: a warm pre-commit run never loads wordfreq
WORDFREQ_KEY = "wordfreq 3 zipf, en large, others small"


def use_word_cache(cache) -> None:
    global WORD_CACHE
    WORD_CACHE = cache


@lru_cache(maxsize=200_000)
def zipf(word: str, lang: str = "en") -> float:
    """wordfreq's Zipf frequency (0 unknown … 8 `the`); loading a language's list costs a
    quarter of a second and tens of MB, so results are also kept in the persistent cache."""
    if WORD_CACHE is not None:
        hit = WORD_CACHE.get(WORDFREQ_KEY, f"{lang}\0{word}")
        if hit is not None:
            return hit
    from wordfreq import zipf_frequency  # heavy: loaded on first use only

    # English needs the large list (fused words are told by rare words); for the other
    # languages, which only confirm a foreign clause, the small list (words of Zipf 3 and
    # above) keeps a process at ~2 MB per language instead of ~38 MB
    value = zipf_frequency(word, lang, wordlist="large" if lang == "en" else "small")
    if WORD_CACHE is not None:
        WORD_CACHE.put(WORDFREQ_KEY, f"{lang}\0{word}", value)
    return value


_SENTENCE_END = re.compile(r"[.!?…](?=[\s”’\"')\]]|$)")


class SentenceStarts:
    """Where sentences start (after a sentence end or a line break), found once per text, so
    each lookup is a binary search: no rescanning a long line for every match."""

    def __init__(self, text: str):
        import bisect

        self._bisect = bisect.bisect_right
        starts = {0}
        starts.update(m.end() for m in _SENTENCE_END.finditer(text))
        starts.update(m.end() for m in re.finditer("\n", text))
        self.starts = sorted(starts)

    def before(self, pos: int) -> int:
        """Start of the sentence containing `pos`."""
        return self.starts[self._bisect(self.starts, pos) - 1]


# ------------------------------------------------------------- leaked model text


@detector("leaked_lines")
def leaked_lines(phrases: list[str], max_line_chars: int = 300, flag_inline: bool = True):
    """Model refusals and boilerplate. A line that consists of the leak (quotes, brackets and
    punctuation around it allowed) is removed; inside a sentence it is only flagged."""
    for i, p in enumerate(phrases):
        if not isinstance(p, str):
            raise ValueError(f"phrases[{i}] must be a string (quote it in YAML), got {p!r}")
    opener = "\"'“”‘’«»([*_ \t-"
    lead = "".join(regex.escape(c) for c in opener)
    patterns = []
    for p in phrases:  # one pattern per phrase, see alternation_matches
        if flag_inline:
            patterns.append(regex.compile(rf"(?<!\w)(?P<leak>{p})", regex.IGNORECASE))
        else:
            # only a leak on a line of its own matters: anchoring at line starts saves trying
            # the phrases at every word
            patterns.append(regex.compile(rf"^[{lead}]*(?<!\w)(?P<leak>{p})", regex.IGNORECASE | regex.MULTILINE))

    def find(text: str, ctx: Context) -> list[Hit]:
        hits = []
        last_end = 0
        for m in alternation_matches(patterns, text, "leak"):
            m_start, m_end = m.span("leak")
            ls = text.rfind("\n", 0, m_start) + 1
            le = text.find("\n", m_end)
            le = len(text) if le == -1 else le
            line = text[ls:le]
            standalone = not text[ls:m_start].strip(opener) and len(line) <= max_line_chars
            if not standalone:
                if flag_inline:
                    hits.append(Hit(m_start, m_end, None, "inside a sentence: check the source"))
                continue
            # remove the line with the line breaks after it; the last line takes the breaks
            # before it instead, and the text keeps its final newline if it had one
            start, end, repl = ls, le, ""
            while end < len(text) and text[end] == "\n":
                end += 1
            if end == len(text):
                while start > 0 and text[start - 1] == "\n":
                    start -= 1
                if start > 0 and end > le:
                    repl = "\n"
            start = max(start, last_end)  # two leaks in a row: spans must not overlap
            last_end = end
            hits.append(Hit(start, end, repl, f"removed: {line.strip()!r}"))
        return hits

    return find


# ------------------------------------------------------------- fused words


@detector("fused_words")
def fused_words(
    function_words: list[str],
    unknown_below: float = 2.0,
    part_at_least: float = 3.0,
    min_length: int = 6,
):
    """`Russiawhere`, `Chinawhich`, `thatthe`: an unknown token that splits into a common word
    (or a known name) followed by a function word. The fix inserts a space. A function word in
    front (`over`+`saturated`) is how English builds compounds, so it does not count."""
    func = {w.lower() for w in function_words}
    token_re = re.compile(rf"(?<![\w'’@#/.-])[A-Za-z]{{{min_length},}}(?![\w'’@/-])")

    def best_split(token: str, ctx: Context) -> tuple[str, str] | None:
        best = None
        best_score = 0.0
        for i in range(2, len(token) - 1):
            a, b = token[:i], token[i:]
            if not b.islower():
                continue
            a_low = a.lower()
            if b not in func:
                continue  # `overcrowded`, `withstand`: a function word in front makes a compound
            if a[0].isupper() and (not a[1:].islower() or a_low in func):
                continue  # `Herwig` is not `Her wig`: a capitalised fusion starts with a name
            za, zb = zipf(a_low), zipf(b)
            a_ok = za >= part_at_least or (a[0].isupper() and ctx.names.is_name_token(a))
            if not (a_ok and zb >= part_at_least):
                continue
            score = min(za, zb)
            if score > best_score:
                best, best_score = (a, b), score
        return best

    def find(text: str, ctx: Context) -> list[Hit]:
        # one pass counts the tokens at C speed; only a token that occurs once, is not an
        # acronym or a name and is unknown to wordfreq is looked for again, where it is
        candidates = []
        for tok, n in Counter(token_re.findall(text)).items():
            if n > 1:
                continue  # used twice the same way: a name or term, not an accident
            if tok.isupper() or ctx.names.is_name_token(tok) or zipf(tok.lower()) >= unknown_below:
                continue
            split = best_split(tok, ctx)
            if split:
                candidates.append((tok, split))
        hits = []
        for tok, (a, b) in candidates:
            m = re.search(rf"(?<![\w'’@#/.-]){tok}(?![\w'’@/-])", text)
            if m:
                hits.append(Hit(m.start(), m.end(), f"{a} {b}", f"`{tok}` → `{a} {b}`", [f"{a} {b}"]))
        return hits

    return find


# ------------------------------------------------------------- split or mangled names


@detector("split_names")
def split_names(verbs: list[str]):
    """`Kim Jong-wrote. a to Putin`: a hyphenated name prefix whose given-name part was
    replaced by a verb, often with a stray one-letter fragment after it."""
    verb_set = {v.lower() for v in verbs}
    pattern = re.compile(
        r"\b(?P<prefix>[A-Z][a-z]+ [A-Z][a-z]+)-(?P<frag>[a-z]+)\b"
        r"(?P<stray>[.,]?\s+(?P<letter>[a-z])\b(?=\s+[a-z]))?"
    )

    def find(text: str, ctx: Context) -> list[Hit]:
        hits = []
        spelling_used: dict[str, list[str]] = {}
        for m in pattern.finditer(text):
            prefix, frag = m.group("prefix"), m.group("frag")
            known = ctx.names.hyphen_suffixes.get(prefix)
            if known is not None:
                if frag in known or frag.lower() in {k.lower() for k in known}:
                    continue
            elif frag not in verb_set:
                continue  # an unknown name with an unknown part: not our business
            if frag in ctx.names.syllables and known is None:
                continue
            # suggest the spelling of the name this article already uses, else the names file's
            if prefix not in spelling_used:  # once per name, not per hit: long texts stay linear
                candidates = ctx.names.full_by_prefix.get(prefix, [])
                spelling_used[prefix] = [c for c in candidates if c in text] or candidates
            in_article = spelling_used[prefix]
            full = (in_article or [None])[0]
            suggestion = []
            end = m.end() if m.group("stray") else m.end("frag")
            if full:
                suggestion = [f"{full} {frag}"]
            hits.append(
                Hit(
                    m.start(),
                    end,
                    suggestion[0] if suggestion else None,
                    f"`{text[m.start():end]}`: the name `{prefix}-…` lost its given name"
                    + (f"; did you mean `{suggestion[0]}`?" if suggestion else ""),
                    suggestion,
                )
            )
        return hits

    return find


# ------------------------------------------------------------- negation


NEGATION = re.compile(r"\b(?:not|never|no|nobody|nothing|neither|nor|none|cannot|nowhere)\b|n[’']t\b", re.IGNORECASE)


@detector("doubled_negation")
def doubled_negation(particles: list[str], allow_before: list[str]):
    """`did not want X to supply arms to Kiev not.`: a negation particle left at the end of a
    sentence by Dutch, German or French word order, after a clause that is already negated."""
    allow = {w.lower() for w in allow_before}
    pattern = re.compile(r"(?P<space>[ \t]+)(?P<p>" + "|".join(map(re.escape, particles)) + r")(?=[.!?])", re.IGNORECASE)

    def find(text: str, ctx: Context) -> list[Hit]:
        hits = []
        sentences = None
        for m in pattern.finditer(text):
            sentences = sentences or SentenceStarts(text)
            s = sentences.before(m.start())
            clause = text[s:m.start()]
            words = re.findall(r"[\w’']+", clause)
            if not words or words[-1].lower() in allow or len(words) < 3:
                continue
            if NEGATION.search(clause):
                hits.append(Hit(m.start(), m.end(), "", f"the clause is already negated; `{m.group('p')}` is left over", [""]))
            else:
                hits.append(Hit(m.start("p"), m.end(), None, f"sentence-final `{m.group('p')}`: a negation left in source word order?"))
        return hits

    return find


# ------------------------------------------------------------- text in another script


SCRIPTS = r"\p{Cyrillic}\p{Han}\p{Hangul}\p{Hiragana}\p{Katakana}\p{Arabic}\p{Hebrew}\p{Greek}\p{Devanagari}\p{Thai}\p{Georgian}\p{Armenian}"


# the Unicode blocks of SCRIPTS, for a fast standard-`re` pre-check
_OTHER_SCRIPT_BLOCKS = re.compile(
    "[\u0370-\u03ff\u1f00-\u1fff\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f\u0530-\u058f"
    "\u0590-\u05ff\ufb1d-\ufb4f\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
    "\u0900-\u097f\u0e00-\u0e7f\u10a0-\u10ff\u1100-\u11ff\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029"
    "\u3038-\u303b\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f"
    "\uac00-\ud7ff\uf900-\ufaff\uff66-\uffdc\U00020000-\U0003134f]"
)


@detector("foreign_script")
def foreign_script(min_letters: int = 2):
    """A run of Cyrillic, CJK, Hebrew... letters inside English text: a source-language leftover."""
    pattern = regex.compile(rf"[{SCRIPTS}]+(?:[\s\d\p{{P}}]+[{SCRIPTS}]+)*")

    def find(text: str, ctx: Context) -> list[Hit]:
        hits = []
        if not _OTHER_SCRIPT_BLOCKS.search(text):
            return hits  # the cheap test first: most English texts have none of these blocks
        for m in pattern.finditer(text):
            if sum(1 for ch in m.group() if ch.isalpha()) < min_letters:
                continue
            if ctx.in_skip_span(m.start(), m.end()):
                continue  # the whole paragraph is already flagged by the language stage
            hits.append(Hit(m.start(), m.end(), None, f"untranslated text `{m.group()[:40]}`"))
        return hits

    return find


_ASCII_PUNCTUATION = b"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_ASCII_PUNCTUATION_TO_SPACE = bytes.maketrans(_ASCII_PUNCTUATION, b" " * len(_ASCII_PUNCTUATION))
_OTHER_PUNCTUATION = "“”‘’«»„…–—"


def plain_lower_lines(text: str) -> list[str]:
    """`text` lower-cased with punctuation turned into spaces, split into its lines (as many as
    `text.split("\n")`): what `.split()` turns into words. Done on the UTF-8 bytes, where a
    translation table works at C speed; the few non-ASCII marks are replaced one by one."""
    plain = text.lower().encode("utf-8", "surrogatepass").translate(_ASCII_PUNCTUATION_TO_SPACE).decode("utf-8", "surrogatepass")
    if not plain.isascii():
        for mark in _OTHER_PUNCTUATION:
            if mark in plain:
                plain = plain.replace(mark, " ")
    return plain.split("\n")


@detector("foreign_clause")
def foreign_clause(function_words: dict[str, list[str]], min_words: int = 4, min_function_words: int = 2):
    """A clause in another Latin-script language inside an English paragraph: a run of words
    that are that language's rather than English, holding several of its function words."""
    func = {lang: {w.lower() for w in words} for lang, words in function_words.items()}
    all_func = set().union(*func.values()) if func else set()
    word_re = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

    def foreign(word: str, lang: str) -> bool:
        low = word.lower()
        if low in func[lang]:
            return True
        zl, ze = zipf(low, lang), zipf(low)
        return zl >= 2.5 and zl > ze + 1.0

    def find(text: str, ctx: Context) -> list[Hit]:
        hits = []
        line_start = 0
        for line_text, plain in zip(text.split("\n"), plain_lower_lines(text)):
            start, line_start = line_start, line_start + len(line_text) + 1
            # the cheap test first (C-speed split and set intersection): most lines stop here
            if len(all_func.intersection(plain.split())) < min_function_words:
                continue
            words = list(word_re.finditer(line_text))
            lowered = [w.group().lower() for w in words]
            if sum(1 for w in lowered if w in all_func) < min_function_words:
                continue
            if ctx.in_skip_span(start, start + len(line_text)):
                continue
            # only the languages whose function words are there: each word list costs memory
            candidates = [lang for lang in func if sum(1 for w in lowered if w in func[lang]) >= min_function_words]
            for lang in candidates:
                run: list = []
                for w in words + [None]:
                    if w is not None and foreign(w.group(), lang):
                        run.append(w)
                        continue
                    nfunc = sum(1 for x in run if x.group().lower() in func[lang])
                    lower = sum(1 for x in run if x.group()[0].islower())
                    if len(run) >= min_words and nfunc >= min_function_words and lower >= 3:
                        s, e = start + run[0].start(), start + run[-1].end()
                        hits.append(Hit(s, e, None, f"looks like `{lang}`: `{text[s:e][:60]}`"))
                    run = []
        return hits

    return find
