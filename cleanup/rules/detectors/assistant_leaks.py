"""An assistant's words left in an article: `I cannot reword`, `As an AI language model`,
`I am here to assist`, `Against my programming`.

The class, as an editor recognises it, has two parts: *what* is said and *where*.

What: an assistant speaking as itself. Strong signals are enough on their own: it names
itself a model, an AI or a machine (`as a large language model`, `I am an AI`), speaks of
its programming, guidelines, training or knowledge cut-off, refuses a task in the first
person (`I cannot` + reword, rephrase, translate, provide, assist, fulfil, generate…), offers
its services (`I am here to assist`, `feel free to ask`), or is a chat export's banner. Weak
signals only count together: words about language models and AI, policy talk (`user
safety`, `ethical guidelines`, `not appropriate`, `refrain from`), a refusal with no subject
(`cannot provide information`), an apology opener.

Where: a line of its own (a paragraph, quotes and brackets around it allowed) with no news
content around it. A line with a strong signal is a leak unless it is attributed (`…,” the
minister said`); a short line with only weak signals is a leak when they make up most of it
(a fragment such as `Programming prohibits` or `Text-based AI language model`), never a
headline such as `OpenAI unveils new language model`. A leak line is removed (it is never
article text) and the content it replaced is reported missing. Inside a sentence only an
assistant naming itself is flagged: a person quoted saying `I cannot comment` or `I'm here
to help` is news.
"""

from __future__ import annotations

import re

import regex

from cleanup.model import Hit
from cleanup.rules.detectors.leaks import line_removal
from cleanup.rules.model import Context
from cleanup.rules.registry import REQUIRED, Param, detector

OPENING_CHARS = 25  # `I'm sorry, but as an AI…`: how far into a line its opening reaches
_WRAPPERS = "\"'“”‘’«»„()[]*_ \t-–—:"
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_LINE = re.compile(r"[^\n]+")
_SENTENCES = re.compile(r"(?<=[.!?…])\s+")


def _alternation(patterns: list[str], where: str, name: str) -> regex.Pattern | None:
    if not patterns:
        return None
    try:
        return regex.compile("|".join(f"(?:{p})" for p in patterns), regex.IGNORECASE | regex.VERSION0)
    except regex.error as exc:
        raise ValueError(f"{name}: broken regex: {exc}") from exc


