"""Aligning a translation with its source: paragraphs first, then sentences inside them.

The aligner is Gale & Church's (1993, "A program for aligning sentences in bilingual
corpora"): translations of longer units are longer, so the length of a target unit is about
`c` times the length of its source unit, with a variance that grows with the length. A bead
(a group of source units matched to a group of target units: 1-1, 1-0, 0-1, 2-1, 1-2, 2-2,
and 3-1 / 1-3 for merged paragraphs) costs

    -log P(bead type) - log P(|δ| or more),   δ = (l₂ - c·l₁) / √(s² · (l₁ + l₂/c) / 2)

and dynamic programming finds the cheapest sequence of beads. `c` is the article's own ratio
of target to source characters (so any language pair works without tables) and s² = 6.8, the
paper's variance per character. Long articles are aligned inside a band around the diagonal,
so the cost stays linear in the article's length.

Why our own ~150 lines and not a library: the one Gale–Church package on PyPI (`galechurch`)
is a 0.1.0 with a single release, and the embedding aligners (bertalign, vecalign) need a
sentence-embedding model that cannot be downloaded here and would cost more than the whole
pipeline. Length-based alignment is enough for what the fidelity checks need: where each
source paragraph and sentence went, and which have no counterpart.
"""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass

# the paper's priors for each bead type (source units, target units); 3-1 / 1-3 are ours, for
# paragraphs a translator merged or split
BEAD_PRIORS = {
    (1, 1): 0.89,
    (1, 0): 0.0099 / 2,
    (0, 1): 0.0099 / 2,
    (2, 1): 0.089 / 2,
    (1, 2): 0.089 / 2,
    (2, 2): 0.011,
    (3, 1): 0.001,
    (1, 3): 0.001,
}
BEAD_COST_1_1 = -math.log(BEAD_PRIORS[(1, 1)])
# paragraphs: a translation keeps the source's paragraphs far more often than its sentences
PARAGRAPH_PRIORS = {
    (1, 1): 0.97,
    (1, 0): 0.005,
    (0, 1): 0.005,
    (2, 1): 0.008,
    (1, 2): 0.008,
    (2, 2): 0.002,
    (3, 1): 0.001,
    (1, 3): 0.001,
}
VARIANCE = 6.8
BAND = 12  # units either side of the diagonal an alignment may stray (more if the counts differ more)


@dataclass(frozen=True)
class Span:
    """A unit (paragraph or sentence) of a text: [start, end) offsets."""

    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Bead:
    """Source units matched to target units. `source`/`target` are the character spans they
    cover (an empty span at the place where the missing side would be); `shape` is (number of
    source units, number of target units); `delta` is Gale–Church's length deviation (negative:
    the target is shorter than the source predicts)."""

    source: Span
    target: Span
    shape: tuple[int, int]
    delta: float


@dataclass
class Alignment:
    """A translation aligned with its source: paragraph beads, and sentence beads inside each."""

    ratio: float  # target characters per source character, over the whole article
    paragraphs: list[Bead]
    sentences: list[Bead]
    source_sentences: list[Span]
    target_sentences: list[Span]


def paragraphs(text: str) -> list[Span]:
    """Every non-blank line, without its surrounding whitespace."""
    return [Span(m.start(), m.end()) for m in re.finditer(r"[^\s\n](?:[^\n]*[^\s\n])?", text)]


# a sentence ends at . ! ? … (and closing quotes/brackets, and emoji) before a space and a
# capital, digit or opening quote; not after an initial, a short number (`am 1. Mai`) or a listed abbreviation
_SENTENCE_END = re.compile(
    r"[.!?…]+[\"'»”’)\]]*[\U0001F300-\U0001FAFF\u2600-\u27BF\uFE0F]*\s+(?=[\"'«„“‘(\[]?[^\W\d_a-zа-яё]|\d)"
)
_WORD_BEFORE = re.compile(r"(\w+)\W*$")


def sentences(text: str, span: Span, abbreviations: frozenset[str] = frozenset()) -> list[Span]:
    """The sentences of one paragraph."""
    out: list[Span] = []
    start = span.start
    for m in _SENTENCE_END.finditer(text, span.start, span.end):
        before = _WORD_BEFORE.search(text, max(start, m.start() - 20), m.start() + 1)
        word = before.group(1) if before else ""
        if len(word) == 1 or (word.isdigit() and len(word) <= 2) or word.lower() in abbreviations:
            continue
        end = m.end()
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append(Span(start, end))
        start = m.end()
    if start < span.end:
        out.append(Span(start, span.end))
    return out


def _minus_log_tail(delta: float) -> float:
    """-log P(|Z| >= |δ|) for a standard normal Z, without underflow for large |δ|."""
    z = abs(delta) / math.sqrt(2)
    tail = math.erfc(z)
    if tail > 1e-300:
        return -math.log(tail)
    return z * z + math.log(z * math.sqrt(math.pi))  # the asymptotic form of erfc


