"""Fidelity detectors: a translation judged against its source (stage `fidelity`).

Each reads `ctx.source` (a `Bilingual`: the source, its language and the alignment) and finds
what a reader of the English alone cannot see: a number that changed, a sentence dropped or
invented, a sentence left in the source language, a URL or a brand that did not survive, a
glossary term ignored. Every hit carries `source_span`, the source text it concerns. Without
a source they find nothing (the glossary's everywhere-forbidden terms excepted).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any

from cleanup.align import Bead, Span, length_delta
from cleanup.model import Hit
from cleanup.numbers import NumberWords, Quantity, quantities
from cleanup.rules.registry import Param, detector

if TYPE_CHECKING:  # pragma: no cover
    from cleanup.bilingual import Bilingual
    from cleanup.rules.model import Context

STAGE = "fidelity"
_DIGIT = re.compile(r"\d")


def quote(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return f"“{text}”" if len(text) <= limit else f"“{text[: limit - 1].rstrip()}…”"


def _target_span_for(bi: Bilingual, source_pos: int, fallback: Span) -> Span:
    """The target sentence aligned with the source sentence at `source_pos` (the paragraph
    when that sentence has no counterpart)."""
    for bead in bi.alignment.sentences:
        if bead.source.start <= source_pos < bead.source.end:
            if bead.target.end > bead.target.start:
                return bead.target
            break
    return fallback


def _neighbours(beads: list[Bead], i: int) -> list[Bead]:
    return [b for b in beads[max(0, i - 1) : i + 2] if b.shape[0] and b.shape[1]]


@detector(
    "source_numbers",
    {
        "words": Param(
            (dict,),
            {},
            "per language: `numbers` (word: value; `stem*` for every word so begun), `scales` (word: factor), `months` (twelve entries) and `and_a_half`",
        )
    },
    stage=STAGE,
)
class SourceNumbers:
    """Every number of a source paragraph must be in its translation, and the translation must
    have no number its source lacks. Numbers compare by value in any locale (`1.500,5` =
    `1,500.5`, `3 Mio.` = `3 million`, `drei` = `3`, a date's month name = its number), and a
    number that moved to the next paragraph still counts as kept. A source number missing
    where the translation has one the source lacks is reported as one change."""

    def __init__(self, words: dict[str, Any], where: str = ""):
        self.words: dict[str, NumberWords] = {}
        for lang, table in words.items():
            if not isinstance(table, dict) or not set(table) <= {"numbers", "scales", "months", "and_a_half"}:
                raise ValueError(f"words.{lang}: a mapping with numbers, scales, months and and_a_half")
            months = table.get("months", [])
            if months and (len(months) != 12 or not all(isinstance(m, str) for m in months)):
                raise ValueError(f"words.{lang}.months: twelve month names, got {months!r}")
            for part in ("numbers", "scales"):
                for word, value in (table.get(part) or {}).items():
                    if not isinstance(word, str) or isinstance(value, bool) or not isinstance(value, (int, float)):
                        raise ValueError(
                            f"words.{lang}.{part}: {word!r}: {value!r} must be a word and a number"
                            + (
                                " (YAML reads null/no/on/yes as values: quote the word)"
                                if not isinstance(word, str)
                                else ""
                            )
                        )
            self.words[lang] = NumberWords(
                dict(table.get("numbers", {})),
                dict(table.get("scales", {})),
                list(months),
                str(table.get("and_a_half", "")),
            )

    def find(self, text: str, ctx: Context) -> list[Hit]:
        bi = ctx.source
        if bi is None:
            return []
        src_words = self.words.get(bi.source_lang)
        tgt_words = self.words.get(ctx.target_lang)
        beads = bi.alignment.paragraphs
        # a paragraph pair without a digit on either side has nothing to compare (spelled-out
        # numbers only ever confirm digits): most paragraphs are skipped here
        digits = [
            _DIGIT.search(bi.source, b.source.start, b.source.end) is not None
            or _DIGIT.search(text, b.target.start, b.target.end) is not None
            for b in beads
        ]
        wanted = {j for i, d in enumerate(digits) if d for j in range(i - 1, i + 2)}
        # digits first, one scan of each text; the number words of a side are read only where
        # the other side has a number its digits cannot match (`drei` for 3, `February` for 02)
        src_q = _by_bead(quantities(bi.source, 0, len(bi.source), None), [b.source for b in beads], wanted)
        tgt_q = _by_bead(quantities(text, 0, len(text), None), [b.target for b in beads], wanted)
        src_full: dict[int, list[Quantity]] = {}
        tgt_full: dict[int, list[Quantity]] = {}

        def with_words(i: int, side: str) -> list[Quantity]:
            full, digits_only, words, text_of, span_of = (
                (src_full, src_q, src_words, bi.source, beads[i].source)
                if side == "source"
                else (tgt_full, tgt_q, tgt_words, text, beads[i].target)
            )
            if i not in full:
                full[i] = quantities(text_of, span_of.start, span_of.end, words) if words else digits_only.get(i, [])
            return full[i]

        hits: list[Hit] = []
        for i, bead in enumerate(beads):
            if not (bead.shape[0] and bead.shape[1]) or not digits[i]:
                continue
            near = [j for j in range(max(0, i - 1), min(len(beads), i + 2)) if beads[j].shape[0] and beads[j].shape[1]]
            tgt_near = [q for j in near for q in tgt_q.get(j, [])]
            src_near = [q for j in near for q in src_q.get(j, [])]
            missing = [q for q in src_q[i] if q.digits and not any(q.matches(t) for t in tgt_near)]
            added = [t for t in tgt_q[i] if t.digits and not any(t.matches(q) for q in src_near)]
            if missing or added:
                # read the words too (scales, spelled-out numbers, months) and compare again
                src_near = [q for j in near for q in with_words(j, "source")]
                tgt_near = [q for j in near for q in with_words(j, "target")]
                mine_src, mine_tgt = with_words(i, "source"), with_words(i, "target")
                missing = [q for q in mine_src if q.digits and not any(q.matches(t) for t in tgt_near)]
                added = [t for t in mine_tgt if t.digits and not any(t.matches(q) for q in src_near)]
            for q, t in zip(missing, added):
                hits.append(self._changed(bi, text, q, t))
            for q in missing[len(added) :]:
                span = _target_span_for(bi, q.start, bead.target)
                hits.append(
                    Hit(
                        span.start,
                        span.end,
                        message=f"the source's {bi.source[q.start : q.end]} is not in the translation",
                        source_span=(q.start, q.end),
                    )
                )
            for t in added[len(missing) :]:
                hits.append(
                    Hit(
                        t.start,
                        t.end,
                        message=f"{text[t.start : t.end]} is not in the source",
                        source_span=(bead.source.start, bead.source.end),
                    )
                )
        return hits

    @staticmethod
    def _changed(bi: Bilingual, text: str, q: Quantity, t: Quantity) -> Hit:
        return Hit(
            t.start,
            t.end,
            message=f"{text[t.start : t.end]} here, {bi.source[q.start : q.end]} in the source",
            suggestions=[],
            source_span=(q.start, q.end),
        )


def _by_bead(found: list[Quantity], spans: list[Span], wanted: set[int]) -> dict[int, list[Quantity]]:
    """The numbers of a text, each under the bead whose span holds it."""
    import bisect

    starts = [s.start for s in spans]
    out: dict[int, list[Quantity]] = {i: [] for i in wanted if 0 <= i < len(spans)}
    for q in found:
        i = bisect.bisect_right(starts, q.start) - 1
        while i > 0 and spans[i].end == spans[i].start:  # an empty span holds nothing
            i -= 1
        if i in out and spans[i].start <= q.start < max(spans[i].end, spans[i].start + 1):
            out[i].append(q)
    return out


def _sentences_within(spans: list[Span], outer: Span) -> list[Span]:
    return [s for s in spans if outer.start <= s.start < outer.end]


def _length_params(side: str, other: str, short: str, merged: str) -> dict[str, Param]:
    """The parameters of the two length detectors, which mirror each other (a missing source
    piece, an added target piece)."""
    return {
        "min_chars": Param((int,), 15, f"{side} characters a piece must have to be reported as {short}"),
        "max_delta": Param(
            (float, int),
            2.0,
            f"a bead whose length deviation is {'below minus' if side == 'source' else 'above'} this is reported",
        ),
        "merge_delta": Param(
            (float, int),
            0.6,
            f"a {merged} bead (several {side} sentences, one {other} sentence) this much too "
            f"{'short' if side == 'source' else 'long'} is reported when leaving one {side} sentence "
            "out explains its length better",
        ),
    }


class _LengthDetector:
    """What the two length detectors share: their parameters (`_length_params`)."""

    def __init__(self, min_chars: int, max_delta: float, merge_delta: float, where: str = ""):
        self.min_chars, self.max_delta, self.merge_delta = min_chars, float(max_delta), float(merge_delta)


@detector("source_omission", _length_params("source", "target", "missing", "merged"), stage=STAGE)
class SourceOmission(_LengthDetector):
    """A source sentence with no counterpart in the translation, or a translation much shorter
    than its source predicts. Gale–Church lengths decide: the aligner's beads with nothing on
    the target side, a bead far shorter than the article's own ratio, and a merge of source
    sentences that is better explained by one of them being left out."""

    def find(self, text: str, ctx: Context) -> list[Hit]:
        bi = ctx.source
        if bi is None:
            return []
        al = bi.alignment
        hits: list[Hit] = []
        previous_target: Span | None = None
        for i, bead in enumerate(al.sentences):
            missing: Span | None = None
            if not bead.shape[1]:
                missing = bead.source if len(bead.source) >= self.min_chars else None
            elif bead.shape[0]:
                deficit = len(bead.source) - len(bead.target) / al.ratio
                if bead.delta < -self.max_delta and deficit >= self.min_chars:
                    missing = bead.source
                elif bead.shape[0] >= 2 and bead.delta < -self.merge_delta:
                    missing = self._left_out(bead, al.source_sentences, al.ratio)
                elif bead.shape[0] >= 2 and bead.delta < 0:
                    missing = self._orphan(bi, bead)
            if missing is not None:
                where = bead.target if bead.shape[1] else self._gap(bi, previous_target, al.sentences, i)
                words = len(bi.source_text(missing).split())
                hits.append(
                    Hit(
                        where.start,
                        where.end,
                        message=f"{quote(bi.source_text(missing))} ({words} words of the source) is not translated here",
                        source_span=(missing.start, missing.end),
                    )
                )
            if bead.shape[1]:
                previous_target = bead.target
        return hits

    def _left_out(self, bead: Bead, source_sentences: list[Span], ratio: float) -> Span | None:
        best: tuple[float, Span] | None = None
        for sentence in _sentences_within(source_sentences, bead.source):
            if len(sentence) < self.min_chars:
                continue
            delta = length_delta(max(0, len(bead.source) - len(sentence)), len(bead.target), ratio)
            if abs(delta) < abs(bead.delta) and (best is None or abs(delta) < best[0]):
                best = (abs(delta), sentence)
        return best[1] if best else None

    def _orphan(self, bi: Bilingual, bead: Bead) -> Span | None:
        """In a merge a little short of its source, a source sentence that shares no word piece
        with the translation while the others do was left out, not merged."""
        from cleanup.align import anchors

        target = anchors(bi.target, bead.target)[2]
        if not target:
            return None
        shares = []
        for sentence in _sentences_within(bi.alignment.source_sentences, bead.source):
            grams = anchors(bi.source, sentence)[2]
            shares.append((sentence, grams.bit_count(), (grams & target).bit_count()))
        orphans = [s for s, n, shared in shares if n >= 6 and shared == 0 and len(s) >= self.min_chars]
        if len(orphans) == 1 and all(shared > 0 for s, _n, shared in shares if s != orphans[0]):
            return orphans[0]
        return None

    @staticmethod
    def _gap(bi: Bilingual, previous: Span | None, beads: list[Bead], i: int) -> Span:
        """Where a missing piece belongs: the translated sentences either side of the gap,
        within its paragraph (lengths alone may put the gap one sentence off)."""
        following = next((b.target for b in beads[i + 1 :] if b.shape[1]), None)
        if previous is None and following is None:
            return Span(0, 0)
        if previous is None or following is None:
            return previous or following  # type: ignore[return-value]
        if "\n" in bi.target[previous.end : following.start]:
            # the gap is at a paragraph break: each side is its own paragraph's
            return previous
        return Span(previous.start, following.end)


@detector("source_addition", _length_params("target", "source", "added", "split"), stage=STAGE)
class SourceAddition(_LengthDetector):
    """A target sentence with nothing in the source behind it, or a translation much longer
    than its source predicts: the mirror of `source_omission`."""

    def find(self, text: str, ctx: Context) -> list[Hit]:
        bi = ctx.source
        if bi is None:
            return []
        al = bi.alignment
        hits: list[Hit] = []
        for i, bead in enumerate(al.sentences):
            added: Span | None = None
            if not bead.shape[0]:
                added = self._widened(bi, al.sentences, i) if len(bead.target) >= self.min_chars else None
            elif bead.shape[1]:
                surplus = len(bead.target) / al.ratio - len(bead.source)
                if bead.delta > self.max_delta and surplus >= self.min_chars:
                    added = bead.target
                elif bead.shape[1] >= 2 and bead.delta > self.merge_delta:
                    added = self._added(bead, al.target_sentences, al.ratio)

            if added is not None:
                hits.append(
                    Hit(
                        added.start,
                        added.end,
                        message=(
                            "nothing in the source says this"
                            if added == bead.target
                            else "nothing in the source says one of these sentences"
                        )
                        if bead.shape[0] == 0
                        else f"the source says only {quote(bi.source_text(bead.source))}",
                        source_span=(bead.source.start, bead.source.end),
                    )
                )
        return hits

    @staticmethod
    def _widened(bi: Bilingual, beads: list[Bead], i: int, margin: float = 1.0) -> Span:
        """The sentence with no source, or it and a neighbour when the aligner could as well
        have matched the neighbour's source with it (lengths and anchors nearly as good): then
        one of the two was added, and the finding says so by covering both."""
        from cleanup.align import pair_cost

        extra = beads[i].target
        start, end = extra.start, extra.end
        for j in (i - 1, i + 1):
            if not 0 <= j < len(beads) or beads[j].shape != (1, 1):
                continue
            neighbour = beads[j]
            if "\n" in bi.target[min(extra.end, neighbour.target.end) : max(extra.start, neighbour.target.start)]:
                continue  # another paragraph
            chosen = pair_cost(bi.source, bi.target, neighbour.source, neighbour.target, bi.alignment.ratio)
            swapped = pair_cost(bi.source, bi.target, neighbour.source, extra, bi.alignment.ratio)
            if swapped <= chosen + margin:
                start, end = min(start, neighbour.target.start), max(end, neighbour.target.end)
        return Span(start, end)

    def _added(self, bead: Bead, target_sentences: list[Span], ratio: float) -> Span | None:
        best: tuple[float, Span] | None = None
        for sentence in _sentences_within(target_sentences, bead.target):
            if len(sentence) < self.min_chars:
                continue
            delta = length_delta(len(bead.source), max(0, len(bead.target) - len(sentence)), ratio)
            if abs(delta) < abs(bead.delta) and (best is None or abs(delta) < best[0]):
                best = (abs(delta), sentence)
        return best[1] if best else None


_LETTERS = re.compile(r"[^\W\d_]+")


_LONG_WORD = re.compile(r"[^\W\d_]{6,}")


def _may_share(target: str, source: str, enough: int = 2) -> bool:
    """Could a sentence of paragraph `target` be its source passed through? Only if at least
    `enough` of its long words (all of them, if it has fewer) are in the source: a translation
    shares a name or two, a pass-through every word, and one passed-through sentence in an
    otherwise translated paragraph at least two. Substring searches: most paragraphs stop here."""
    seen = shared = 0
    for m in _LONG_WORD.finditer(target):
        seen += 1
        if m.group() in source:
            shared += 1
            if shared >= enough:
                return True
    if seen == 0:
        return len(target) < 80  # short and plain: let the sentence test decide
    return shared == seen


def _shared_words(target: str, source: str) -> float:
    """The share of the target's words that its source has too."""
    words = [w.lower() for w in _LETTERS.findall(target)]
    if not words:
        return 0.0
    source_words = {w.lower() for w in _LETTERS.findall(source)}
    return sum(w in source_words for w in words) / len(words)


def _normalised(text: str) -> str:
    return " ".join(w.lower() for w in _LETTERS.findall(text))


@detector(
    "source_untranslated",
    {
        "min_words": Param((int,), 3, "words a sentence must have to be judged"),
        "min_letters": Param((int,), 15, "letters a sentence must have to be judged"),
        "similarity": Param((float,), 0.8, "how alike (0-1, by characters) a sentence and its source must be"),
    },
    stage=STAGE,
)
class SourceUntranslated:
    """A translated sentence that is its source sentence, letter for letter or nearly: the
    engine passed it through. Names, titles and numbers are the same in both languages, so a
    sentence must have some words, and read as the source's language, to be reported. A whole
    paragraph passed through is one finding (the fidelity stage then drops the language
    stage's less specific warning on it)."""

    def __init__(self, min_words: int, min_letters: int, similarity: float, where: str = ""):
        self.min_words, self.min_letters, self.similarity = min_words, min_letters, similarity

    def find(self, text: str, ctx: Context) -> list[Hit]:
        bi = ctx.source
        if bi is None:
            return []
        hits: list[Hit] = []
        # a whole paragraph passed through is one finding; its sentences are not judged again,
        # nor are those of a paragraph that shares hardly a word with its source
        done: list[tuple[int, int]] = []
        for bead in bi.paired_paragraphs():
            if not _may_share(text[bead.target.start : bead.target.end], bi.source_text(bead.source)):
                done.append((bead.target.start, bead.target.end))
                continue
            hit = self._judge(text, bead, bi, ctx)
            if hit is not None:
                hits.append(hit)
                done.append((hit.start, hit.end))
        for bead in bi.alignment.sentences:
            if not (bead.shape[0] and bead.shape[1]):
                continue
            if any(s <= bead.target.start and bead.target.end <= e for s, e in done):
                continue
            hit = self._judge(text, bead, bi, ctx)
            if hit is not None:
                hits.append(hit)
        return hits

    def _judge(self, text: str, bead: Bead, bi: Bilingual, ctx: Context) -> Hit | None:
        sentence = text[bead.target.start : bead.target.end]
        target = _normalised(sentence)
        words = target.split()
        if len(words) < self.min_words or len(target.replace(" ", "")) < self.min_letters:
            return None
        source = _normalised(bi.source_text(bead.source))
        # a translation shares few of its words with its source; only a sentence that shares
        # most is worth the character comparison
        source_words = set(source.split())
        if sum(w in source_words for w in words) < 0.5 * len(words):
            return None
        matcher = SequenceMatcher(None, source, target, autojunk=False)
        if matcher.real_quick_ratio() < self.similarity or matcher.quick_ratio() < self.similarity:
            return None
        ratio = matcher.ratio()
        if ratio < self.similarity or not self._in_source_language(sentence, bi, ctx):
            return None
        return Hit(
            bead.target.start,
            bead.target.end,
            message=f"{ratio:.0%} the same as its {bi.source_lang} source",
            source_span=(bead.source.start, bead.source.end),
        )

    @staticmethod
    def _in_source_language(sentence: str, bi: Bilingual, ctx: Context) -> bool:
        """A sentence the source also has may be a name, a product or a quote already in the
        target language (`Windows 2000/XP Professional`, an English title in a German
        article): it is untranslated only if it reads as the source's language, told by its
        words (common in the source language, not in the target's), or by langdetect for a
        language without a word list."""
        from cleanup.stages.language import plainly_english

        if ctx.target_lang == "en" and plainly_english(sentence):
            return False
        words = [w.lower() for w in _LETTERS.findall(sentence) if len(w) > 1]
        try:
            own = [ctx.zipf(w, bi.source_lang) for w in words]
        except LookupError:  # wordfreq has no list for the language
            own = []
        if own and any(own):
            theirs = [ctx.zipf(w, ctx.target_lang) for w in words]
            source_like = sum(1 for a, b in zip(own, theirs) if a >= 3.0 and a > b + 1.0)
            return source_like >= max(1, 0.3 * len(words))
        if ctx.language is None:
            return True
        code, probability = ctx.language.detect(sentence)
        return code == bi.source_lang and probability >= 0.5


# what a translation must carry over character for character
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"«»“”]+[^\s<>\"«»“”.,;:!?)\]]")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_HANDLE = re.compile(r"(?<![\w@])@\w{2,}")
_HASHTAG = re.compile(r"(?<![\w#&])#[^\W\d_]\w+")
_LATIN = re.compile(r"(?<![^\W\d_])[A-Za-z][A-Za-z0-9&'’.-]*[A-Za-z0-9]")