@detector(
    "assistant_leaks",
    {
        "self_reference": Param(
            (list,), REQUIRED, "an assistant naming itself (strong on a line of its own)", items=str
        ),
        "inline_self_reference": Param(
            (list,), REQUIRED, "an assistant naming itself as an AI: flagged inside a sentence too", items=str
        ),
        "first_person": Param((str,), REQUIRED, "the first person, as a regex"),
        "refusal_modals": Param((list,), REQUIRED, "`cannot`, `unable to`…: how a refusal is said", items=str),
        "tasks": Param((list,), REQUIRED, "what an assistant refuses or offers to do", items=str),
        "service": Param((list,), REQUIRED, "an assistant offering its services (strong)", items=str),
        "banners": Param((list,), REQUIRED, "chat-export banners (strong)", items=str),
        "weak": Param((list,), REQUIRED, "words that count only when they make up most of a short line", items=str),
        "function_words": Param((list,), REQUIRED, "words that are neither signal nor news content", items=str),
        "attribution": Param((str,), REQUIRED, "a reporting verb: a quoted line with one is news"),
        "max_line_words": Param((int,), 60, "a longer line is article text: only flagged"),
        "fragment_words": Param((int,), 12, "a line of at most this many words can be a weak-signal fragment"),
        "fragment_coverage": Param(
            (int, float), 0.7, "share of a fragment's content words the weak signals must make up"
        ),
    },
)
class AssistantLeaks:
    """An assistant's words (self-reference, a refusal of a task, an offer of help, a chat
    banner, or a fragment made of AI and policy talk) on a line of their own are removed and
    reported as missing content; an assistant naming itself inside a sentence is flagged."""

    def __init__(
        self,
        where: str,
        self_reference: list,
        inline_self_reference: list,
        first_person: str,
        refusal_modals: list,
        tasks: list,
        service: list,
        banners: list,
        weak: list,
        function_words: list,
        attribution: str,
        max_line_words: int,
        fragment_words: int,
        fragment_coverage: float,
    ):
        modal = "|".join(f"(?:{m})" for m in refusal_modals)
        task = "|".join(f"(?:{t})" for t in tasks)
        # a refusal: the first person (or `AI`), a modal of refusal, a task word a few words on
        refusal = rf"(?:{first_person}|\bAI\b)[^.!?\n]{{0,25}}?\b(?:{modal})\b[^.!?\n]{{0,30}}?\b(?:{task})\b"
        # a refusal with no subject, with what it refuses: `cannot provide any information`
        bare_refusal = (
            rf"\b(?:{modal})\s+(?:{task})\b(?:\s+(?:in\s+|you\s+with\s+)?(?:any\s+|further\s+|such\s+)?"
            r"(?:information|guidance|assistance|details|help|support|discussions?|answers?|content|requests?)\b)?"
        )
        self.identity = _alternation(inline_self_reference, where, "inline_self_reference")
        # what an assistant says of itself counts for a whole line when the line is in the first
        # person or opens with it (`As an AI language model, …`); `The chatbot answered that
        # as an AI language model it…` is a sentence about one
        self.self_reference = _alternation(self_reference + inline_self_reference, where, "self_reference")
        self.first_person = regex.compile(first_person)
        # a refusal, an offer of help and a chat banner are an assistant's wherever they stand
        self.strong = _alternation([refusal] + service + banners, where, "strong")
        # each weak pattern on its own: an alternation would let `AI` hide `AI principles`
        self.weak_patterns = [_alternation([p], where, "weak") for p in weak + [bare_refusal]]
        self.weak = _alternation(weak + [bare_refusal], where, "weak")
        self.function_words = {w.lower() for w in function_words}
        self.attribution = regex.compile(attribution, regex.IGNORECASE)
        self.max_line_words = max_line_words
        self.fragment_words = fragment_words
        self.fragment_coverage = fragment_coverage

    # -- the line, as an editor reads it ---------------------------------------------------

    def _attributed(self, line: str) -> bool:
        """`“…,” the minister said`: a quotation with its speaker is news, not a leak."""
        return bool(self.attribution.search(line)) and any(q in line for q in '"“”«»')

    def _coverage(self, line: str) -> tuple[float, int]:
        """(share of the line's content words inside assistant-talk matches, words)."""
        assert self.weak is not None and self.strong is not None
        spans = [
            m.span()
            for p in [*self.weak_patterns, self.strong, self.self_reference]
            if p
            for m in p.finditer(line, timeout=1.0)
        ]
        words = list(_WORD.finditer(line))
        content = [w for w in words if w.group().lower() not in self.function_words]
        if not content:
            return (1.0 if spans else 0.0), len(words)
        covered = sum(1 for w in content if any(s <= w.start() and w.end() <= e for s, e in spans))
        return covered / len(content), len(words)

    def is_leak_line(self, line: str) -> bool:
        """Is this whole line (quotes and brackets stripped) an assistant's? Every sentence of
        it must be: a paragraph with a leak inside is article text, and is only flagged."""
        body = line.strip(_WRAPPERS)
        words = _WORD.findall(body)
        if not words or len(words) > self.max_line_words or self._attributed(line):
            return False
        return all(self._assistant_sentence(s) for s in _SENTENCES.split(body) if _WORD.search(s))

    def _assistant_sentence(self, sentence: str) -> bool:
        assert self.strong is not None and self.self_reference is not None and self.weak is not None
        if self.strong.search(sentence, timeout=1.0):
            return True
        own = self.self_reference.search(sentence, timeout=1.0)
        if own and (own.start() <= OPENING_CHARS or self.first_person.search(sentence)):
            return True
        # a weak signal counts only in a short fragment: a longer sentence is not searched
        if own or (len(_WORD.findall(sentence)) <= self.fragment_words and self.weak.search(sentence, timeout=1.0)):
            coverage, n = self._coverage(sentence)
            return n <= self.fragment_words and coverage >= self.fragment_coverage
        return False

    # -- the matcher -------------------------------------------------------------------------

    def find(self, text: str, ctx: Context) -> list[Hit]:
        hits = []
        last_end = 0
        removed: list[tuple[int, int]] = []
        for m in _LINE.finditer(text):
            line = m.group()
            if not self.is_leak_line(line):
                continue
            start, end, replacement = line_removal(text, m.start(), m.end())
            start = max(start, last_end)  # two leaks in a row: spans must not overlap
            last_end = end
            removed.append((m.start(), m.end()))
            hits.append(Hit(start, end, replacement, f"removed: {line.strip()!r}"))
        if self.identity is not None:
            for m in self.identity.finditer(text, timeout=1.0):
                if any(s <= m.start() < e for s, e in removed):
                    continue
                ls = text.rfind("\n", 0, m.start()) + 1
                le = text.find("\n", m.end())
                line = text[ls : len(text) if le == -1 else le]
                if self._attributed(line):
                    continue
                sentence = _sentence_around(text, m.start(), m.end())
                if not (self.first_person.search(sentence) or _opens_sentence(text, m.start())):
                    continue  # `the chatbot answered that as an AI language model it…`: about one
                hits.append(
                    Hit(m.start(), m.end(), None, "an assistant speaking of itself inside a sentence: check the source")
                )
        return hits


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence (within its line) that holds text[start:end]."""
    ls = max(text.rfind("\n", 0, start) + 1, *(text.rfind(p, 0, start) + 2 for p in (". ", "! ", "? ")))
    ends = [i for i in (text.find(p, end) for p in (". ", "! ", "? ", "\n")) if i != -1]
    return text[ls : min(ends) + 1 if ends else len(text)]


def _opens_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 30) : start].rstrip(_WRAPPERS)
    return not before or before[-1] in ".!?\n" or before.lower().endswith(("but", "sorry,", "sorry"))