def length_delta(source_len: int, target_len: int, ratio: float) -> float:
    if source_len == 0 and target_len == 0:
        return 0.0
    # in source characters: a pair with three target characters per source character (Chinese
    # into English) deviates three times as much in target characters as one with a ratio of 1
    mean = (source_len + target_len / ratio) / 2
    return (target_len / ratio - source_len) / math.sqrt(VARIANCE * mean)


ANCHOR_BONUS = 1.0  # nats per anchor both sides of a bead share
NUMBER_PENALTY = 0.5  # nats per number only one side of a bead has
NAME_PENALTY = 0.7  # nats per name of the translation the source side of its bead lacks
NAME_CAP = 3.0
COGNATE_WEIGHT = 4.0  # nats for a bead whose shorter side's word pieces all recur in the other


_TRANSLIT = str.maketrans(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "abvgdeezziiklmnoprstufhccss_y_eua",
)
_NAME = re.compile(r"\b[^\W\d_][\w'’-]{2,}")
_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f]\d+)*")


# a unit's numbers, names and word pieces, each a set kept as the bits of an int (a stable
# hash of each member picks its bit): unions and intersections in the aligner's inner loop are
# then single integer operations, whatever the size of the sets
Anchors = tuple[int, int, int]
_BITS = {"number": 1 << 9, "name": 1 << 9, "gram": 1 << 12}


def _bit(member: str, kind: str) -> int:
    return 1 << (zlib.crc32(member.encode("utf-8")) % _BITS[kind])


def anchors(text: str, span: Span) -> Anchors:
    """What a unit and its translation usually share whatever the languages: its numbers
    (digits only), its names (words capitalised mid-sentence, transliterated, first four
    letters) and its cognates (the first and last four letters of its longer words,
    transliterated: `Präsident`/`president`, `министр`/`minister`)."""
    numbers = 0
    for m in _NUMBER.finditer(text, span.start, span.end):
        numbers |= _bit(re.sub(r"\D", "", m.group()).lstrip("0") or "0", "number")
    names = grams = 0
    for m in _NAME.finditer(text, span.start, span.end):
        word = m.group().lower().translate(_TRANSLIT)
        if len(word) >= 4:
            # a cognate keeps its beginning or its end (`inflation`/`Inflation`, `Präsident`/
            # `president`): two pieces a word are enough, and cheap
            grams |= _bit(word[:4], "gram") | _bit(word[-4:], "gram")
        if m.group()[0].isupper() and m.start() > span.start:
            before = text[max(span.start, m.start() - 3) : m.start()]
            if not _SENTENCE_START.search(before):
                names |= _bit(word[:4], "name")
    return numbers, names, grams


# a capital after a sentence's end says nothing: only names are capitalised mid-sentence
_SENTENCE_START = re.compile(r"[.!?:…\"“”«»]\s*$|\n\s*$")


def gale_church(
    source: list[int],
    target: list[int],
    ratio: float,
    priors: dict[tuple[int, int], float] = BEAD_PRIORS,
    source_anchors: list[Anchors] | None = None,
    target_anchors: list[Anchors] | None = None,
) -> list[tuple[int, int, int, int]]:
    """The cheapest beads for two sequences of unit lengths: (i0, i1, j0, j1) ranges of
    source and target units, in order, covering both sequences. With anchors (numbers and
    names per unit), a bead whose sides share them costs less, and a number only one side
    has costs more: lengths alone cannot tell which of two similar paragraphs was dropped."""
    n, m = len(source), len(target)
    if n == 0 or m == 0:
        return [(0, n, 0, m)] if n or m else []
    src_cum = [0]
    for x in source:
        src_cum.append(src_cum[-1] + x)
    tgt_cum = [0]
    for x in target:
        tgt_cum.append(tgt_cum[-1] + x)
    inf = float("inf")
    moves = [(di, dj, -math.log(p)) for (di, dj), p in priors.items()]
    band = max(BAND, abs(n - m) + 3)
    anchored = source_anchors is not None and target_anchors is not None
    src_unions: dict[tuple[int, int], Anchors] = {}
    tgt_unions: dict[tuple[int, int], Anchors] = {}
    # cost[i][j]: the cheapest beads covering source[:i] and target[:j]; back: where from
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        centre = i * m // n
        for j in range(max(0, centre - band), min(m, centre + band) + 1):
            if i == 0 and j == 0:
                continue
            best, arg = inf, None
            for di, dj, prior in moves:
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0:
                    continue
                c = cost[pi][pj]
                if c == inf:
                    continue
                c += prior
                if di and dj:
                    c += _minus_log_tail(length_delta(src_cum[i] - src_cum[pi], tgt_cum[j] - tgt_cum[pj], ratio))
                    if anchored:
                        su = src_unions.get((pi, i))
                        if su is None:
                            su = src_unions[(pi, i)] = _union(source_anchors[pi:i])  # type: ignore[index]
                        tu = tgt_unions.get((pj, j))
                        if tu is None:
                            tu = tgt_unions[(pj, j)] = _union(target_anchors[pj:j])  # type: ignore[index]
                        c += _anchor_cost(su, tu)
                if c < best:
                    best, arg = c, (pi, pj)
            if arg is not None:
                cost[i][j] = best
                back[i][j] = arg
    beads = []
    i, j = n, m
    while (i, j) != (0, 0):
        step = back[i][j]
        assert step is not None
        beads.append((step[0], i, step[1], j))
        i, j = step
    beads.reverse()
    return beads