@detector(
    "source_tokens",
    {
        "latin_names": Param(
            (bool,), True, "in a source not written in Latin letters, Latin-script words (names, brands) must survive"
        ),
    },
    stage=STAGE,
)
class SourceTokens:
    """URLs, e-mail addresses and @handles of the source must be in the translation unchanged,
    and so must the Latin-script names and brands of a source in another script (`Apple`,
    `iPhone` in a Russian text; case aside, since a translator may capitalise). Each is looked
    for in the whole translation (a token moved to another paragraph is kept), and reported at
    the translation of the paragraph that had it. #Hashtags may be translated, but a paragraph
    must keep as many as its source has."""

    def __init__(self, latin_names: bool, where: str = ""):
        self.latin_names = latin_names

    def find(self, text: str, ctx: Context) -> list[Hit]:
        bi = ctx.source
        if bi is None:
            return []
        wanted: list[tuple[int, int, str, bool]] = []  # start, end, token, case-sensitive
        source = bi.source
        if "://" in source or "www." in source:
            wanted.extend((m.start(), m.end(), m.group(), True) for m in _URL.finditer(source))
        if "@" in source:
            for pattern in (_EMAIL, _HANDLE):
                wanted.extend((m.start(), m.end(), m.group(), False) for m in pattern.finditer(source))
        taken = [(s, e) for s, e, _t, _x in wanted]
        if self.latin_names and _mostly_non_latin(bi.source):
            for m in _LATIN.finditer(bi.source):
                if any(s <= m.start() < e for s, e in taken) or _ROMAN_NUMERAL.fullmatch(m.group()):
                    continue
                if len(m.group()) >= 2:
                    wanted.append((m.start(), m.end(), m.group(), False))
        folded = text.casefold()
        hits: list[Hit] = []
        reported: set[str] = set()
        for start, end, token, exact in sorted(wanted):
            if (token in text) if exact else (token.casefold() in folded):
                continue
            if token in reported:
                continue
            reported.add(token)
            where = self._target_of(bi, start)
            hits.append(
                Hit(
                    where.start,
                    where.end,
                    message=f"the source's {token} is not in the translation",
                    suggestions=[token],
                    source_span=(start, end),
                )
            )
        if "#" in bi.source:
            hits.extend(self._hashtags(bi, text))
        return hits

    @staticmethod
    def _target_of(bi: Bilingual, source_pos: int) -> Span:
        bead = next((b for b in bi.alignment.paragraphs if b.source.start <= source_pos < b.source.end), None)
        return bead.target if bead is not None and bead.shape[1] else Span(0, 0)

    @staticmethod
    def _hashtags(bi: Bilingual, text: str) -> list[Hit]:
        """A hashtag may be translated (#Wahl → #election) but must stay a hashtag: a
        paragraph with fewer hashtags than its source lost one."""
        hits = []
        for bead in bi.paired_paragraphs():
            source_tags = list(_HASHTAG.finditer(bi.source, bead.source.start, bead.source.end))
            target_tags = {m.group().casefold() for m in _HASHTAG.finditer(text, bead.target.start, bead.target.end)}
            if len(source_tags) <= len(target_tags):
                continue
            lost = [m for m in source_tags if m.group().casefold() not in target_tags]
            first = lost[0] if lost else source_tags[-1]
            hits.append(
                Hit(
                    bead.target.start,
                    bead.target.end,
                    message=f"{len(source_tags)} hashtags in the source, {len(target_tags)} here ({first.group()} …)",
                    source_span=(first.start(), first.end()),
                )
            )
        return hits


