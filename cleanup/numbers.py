"""Numbers in running text, with every value they can stand for, so that a number in a source
text and its translation compare equal across locales.

`1.500` is fifteen hundred in German and one and a half in English: a number keeps all its
readings and two numbers match when their readings meet. So `1.500,5` = `1,500.5`,
`3 Mio.` = `3 million` = `3,000,000`, `drei` = `three` = `3`, `14.02.2021` = `February 14, 2021`
(the month name is a number too), `21.55 Uhr` = `9:55 p.m.`, `80er` = `1980s`.

The words (numbers, scales, months) are data: the fidelity rule's parameters in `rules/`, per
language. A language without a table still has its digits, which is most of what matters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# a number: digits with `.`/`,` separators, or thin/non-breaking/plain spaces between groups of
# three (`1 500 000`, not after a letter: `Q2 2022` is two numbers); a time of day `18:30`
_NUMBER = re.compile(
    r"(?=\d)"  # fail fast where no digit starts: the alternatives' look-behinds are costly
    r"(?:(?P<time>(?<![\d.,:])\d{1,2}:\d{2}(?::\d{2})?(?![\d:]))"
    r"|(?<![\d.,]|[^\W\d_])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d|[.,]\d)"
    r"|(?<![\d.,])\d+(?:[.,]\d+)*)"
)
# a telephone number: digits in groups with spaces, hyphens or brackets, compared digit by digit
_PHONE = re.compile(r"(?=[+(\d])(?<![\w+])\+?\(?\d{1,4}\)?(?:[ \u00a0-]\(?\d{2,4}\)?){2,}(?![\w])")
_ROMAN = re.compile(r"(?=[MDCLXVI])\b(?=[MDCLXVI]{2,})M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})\b")
_ROMAN_VALUES = {"M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1}
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*\.?")
_TWELVE_HOUR = re.compile(r"\s*(?:[ap]\.?\s?m\b\.?)", re.IGNORECASE)
_PM = re.compile(r"\s*p\.?\s?m\b", re.IGNORECASE)
_DECADE = re.compile(r"(?:er|ern|s|'s|’s|-х|х|-e|-е)\b")


@dataclass(frozen=True)
class Quantity:
    """A number as written (`start`/`end` in the text) and the values it may stand for."""

    start: int
    end: int
    values: frozenset[float]
    digits: bool  # written with digits (a spelled-out number only ever confirms another)

    def matches(self, other: Quantity) -> bool:
        return not self.values.isdisjoint(other.values)


@dataclass
class NumberWords:
    """One language's number words: `numbers` (word -> value, inflected forms listed),
    `scales` (word -> factor: `Mio` 1e6; words of five letters or more, and a single CJK
    character, also match what runs on from them: `Millionen`, `亿元`) and `months` (twelve
    entries, January first, each `|`-separated forms: `sept.` an abbreviation with its point,
    `январ*` a stem with any ending, else the whole word)."""

    numbers: dict[str, float] = field(default_factory=dict)
    scales: dict[str, float] = field(default_factory=dict)
    months: list[str] = field(default_factory=list)
    and_a_half: str = ""  # what follows a number to add a half: `and a half`, `einhalb`

    def __post_init__(self) -> None:
        self.numbers = {k.lower(): float(v) for k, v in self.numbers.items()}
        # `пят*` is a stem: any word that starts so (the longest stem wins: `пятнадцат*`)
        self.stems = sorted(
            ((k[:-1], v) for k, v in self.numbers.items() if k.endswith("*")), key=lambda kv: -len(kv[0])
        )
        self.scales = {k.lower().rstrip("."): float(v) for k, v in self.scales.items()}
        self.months = [m.lower() for m in self.months]
        self.half = re.compile(rf"\s*{re.escape(self.and_a_half)}\b", re.IGNORECASE) if self.and_a_half else None
        # one pattern that finds every word that may be a number or a month: the text's other
        # words are never looked at one by one
        exact = [k for k in self.numbers if not k.endswith("*")]
        stems = [stem for stem, _v in self.stems]
        for entry in self.months:
            for form in entry.split("|"):
                (stems if form.endswith("*") else exact).append(form.rstrip("*").rstrip("."))
        alternatives = [re.escape(w) + r"[^\W\d_]*" for w in stems] + [re.escape(w) + r"(?![^\W\d_])" for w in exact]
        alternatives.sort(key=len, reverse=True)
        self.candidates = (
            re.compile(r"(?<![^\W\d_])(?:" + "|".join(alternatives) + r")(?:-[^\W\d_]+)*\.?", re.IGNORECASE)
            if alternatives
            else None
        )

    def scale_of(self, word: str) -> float | None:
        w = word.lower().rstrip(".")
        if w in self.scales:
            return self.scales[w]
        for stem, factor in self.scales.items():
            if (len(stem) >= 5 or (len(stem) == 1 and ord(stem) >= 0x2E80)) and w.startswith(stem):
                return factor
        return None

    def month_of(self, word: str) -> int | None:
        w = word.lower()
        bare = w.rstrip(".")
        for i, entry in enumerate(self.months):
            for form in entry.split("|"):
                if form.endswith("."):
                    if w == form:
                        return i + 1
                elif form.endswith("*"):
                    if bare.startswith(form[:-1]):
                        return i + 1
                elif bare == form:
                    return i + 1
        return None

    def value_of(self, word: str) -> float | None:
        w = word.lower().rstrip(".")
        if w in self.numbers:
            return self.numbers[w]
        for stem, value in self.stems:
            if w.startswith(stem):
                return value
        if "-" in w:  # twenty-five
            parts = w.split("-")
            if all(p in self.numbers for p in parts):
                return sum(self.numbers[p] for p in parts)
        return None


def readings(token: str) -> list[frozenset[float]]:
    """The values a run of digits and separators may stand for: one set per number it holds
    (a date `14.02.2021` holds three)."""
    grouped = re.split(r"[ \u00a0\u202f]", token)
    if len(grouped) > 1:
        return [frozenset({float("".join(grouped))})]
    groups = re.split(r"[.,]", token)
    seps = re.findall(r"[.,]", token)
    if not seps:
        return [frozenset({float(int(token))})]
    values: set[float] = set()
    thousands = len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
    if len(set(seps)) == 1:
        if thousands:
            values.add(float("".join(groups)))
        if len(seps) == 1:
            values.add(float(f"{groups[0]}.{groups[1]}"))
            if len(groups[1]) == 2:  # a time of day, 21.55
                values.update({float(int(groups[0])), float(int(groups[1]))})
        if values:
            return [frozenset(values)]
    elif len(seps) >= 2 and seps[-1] != seps[-2] and seps.count(seps[-1]) == 1:
        # 1.500,5 or 1,500.5: the last separator is the decimal point
        whole = groups[:-1]
        if len(whole[0]) <= 3 and all(len(g) == 3 for g in whole[1:]):
            return [frozenset({float("".join(whole) + "." + groups[-1])})]
    # a date, a version, an address: each group is a number of its own
    return [frozenset({float(int(g))}) for g in groups if g]


def _minutes(hours: int, minutes: int) -> float:
    """A time of day as a value no count can have (negative): minutes since midnight."""
    return -1.0 - (hours % 24) * 60 - minutes


def _roman(token: str) -> int:
    total = 0
    for a, b in zip(token, token[1:] + " "):
        v = _ROMAN_VALUES[a]
        total += -v if b != " " and _ROMAN_VALUES[b] > v else v
    return total


def quantities(text: str, start: int, end: int, words: NumberWords | None) -> list[Quantity]:
    """Every number in text[start:end], digits and (with `words`) spelled out, in order."""
    out: list[Quantity] = []
    phones = [(m.start(), m.end()) for m in _PHONE.finditer(text, start, end) if _is_phone(m.group())]
    for a, b in phones:
        out.append(Quantity(a, b, frozenset({float(re.sub(r"\D", "", text[a:b]))}), True))
    for m in _NUMBER.finditer(text, start, end):
        if any(a <= m.start() < b for a, b in phones):
            continue
        after = text[m.end() : min(end, m.end() + 24)]
        pm = bool(_PM.match(after))
        if m.group("time"):
            h, mi = (int(x) for x in m.group().split(":")[:2])
            values = {_minutes(h, mi)} | ({_minutes(h + 12, mi)} if pm and h < 12 else set())
            if mi == 0:
                values |= {float(h)} | ({float(h + 12)} if pm and h < 12 else set())
            out.append(Quantity(m.start(), m.end(), frozenset(values), True))
            continue
        parts = readings(m.group())
        if len(parts) > 1:
            for piece in re.finditer(r"\d+", m.group()):
                value = frozenset({float(int(piece.group()))})
                out.append(Quantity(m.start() + piece.start(), m.start() + piece.end(), value, True))
            continue
        values = set(parts[0])
        extra: set[float] = set()
        if re.fullmatch(r"\d{1,2}[.,]\d{2}", m.group()):  # 18.30 (Uhr): a time of day too
            h, mi = (int(x) for x in re.split(r"[.,]", m.group()))
            if h < 24 and mi < 60:
                extra.add(_minutes(h, mi))
        nxt = _WORD.match(after.lstrip(" \u00a0"))
        if words is not None and nxt is not None:
            factor = words.scale_of(nxt.group())
            if factor:
                extra.update(v * factor for v in values)
        if words is not None and words.half is not None and words.half.match(after):
            extra.update(v + 0.5 for v in values)
        if pm:
            extra.update(v + 12 for v in values if v < 12)
            extra.update(_minutes(int(v) + 12, 0) for v in values if v < 12 and v.is_integer())
        if _TWELVE_HOUR.match(after) or re.match(r"\s*(?:uhr|час|h\b)", after, re.IGNORECASE):
            extra.update(_minutes(int(v), 0) for v in values if v < 24 and v.is_integer())
        decade = _DECADE.match(after)
        if decade and all(v.is_integer() and v < 100 and v % 10 == 0 for v in values):
            extra.update(v + century for v in values for century in (1900, 2000))
        if re.fullmatch(r"\d{2}", m.group()):  # '86 for 1986
            extra.update(v + century for v in values for century in (1900, 2000))
        out.append(Quantity(m.start(), m.end(), frozenset(values | extra), True))
    for m in _ROMAN.finditer(text, start, end):
        out.append(Quantity(m.start(), m.end(), frozenset({float(_roman(m.group()))}), False))
    if words is not None and words.candidates is not None:
        for m in words.candidates.finditer(text, start, end):
            word = m.group()
            spelled = words.value_of(word)
            month = words.month_of(word) if word[:1].isupper() or not word.isascii() else None
            if spelled is not None:
                nxt = _WORD.match(text[m.end() : m.end() + 20].lstrip(" "))
                factor = words.scale_of(nxt.group()) if nxt else None
                vals = {spelled} | ({spelled * factor} if factor else set())
                if words.half is not None and words.half.match(text, m.end()):
                    vals.add(spelled + 0.5)
                out.append(Quantity(m.start(), m.end(), frozenset(vals), False))
            elif month is not None and _near_digits(text, m.start(), m.end()):
                out.append(Quantity(m.start(), m.end(), frozenset({float(month)}), False))
    out.sort(key=lambda q: q.start)
    return out


def _is_phone(token: str) -> bool:
    groups = re.findall(r"\d+", token)
    digits = sum(len(g) for g in groups)
    # `15 000 000` is a number in groups of three, not a telephone number
    return digits >= 7 and not all(len(g) == 3 for g in groups[1:])


def _near_digits(text: str, start: int, end: int) -> bool:
    """A month name counts as a number in a date: with digits close by (`14 February`)."""
    return bool(re.search(r"\d", text[max(0, start - 12) : start])) or bool(re.search(r"\d", text[end : end + 12]))