def _union(units: list[Anchors]) -> Anchors:
    numbers = names = grams = 0
    for n, m, g in units:
        numbers, names, grams = numbers | n, names | m, grams | g
    return numbers, names, grams


def _anchor_cost(src: Anchors, tgt: Anchors) -> float:
    s_num, s_name, s_grams = src
    t_num, t_name, t_grams = tgt
    shared = (s_num & t_num).bit_count() + (s_name & t_name).bit_count()
    # a name in the translation that the source does not have (English capitalises only
    # names mid-sentence) says the two do not belong together; names are translated now and
    # then (München, Munich), hence the cap
    foreign_names = min(NAME_CAP, NAME_PENALTY * (t_name & ~s_name).bit_count())
    cost = NUMBER_PENALTY * (s_num ^ t_num).bit_count() - ANCHOR_BONUS * shared + foreign_names
    if s_grams and t_grams:
        cost -= COGNATE_WEIGHT * (s_grams & t_grams).bit_count() / min(s_grams.bit_count(), t_grams.bit_count())
    return cost


def pair_cost(source: str, target: str, source_span: Span, target_span: Span, ratio: float) -> float:
    """What the aligner would pay to match these two units one to one (lengths and anchors):
    a detector compares it with the pairing the aligner chose, to see how sure that was."""
    delta = length_delta(len(source_span), len(target_span), ratio)
    return (
        BEAD_COST_1_1
        + _minus_log_tail(delta)
        + _anchor_cost(anchors(source, source_span), anchors(target, target_span))
    )


FAST_DELTA = 3.0  # a one-to-one pairing whose every pair deviates less needs no search


class _Aligner:
    """One source and one target text, with what aligning them computes more than once: the
    sentences of each paragraph and the anchors of each unit."""

    def __init__(
        self, source: str, target: str, source_abbreviations: frozenset[str], target_abbreviations: frozenset[str]
    ):
        self.texts = {"source": source, "target": target}
        self.abbreviations = {"source": source_abbreviations, "target": target_abbreviations}
        self._sentences: dict[tuple[str, Span], list[Span]] = {}
        self._anchors: dict[tuple[str, Span], Anchors] = {}

    def sentences(self, side: str, paragraph: Span) -> list[Span]:
        key = (side, paragraph)
        found = self._sentences.get(key)
        if found is None:
            found = self._sentences[key] = sentences(self.texts[side], paragraph, self.abbreviations[side])
        return found

    def anchors(self, side: str, unit: Span) -> Anchors:
        key = (side, unit)
        found = self._anchors.get(key)
        if found is None:
            found = self._anchors[key] = anchors(self.texts[side], unit)
        return found

    def beads(
        self, src_units: list[Span], tgt_units: list[Span], ratio: float, src_at: int, tgt_at: int, priors=BEAD_PRIORS
    ) -> list[Bead]:
        if len(src_units) == len(tgt_units):
            # most translations keep the source's units one for one: when every pair's length
            # fits, that is the alignment, and the search (and the anchors) can be skipped
            diagonal = [Bead(s, t, (1, 1), length_delta(len(s), len(t), ratio)) for s, t in zip(src_units, tgt_units)]
            if all(abs(b.delta) <= FAST_DELTA for b in diagonal):
                return diagonal
        n, m = len(src_units), len(tgt_units)
        # the units that pair off one to one from either end need no search either: only the
        # stretch between them (where something was dropped, added or merged) is searched
        head = 0
        while (
            head < min(n, m) and abs(length_delta(len(src_units[head]), len(tgt_units[head]), ratio)) <= FAST_DELTA / 2
        ):
            head += 1
        tail = 0
        while (
            tail < min(n, m) - head
            and abs(length_delta(len(src_units[n - 1 - tail]), len(tgt_units[m - 1 - tail]), ratio)) <= FAST_DELTA / 2
        ):
            tail += 1
        if head + tail == min(n, m) or head + tail == 0:
            head = tail = 0  # the ends explain everything or nothing: search it all
        out = [
            Bead(s, t, (1, 1), length_delta(len(s), len(t), ratio)) for s, t in zip(src_units[:head], tgt_units[:head])
        ]
        if head:
            src_at, tgt_at = out[-1].source.end, out[-1].target.end
        out.extend(self._search(src_units[head : n - tail], tgt_units[head : m - tail], ratio, src_at, tgt_at, priors))
        out.extend(
            Bead(s, t, (1, 1), length_delta(len(s), len(t), ratio))
            for s, t in zip(src_units[n - tail :], tgt_units[m - tail :])
        )
        return out

    def _search(
        self, src_units: list[Span], tgt_units: list[Span], ratio: float, src_at: int, tgt_at: int, priors
    ) -> list[Bead]:
        lengths = [len(u) for u in src_units], [len(u) for u in tgt_units]
        anchored = [self.anchors("source", u) for u in src_units], [self.anchors("target", u) for u in tgt_units]
        out = []
        for i0, i1, j0, j1 in gale_church(*lengths, ratio, priors, *anchored):
            s = Span(src_units[i0].start, src_units[i1 - 1].end) if i1 > i0 else Span(src_at, src_at)
            t = Span(tgt_units[j0].start, tgt_units[j1 - 1].end) if j1 > j0 else Span(tgt_at, tgt_at)
            if i1 > i0:
                src_at = s.end
            if j1 > j0:
                tgt_at = t.end
            out.append(Bead(s, t, (i1 - i0, j1 - j0), length_delta(len(s), len(t), ratio)))
        return out


