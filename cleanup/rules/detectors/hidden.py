"""Characters that are not seen but change what is seen ("Trojan Source"): bidirectional
controls that reorder the text around them, and joiners hidden inside a Latin word."""

from __future__ import annotations

import re
import unicodedata

from cleanup.model import Hit
from cleanup.rules.model import Context
from cleanup.rules.registry import detector

_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_HIDDEN = re.compile(rf"[{_BIDI}]+|(?<=[A-Za-z])[\u200c\u200d]+(?=[A-Za-z])")
_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def describe(chars: str) -> str:
    return ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'UNKNOWN')}" for c in dict.fromkeys(chars))


@detector("hidden_characters", {})
class HiddenCharacters:
    """Bidirectional controls (LRO, RLO, LRI, PDF, LRM…) and zero-width joiners inside a Latin
    word. They make the text display differently from what it holds: `Trojan Source`. On a
    line with no right-to-left script they cannot be doing their proper job and are removed;
    next to Hebrew or Arabic they may be, and are only flagged."""

    def __init__(self, where: str):
        pass

    def find(self, text: str, ctx: Context) -> list[Hit]:
        hits = []
        for m in _HIDDEN.finditer(text):
            ls = text.rfind("\n", 0, m.start()) + 1
            le = text.find("\n", m.end())
            line = text[ls : len(text) if le == -1 else le]
            removable = not _RTL.search(line)
            hits.append(
                Hit(m.start(), m.end(), "" if removable else None, describe(m.group()), [""] if removable else [])
            )
        return hits
