"""Names torn apart by the translator (`Kim Jong-wrote. a to Putin`)."""

from __future__ import annotations

import re

from cleanup.model import Hit
from cleanup.rules.model import Context
from cleanup.rules.registry import REQUIRED, Param, detector


@detector(
    "split_names",
    {
        "verbs": Param((list,), REQUIRED, "words that take the given name's place", items=str),
    },
)
class SplitNames:
    """`Kim Jong-wrote. a to Putin`: a hyphenated name prefix whose given-name part was
    replaced by a verb, often with a stray one-letter fragment after it."""

    PATTERN = re.compile(
        r"\b(?P<prefix>[A-Z][a-z]+ [A-Z][a-z]+)-(?P<frag>[a-z]+)\b"
        r"(?P<stray>[.,]?\s+(?P<letter>[a-z])\b(?=\s+[a-z]))?"
    )

    def __init__(self, where: str, verbs: list):
        self.verb_set = {v.lower() for v in verbs}

    def find(self, text: str, ctx: Context) -> list[Hit]:
        hits = []
        spelling_used: dict[str, list[str]] = {}
        for m in self.PATTERN.finditer(text):
            prefix, frag = m.group("prefix"), m.group("frag")
            known = ctx.names.hyphen_suffixes.get(prefix)
            if known is not None:
                if frag in known or frag.lower() in {k.lower() for k in known}:
                    continue
            elif frag not in self.verb_set:
                continue  # an unknown name with an unknown part: not our business
            if frag in ctx.names.syllables and known is None:
                continue
            # suggest the spelling of the name this article already uses, else the names file's
            if prefix not in spelling_used:  # once per name, not per hit: long texts stay linear
                candidates = ctx.names.full_by_prefix.get(prefix, [])
                spelling_used[prefix] = [c for c in candidates if c in text] or candidates
            in_article = spelling_used[prefix]
            full: str | None = in_article[0] if in_article else None
            suggestion = []
            end = m.end() if m.group("stray") else m.end("frag")
            if full:
                suggestion = [f"{full} {frag}"]
            hits.append(
                Hit(
                    m.start(),
                    end,
                    suggestion[0] if suggestion else None,
                    f"`{text[m.start() : end]}`: the name `{prefix}-…` lost its given name"
                    + (f"; did you mean `{suggestion[0]}`?" if suggestion else ""),
                    suggestion,
                )
            )
        return hits