def _median_ratio(beads: list[Bead]) -> float | None:
    """The typical target/source length ratio of the 1-1 beads, if there are enough to say:
    the median is not moved by the one paragraph that was dropped or invented."""
    ratios = sorted(len(b.target) / len(b.source) for b in beads if b.shape == (1, 1) and len(b.source) >= 20)
    if len(ratios) < 3:
        return None
    mid = len(ratios) // 2
    return ratios[mid] if len(ratios) % 2 else (ratios[mid - 1] + ratios[mid]) / 2


def align(
    source: str,
    target: str,
    source_abbreviations: frozenset[str] = frozenset(),
    target_abbreviations: frozenset[str] = frozenset(),
    expected_ratio: float | None = None,
) -> Alignment:
    """Align `target` with `source`: paragraph beads, then sentence beads inside each
    paragraph bead that has both sides.

    The length ratio `c` is the article's own: first its total, then the median over the
    paragraphs (or sentences) that align one to one, so that one dropped or invented piece
    does not move it. A text too short to tell uses `expected_ratio` (the language pair's
    typical ratio, when known)."""
    aligner = _Aligner(source, target, source_abbreviations, target_abbreviations)
    src_paras, tgt_paras = paragraphs(source), paragraphs(target)
    src_chars = sum(len(p) for p in src_paras)
    tgt_chars = sum(len(p) for p in tgt_paras)
    total = tgt_chars / src_chars if src_chars and tgt_chars else 1.0

    def paragraph_pass(c: float) -> list[Bead]:
        return aligner.beads(src_paras, tgt_paras, c, 0, 0, PARAGRAPH_PRIORS)

    def sentence_pass(c: float, para_beads: list[Bead]):
        src_units, tgt_units, out = [], [], []
        for bead in para_beads:
            src_sents = [
                s
                for p in src_paras
                if bead.source.start <= p.start < bead.source.end
                for s in aligner.sentences("source", p)
            ]
            tgt_sents = [
                s
                for p in tgt_paras
                if bead.target.start <= p.start < bead.target.end
                for s in aligner.sentences("target", p)
            ]
            src_units.append(src_sents)
            tgt_units.append(tgt_sents)
            if not bead.shape[0] or not bead.shape[1]:
                out.append(bead)
            else:
                out.extend(aligner.beads(src_sents, tgt_sents, c, bead.source.start, bead.target.start))
        return src_units, tgt_units, out

    ratio = total
    para_beads = paragraph_pass(ratio)
    typical = _median_ratio(para_beads)
    if typical is not None and abs(typical - ratio) > 0.01 * ratio:
        ratio = typical
        para_beads = paragraph_pass(ratio)
    src_units, tgt_units, sentence_beads = sentence_pass(ratio, para_beads)
    if typical is None:
        typical = _median_ratio(sentence_beads) or expected_ratio
        if typical is not None and abs(typical - ratio) > 0.01 * ratio:
            ratio = typical
            para_beads = paragraph_pass(ratio)
            src_units, tgt_units, sentence_beads = sentence_pass(ratio, para_beads)
    return Alignment(
        ratio,
        para_beads,
        sentence_beads,
        [s for group in src_units for s in group],
        [s for group in tgt_units for s in group],
    )
