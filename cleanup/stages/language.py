"""Stage `language`: which language the article is in, and which paragraphs are not.

langdetect is seeded so that results are deterministic. For an English target, a paragraph
dense in English function words is English without asking langdetect (which is the slow part);
only the doubtful ones are detected. A paragraph is one non-empty line.
"""

from __future__ import annotations

import re
import struct
import unicodedata
from typing import TYPE_CHECKING, Any

from cleanup.document import Document, LanguageFacts
from cleanup.model import Finding, LanguageGuess, Severity

if TYPE_CHECKING:  # pragma: no cover
    from cleanup.cache import ResultCache
    from cleanup.resources import Resources

STAGE = "language"

ENGLISH_FUNCTION_WORDS = frozenset(
    """a about after all also an and any are as at be been but by can could did do does for
    from had has have he her his how i if in into is it its more most no not of on one or our
    out she so than that the their them there these they this those to up was we were what when
    where which while who will with would you""".split()
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_PARAGRAPH = re.compile(r"[^\n]+")
MIN_PARAGRAPH_LETTERS = 25  # in another script
MIN_LATIN_PARAGRAPH_LETTERS = 40  # langdetect guesses wildly on a short Latin-script line


# langdetect's cost grows with the text; 800 characters decide an article's language as
# well as 10,000 do (paragraphs are judged on their own), at a tenth of the cost
DETECT_CHARS = 800
DETECT_KEY = f"langdetect 1.0.9 seed=0 chars={DETECT_CHARS}"


class LanguageDetector:
    """langdetect, seeded (deterministic), its profiles loaded on first need; results are kept
    in the results cache, so a warm pre-commit run never loads langdetect."""

    def __init__(self, cache: ResultCache | None = None):
        self.cache = cache
        self._factory: Any = None

    def detect(self, text: str) -> tuple[str, float]:
        """Most probable language of `text` and its probability; ('unknown', 0) if undecidable."""
        sample = text[:DETECT_CHARS]
        if self.cache is not None:
            hit = self.cache.get(DETECT_KEY, sample)
            if hit is not None:
                return hit[0], hit[1]
        code, prob = self._detect(sample)
        if self.cache is not None:
            self.cache.put(DETECT_KEY, sample, [code, prob])
        return code, prob

    def _detect(self, text: str) -> tuple[str, float]:
        from langdetect.lang_detect_exception import LangDetectException

        if self._factory is None:
            self._factory = compact_factory()
        try:
            det = self._factory.create()
            # one detection draws the same few hundred n-grams thousands of times: unpack each once
            det.word_lang_prob_map = UnpackedOnce(det.word_lang_prob_map)
            det.append(text)
            probs = det.get_probabilities()
        except LangDetectException:
            return "unknown", 0.0
        if not probs:
            return "unknown", 0.0
        best = probs[0]
        return _normalise_code(best.lang), float(best.prob)


class CompactProfiles:
    """langdetect's n-gram table, compact: langdetect keeps, for each of its ~170,000 n-grams, a
    list of one probability per language (55), nearly all zero: about 65 MB per worker. Here an
    n-gram keeps only its non-zero probabilities, packed (language index, float64) in bytes,
    and a lookup unpacks the dense list langdetect's Detector expects: the same floats, so the
    same arithmetic and the same answers, in about a third of the memory."""

    _PAIR = struct.Struct("<Bd")

    def __init__(self, languages: int, packed: dict[str, bytes]):
        self.languages = languages
        self.packed = packed

    def __contains__(self, ngram: object) -> bool:
        return ngram in self.packed

    def __getitem__(self, ngram: str) -> list[float]:
        dense = [0.0] * self.languages
        for index, prob in self._PAIR.iter_unpack(self.packed[ngram]):
            dense[index] = prob
        return dense


class UnpackedOnce:
    """`CompactProfiles` for one detection: each n-gram's list unpacked on first use."""

    def __init__(self, profiles: CompactProfiles):
        self.profiles = profiles
        self.unpacked: dict[str, list[float]] = {}

    def __contains__(self, ngram: object) -> bool:
        return ngram in self.profiles

    def __getitem__(self, ngram: str) -> list[float]:
        found = self.unpacked.get(ngram)
        if found is None:
            found = self.unpacked[ngram] = self.profiles[ngram]
        return found


def compact_factory() -> Any:
    """A langdetect DetectorFactory (seeded: deterministic) over `CompactProfiles`, loaded as
    langdetect's `init_factory` loads its profiles: the same files in the same order (a
    language's index is its place in `os.listdir`), the same probabilities."""
    import json
    import os

    from langdetect import DetectorFactory
    from langdetect.detector_factory import PROFILES_DIRECTORY
    from langdetect.utils.lang_profile import LangProfile

    DetectorFactory.seed = 0
    factory = DetectorFactory()
    names = os.listdir(PROFILES_DIRECTORY)
    languages = len(names)
    pair = CompactProfiles._PAIR
    pieces: dict[str, list[bytes]] = {}
    index = 0
    for name in names:
        path = os.path.join(PROFILES_DIRECTORY, name)
        if name.startswith(".") or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8") as fh:
            profile = LangProfile(**json.load(fh))
        factory.langlist.append(profile.name)
        for ngram, count in profile.freq.items():
            found = pieces.setdefault(ngram, [])
            if 1 <= len(ngram) <= 3:
                prob = 1.0 * count / profile.n_words[len(ngram) - 1]
                if prob != 0.0:
                    found.append(pair.pack(index, prob))
        index += 1
    factory.word_lang_prob_map = CompactProfiles(languages, {k: b"".join(v) for k, v in pieces.items()})
    return factory


def _normalise_code(code: str) -> str:
    return code.split("-")[0]


def script_of(ch: str) -> str:
    """A coarse script name from the Unicode character name (LATIN, CYRILLIC, CJK...)."""
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return "UNKNOWN"
    first = name.split(" ")[0]
    if first in ("CJK", "HIRAGANA", "KATAKANA", "HANGUL"):
        return first
    return first


_NON_ASCII_LETTER = re.compile(r"[^\W\d_\x00-\x7f]")
# every byte but the ASCII letters: deleting them from UTF-8 leaves the ASCII letters alone
# (UTF-8 encodes other characters with bytes >= 0x80), counted at C speed
_NOT_ASCII_LETTER_BYTES = bytes(b for b in range(256) if not (65 <= b <= 90 or 97 <= b <= 122))


def letter_scripts(text: str) -> dict[str, int]:
    """Letters per script. The ASCII letters are counted on the bytes (the hot path: most
    news text is ASCII); only the others are looked up one by one."""
    counts: dict[str, int] = {}
    latin = len(text.encode("utf-8", "surrogatepass").translate(None, _NOT_ASCII_LETTER_BYTES))
    if latin:
        counts["LATIN"] = latin
    if text.isascii():
        return counts
    for m in _NON_ASCII_LETTER.finditer(text):
        ch = m.group()
        s = script_of(ch)
        counts[s] = counts.get(s, 0) + 1
    return counts


def count_letters(text: str) -> int:
    return sum(letter_scripts(text).values())


def english_function_share(words: list[str]) -> float:
    if not words:
        return 0.0
    return sum(map(ENGLISH_FUNCTION_WORDS.__contains__, map(str.lower, words))) / len(words)


def plainly_english(paragraph: str, letters: dict[str, int] | None = None) -> bool:
    """Latin script and dense in English function words: English without asking langdetect."""
    letters = letter_scripts(paragraph) if letters is None else letters
    total = sum(letters.values())
    if not total or letters.get("LATIN", 0) / total <= 0.9:
        return False
    return english_function_share(_WORD.findall(paragraph)) >= 0.12


def paragraph_language(
    paragraph: str, target: str, detector: LanguageDetector, letters: dict[str, int] | None = None
) -> tuple[str, float] | None:
    """The paragraph's language when it is confidently not `target`, else None."""
    letters = letter_scripts(paragraph) if letters is None else letters
    total = sum(letters.values())
    if total < MIN_PARAGRAPH_LETTERS:
        return None
    words = _WORD.findall(paragraph)
    latin_share = letters.get("LATIN", 0) / total
    if latin_share > 0.5:
        if total < MIN_LATIN_PARAGRAPH_LETTERS or len(words) < 6:
            return None
        capitalised = sum(1 for w in words if w[:1].isupper())
        if capitalised >= 0.6 * len(words):
            return None  # a list of names or a headline: langdetect reads the names' origin
    if target == "en" and latin_share > 0.9:
        share = english_function_share(words)
        if share >= 0.12 or len(words) < 5:
            return None  # plainly English: no need to ask langdetect
    code, prob = detector.detect(paragraph)
    if code == target or code == "unknown":
        return None
    if latin_share > 0.5 and prob < 0.9:
        return None
    if target == "en" and latin_share > 0.5 and english_function_share(words) >= 0.2:
        return None
    return code, prob


class LanguageStage:
    """Flag paragraphs in another language; decide the article's language.

    The article's language is langdetect's verdict on its first 800 characters, except when
    the target is English and every paragraph is plainly English by its function words: then
    langdetect, the slowest part of the stage, is not consulted, and the confidence reported
    is the share of the article's letters in such paragraphs."""

    name = STAGE

    def __init__(self, resources: Resources):
        self.resources = resources
        self.target = resources.options.target_lang

    @property
    def detector(self) -> LanguageDetector:
        return self.resources.language_detector

    def run(self, doc: Document) -> None:
        doc.language = self.facts(doc)

    def facts(self, doc: Document) -> LanguageFacts:
        target = self.target
        text = doc.text
        if not text.strip():
            return LanguageFacts(LanguageGuess("unknown", 0.0), 1.0)
        flagged_letters = 0
        total_letters = 0
        english_letters = 0
        for m in _PARAGRAPH.finditer(text):
            para = m.group()
            letters = letter_scripts(para)
            n = sum(letters.values())
            total_letters += n
            if target == "en" and plainly_english(para, letters):
                english_letters += n
                continue
            found = paragraph_language(para, target, self.detector, letters)
            if found is None:
                continue
            code, prob = found
            flagged_letters += n
            doc.add_finding(
                Finding(
                    STAGE,
                    "foreign-paragraph",
                    Severity.WARNING,
                    m.start(),
                    m.end(),
                    para,
                    f"paragraph appears to be in `{code}` (p={prob:.2f}), not `{target}`: "
                    "left untranslated? Translate it or remove it.",
                )
            )
        foreign_share = flagged_letters / total_letters if total_letters else 1.0
        if target == "en" and total_letters and english_letters >= 0.9 * total_letters:
            return LanguageFacts(LanguageGuess("en", round(english_letters / total_letters, 4)), foreign_share)
        code, prob = self.detector.detect(text)
        return LanguageFacts(LanguageGuess(code, prob), foreign_share)