_ROMAN_NUMERAL = re.compile(r"[MDCLXVI]+")


_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
_ANY_LETTER = re.compile(r"[^\W\d_]")


def _mostly_non_latin(text: str) -> bool:
    sample = text[:1500]
    latin = len(_LATIN_LETTER.findall(sample))
    return len(_ANY_LETTER.findall(sample)) - latin > latin


@detector("glossary", {}, stage=STAGE)
class GlossaryTerms:
    """The newsroom's glossary (`--glossary`): where the source has a term, its translation
    must use the required target term: a word that spells it another way (`Kiev` for `Kyiv`)
    is flagged where it stands, else the sentence that lacks the term. A forbidden target term
    is flagged where the source has its term, and everywhere when the glossary gives no
    source term. The suggestion is the required term."""

    def __init__(self, where: str = ""):
        pass

    def find(self, text: str, ctx: Context) -> list[Hit]:
        glossary = ctx.glossary
        if glossary is None:
            return []
        hits: list[Hit] = []
        for term in glossary.terms:
            if term.forbidden and not term.source:
                for m in glossary.target_pattern(term.target).finditer(text):
                    hits.append(Hit(m.start(), m.end(), message=f"the glossary forbids {term.target}{_note(term)}"))
        bi = ctx.source
        if bi is None:
            return hits
        for bead in bi.paired_paragraphs():
            src = bi.source_text(bead.source)
            tgt_start, tgt_end = bead.target.start, bead.target.end
            flagged_sources: set[str] = set()  # a forbidden term found says what is missing too
            ordered = sorted(glossary.terms, key=lambda t: not t.forbidden)
            for term in ordered:
                if not term.source:
                    continue
                found = glossary.source_pattern(term.source).search(src)
                if found is None:
                    continue
                source_span = (bead.source.start + found.start(), bead.source.start + found.end())
                if term.forbidden:
                    required = [t.target for t in glossary.required_for(term.source)]
                    for m in glossary.target_pattern(term.target).finditer(text, tgt_start, tgt_end):
                        flagged_sources.add(term.source)
                        hits.append(
                            Hit(
                                m.start(),
                                m.end(),
                                message=f"the glossary forbids {term.target} for {term.source}{_note(term)}",
                                suggestions=required,
                                source_span=source_span,
                            )
                        )
                    continue
                if term.source in flagged_sources:
                    continue
                variants = _variants(term.target, text, tgt_start, tgt_end)
                for m in variants:
                    hits.append(
                        Hit(
                            m.start(),
                            m.end(),
                            message=f"the glossary says {term.source} is {term.target}, not {m.group()}{_note(term)}",
                            suggestions=[term.target],
                            source_span=source_span,
                        )
                    )
                if variants or glossary.target_pattern(term.target).search(text, tgt_start, tgt_end):
                    continue
                span = _target_span_for(bi, source_span[0], bead.target)
                hits.append(
                    Hit(
                        span.start,
                        span.end,
                        message=f"the glossary says {term.source} is {term.target}{_note(term)}",
                        suggestions=[term.target],
                        source_span=source_span,
                    )
                )
        return hits


