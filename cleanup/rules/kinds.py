"""The built-in rule kinds, Vale's extension points for rules that are pure data: `phrase`
(literals or regexes), `substitution` (a map), `repetition` (doubled tokens with an
allow-list) and `consistency` (variant groups). Each is a matcher class registered with the
schema of its parameters."""

from __future__ import annotations

import re

import regex

from cleanup.model import Hit
from cleanup.rules.matching import alternation_matches, bounded, compile_pattern, finditer
from cleanup.rules.model import Context, RuleError
from cleanup.rules.registry import REQUIRED, Param, rule_kind


@rule_kind(
    "phrase",
    {
        "phrases": Param((list,), REQUIRED, "literals, or regexes with `regex: true`", items=str),
        "regex": Param((bool,), False, "the phrases are regular expressions (the `regex` module's syntax)"),
        "ignore_case": Param((bool,), True, "match regardless of case"),
        "word_boundary": Param((bool,), True, "match whole words only"),
        "replacement": Param((str,), None, "the fix: a template (`\\g<name>` for a group); none: only flag"),
    },
)
class PhraseMatcher:
    """Flags every occurrence of a phrase; with `replacement`, the fix replaces it (a regex
    template). Several regexes match as their alternation would: leftmost first, the earlier
    phrase where two start together, never overlapping."""

    def __init__(
        self, where: str, phrases: list, regex: bool, ignore_case: bool, word_boundary: bool, replacement: str | None
    ):
        flags = (_regex.IGNORECASE if ignore_case else 0) | _regex.MULTILINE
        parts = []
        for i, p in enumerate(phrases):
            if not isinstance(p, str) or not p:
                raise RuleError(f"{where}: field `phrases[{i}]` must be a non-empty string")
            body = p if regex else _regex.escape(p)
            compile_pattern(body, flags, where, f"phrases[{i}]")
            parts.append(f"(?:{body})")
        if not word_boundary:
            wrap = lambda b: b  # noqa: E731
        elif regex:
            wrap = lambda b: rf"(?<!\w)(?:{b})(?!\w)"  # noqa: E731
        else:
            wrap = lambda b: bounded(phrases, b)  # noqa: E731
        if regex and len(parts) <= 8:
            self.patterns = [compile_pattern(wrap(b), flags, where, f"phrases[{i}]") for i, b in enumerate(parts)]
        else:
            # a list of literal phrases is one alternation: one scan whatever its length
            self.patterns = [compile_pattern(wrap("|".join(parts)), flags, where, "phrases")]
        self.replacement = replacement

    def find(self, text: str, ctx: Context) -> list[Hit]:
        hits = []
        for m in alternation_matches(self.patterns, text):
            rep = m.expand(self.replacement) if isinstance(self.replacement, str) else None
            hits.append(Hit(m.start(), m.end(), rep, suggestions=[rep] if rep is not None else []))
        return hits


_regex = regex  # the `regex` parameter of PhraseMatcher shadows the module inside __init__


@rule_kind(
    "substitution",
    {
        "map": Param((dict,), REQUIRED, "what to replace (keys) by what (values), as whole words"),
        "ignore_case": Param((bool,), False, "match keys regardless of case"),
    },
)
class SubstitutionMatcher:
    """Replaces each key of `map` by its value, as whole words (`in the Ukraine` → `in Ukraine`)."""

    def __init__(self, where: str, map: dict, ignore_case: bool):
        keys = sorted(map, key=len, reverse=True)
        for k in keys:
            if not isinstance(k, str) or not isinstance(map[k], str):
                raise RuleError(f"{where}: field `map` must map texts to texts ({k!r})")
        flags = regex.IGNORECASE if ignore_case else 0
        self.pattern = compile_pattern(bounded(keys, "|".join(regex.escape(k) for k in keys)), flags, where, "map")
        self.ignore_case = ignore_case
        self.lookup = {k.lower(): v for k, v in map.items()} if ignore_case else dict(map)

    def find(self, text: str, ctx: Context) -> list[Hit]:
        hits = []
        for m in finditer(self.pattern, text):
            found = m.group()
            target = self.lookup[found.lower()] if self.ignore_case else self.lookup[found]
            hits.append(Hit(m.start(), m.end(), target, f"`{found}` → `{target}`", [target]))
        return hits


