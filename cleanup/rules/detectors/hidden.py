"""Characters that are not seen but change what is seen ("Trojan Source"): bidirectional
controls that reorder the text around them, and joiners hidden inside a Latin word."""

from __future__ import annotations

import re
import unicodedata

from cleanup.model import Hit
from cleanup.rules.model import Context
from cleanup.rules.registry import detector

_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
HIDDEN = re.compile(rf"[{_BIDI}]+|(?<=[A-Za-z])[\u200c\u200d]+(?=[A-Za-z])")
RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def removable_hidden(text: str) -> list[tuple[int, int, str]]:
    """(start, end, what) of every hidden character in a line without right-to-left script,
    where it cannot be doing its proper job: the normalize stage removes these."""
    out = []
    for m in HIDDEN.finditer(text):
        ls = text.rfind("\n", 0, m.start()) + 1
        le = text.find("\n", m.end())
        if not RTL.search(text[ls : len(text) if le == -1 else le]):
            out.append((m.start(), m.end(), describe(m.group())))
    return out


def describe(chars: str) -> str:
    return ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'UNKNOWN')}" for c in dict.fromkeys(chars))


@detector("hidden_characters", {})
class HiddenCharacters:
    """Bidirectional controls (LRO, RLO, LRI, PDF, LRM…) and zero-width joiners inside a Latin
    word make the text display differently from what it holds: `Trojan Source`. On a line with
    no right-to-left script they cannot be doing their proper job: the normalize stage removes
    them before any other stage reads the text, and says so with a warning. Next to Hebrew or
    Arabic they may be doing it: this rule flags them for an editor."""

    def __init__(self, where: str):
        pass

    def find(self, text: str, ctx: Context) -> list[Hit]:
        return [Hit(m.start(), m.end(), None, describe(m.group())) for m in HIDDEN.finditer(text)]