_WORDS = re.compile(r"[^\W\d_][\w'’-]*")


def _variants(term: str, text: str, start: int, end: int) -> list[re.Match[str]]:
    """Words that spell a one-word term another way, as transliterations do (`Kiev` for
    `Kyiv`, `Zelenskiy` for `Zelenskyy`, `Odessa` for `Odesa`): the same first letter, the
    same consonants in the same order, and vowels where the term has vowels. `Russian` is not a spelling of
    `Russia` (another consonant), nor `Oleg` of `Olga` (vowels elsewhere), nor `Kyiv's` of
    `Kyiv`."""
    if not term.isalpha() or len(term) < 4:
        return []
    wanted = term.casefold()
    skeleton = _skeleton(wanted)
    out = []
    for m in _WORDS.finditer(text, start, end):
        word = m.group()
        folded = re.sub(r"['’]s$", "", word.casefold())
        if folded in (wanted, wanted + "s", wanted + "es") or folded[:1] != wanted[:1]:
            continue
        if term[0].isupper() and not word[0].isupper():
            continue
        if _skeleton(folded) == skeleton:
            out.append(m)
    return out


_VOWELS = "aeiouyäöüéèêáàíóúї"


def _skeleton(word: str) -> tuple[str, str]:
    """A word's consonants (a doubled letter once) and its shape in runs of consonants and
    vowels: `kyiv` and `kiev` are both (`kv`, `CVC`); `olga` (`lg`, `VCV`) is not `oleg`
    (`lg`, `VCVC`), nor `ukrainian` (`krnn`) `ukraine` (`krn`)."""
    single = re.sub(r"(.)\1+", r"\1", word)
    consonants = "".join(c for c in single if c not in _VOWELS)
    shape = re.sub(r"(.)\1+", r"\1", "".join("V" if c in _VOWELS else "C" for c in single))
    return consonants, shape


def _note(term: Any) -> str:
    note = term.note
    if term.forbidden:
        note = note[len("forbidden") :].lstrip(" :;-")
    return f" ({note})" if note else ""