# a whole run (`to to to`) is one hit, so the fix leaves one word and a re-run finds nothing
# (the standard `re` here: twice as fast as `regex` for this fixed pattern)
_DOUBLED = re.compile(r"(?<![\w-])(\w+)(?:[ \t]+(\1))+(?![\w-])", re.IGNORECASE)


def doubled_words(text: str) -> list:
    return list(_DOUBLED.finditer(text))


@rule_kind(
    "repetition",
    {
        "tokens": Param((list, str), "any", "the words that count (`any`: every word)"),
        "exclude": Param((list,), [], "words that never count", items=str),
        "allow": Param((list,), [], "regexes matched at the doubling: grammatical doublings to leave alone", items=str),
        "ignore_capitalized": Param((bool,), True, "leave `Fang Fang`, `Bora Bora` (both copies capitalised) alone"),
    },
)
class RepetitionMatcher:
    """A word written twice in a row (`to to supply`); the fix keeps one. Grammatical
    doublings (`had had`) are excluded by the `allow` regexes, which the grammar stage honours
    too (a checker's repeated-word lint on `looking for for a long time` is dropped)."""

    def __init__(self, where: str, tokens, exclude: list, allow: list, ignore_capitalized: bool):
        if tokens != "any" and not isinstance(tokens, list):
            raise RuleError(f"{where}: field `tokens` must be a list of words or `any`")
        self.token_set = None if tokens == "any" else {str(t).lower() for t in tokens}
        self.exclude = {str(t).lower() for t in exclude}
        self.allow = [compile_pattern(a, regex.IGNORECASE, where, f"allow[{i}]") for i, a in enumerate(allow)]
        self.ignore_capitalized = ignore_capitalized

    def allows(self, window: str) -> bool:
        return any(a.match(window, timeout=1.0) for a in self.allow)

    def find(self, text: str, ctx: Context) -> list[Hit]:
        hits = []
        for m in ctx.shared("doubled-words", text, doubled_words):  # one scan for every repetition rule
            word, second = m.group(1), m.group(2)
            low = word.lower()
            if word.isdigit():
                continue
            if self.token_set is not None and low not in self.token_set:
                continue
            if low in self.exclude:
                continue
            if self.ignore_capitalized and word[:1].isupper() and second[:1].isupper():
                continue  # `Fang Fang`, `Bora Bora`: names, not doubling (`athletes Athletes` is)
            if self.allows(text[m.start() : m.end() + 40]):
                continue  # grammatical doubling: `looking for for a long time`, `had had`
            hits.append(Hit(m.start(), m.end(), word, f"`{word}` is doubled", [word]))
        return hits


@rule_kind(
    "consistency",
    {
        "groups": Param((list,), REQUIRED, "`{preferred: X, variants: [Y, Z]}`: one thing spelt several ways"),
    },
)
class ConsistencyMatcher:
    """An article that spells one name several ways: every form but the preferred one is
    flagged, the preferred form suggested. One spelling throughout passes."""

    def __init__(self, where: str, groups: list):
        self.compiled = []
        for i, g in enumerate(groups):
            if not (
                isinstance(g, dict) and isinstance(g.get("preferred"), str) and isinstance(g.get("variants"), list)
            ):
                raise RuleError(f"{where}: field `groups[{i}]` needs `preferred` and `variants`")
            unknown = set(g) - {"preferred", "variants"}
            if unknown:
                raise RuleError(
                    f"{where}: field `groups[{i}]`: unknown key `{sorted(unknown)[0]}` (known: preferred, variants)"
                )
            forms = [g["preferred"]] + [v for v in g["variants"] if v != g["preferred"]]
            ordered = sorted(forms, key=len, reverse=True)
            pat = compile_pattern(
                bounded(ordered, "|".join(regex.escape(f) for f in ordered), r"(?![\w-])"), 0, where, f"groups[{i}]"
            )
            self.compiled.append((g["preferred"], pat))

    def find(self, text: str, ctx: Context) -> list[Hit]:
        hits = []
        for preferred, pat in self.compiled:
            found = list(finditer(pat, text))
            if len({m.group() for m in found}) < 2:
                continue  # one spelling throughout: consistent
            used = ", ".join(sorted({f"`{m.group()}`" for m in found}))
            for m in found:
                if m.group() != preferred:
                    hits.append(
                        Hit(
                            m.start(),
                            m.end(),
                            preferred,
                            f"this article mixes {used}; preferred: `{preferred}`",
                            [preferred],
                        )
                    )
        return hits
