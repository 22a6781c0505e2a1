"""A translation with its source, aligned: what the fidelity rules consult (`Context.source`).

Built once per article by the fidelity stage from the text as the earlier stages left it.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from cleanup.align import Alignment, Bead, Span


@dataclass
class Bilingual:
    source: str
    source_lang: str
    target: str
    alignment: Alignment
    _starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._starts = [b.target.start for b in self.alignment.paragraphs]

    def paragraph_at(self, target_pos: int) -> Bead | None:
        """The paragraph bead whose target covers `target_pos`."""
        i = bisect.bisect_right(self._starts, target_pos) - 1
        for bead in self.alignment.paragraphs[max(0, i) : i + 2]:
            if bead.target.start <= target_pos < max(bead.target.end, bead.target.start + 1):
                return bead
        return None

    def paired_paragraphs(self) -> list[Bead]:
        """Paragraph beads with text on both sides."""
        return [b for b in self.alignment.paragraphs if b.shape[0] and b.shape[1]]

    def sentences_in(self, bead: Bead) -> list[Bead]:
        """The sentence beads inside a paragraph bead."""
        return [
            s
            for s in self.alignment.sentences
            if bead.source.start <= s.source.start <= bead.source.end
            and bead.target.start <= s.target.start <= bead.target.end
        ]

    def source_text(self, span: Span) -> str:
        return self.source[span.start : span.end]

    def target_text(self, span: Span) -> str:
        return self.target[span.start : span.end]
