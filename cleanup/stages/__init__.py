"""The stages of the pipeline, each one class behind one protocol.

A stage is built once per worker from the worker's `Resources` and then `run` on one
`Document` after another, in the order of `STAGES`. A new stage is one class and one line in
`STAGES`. `read` (cleanup/reader.py) comes before them and `write` (cleanup/executors/writer.py
and cleanup/report/) after.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from cleanup.stages.artifacts import ArtifactsStage
from cleanup.stages.fidelity import FidelityStage
from cleanup.stages.grammar import GrammarStage
from cleanup.stages.language import LanguageStage
from cleanup.stages.markup import MarkupStage
from cleanup.stages.normalize import NormalizeStage

if TYPE_CHECKING:  # pragma: no cover
    from cleanup.document import Document
    from cleanup.resources import Resources


class Stage(Protocol):
    name: str

    def __init__(self, resources: Resources) -> None: ...

    def run(self, doc: Document) -> None: ...


STAGES: tuple[type[Stage], ...] = (
    MarkupStage,
    NormalizeStage,
    LanguageStage,
    ArtifactsStage,
    FidelityStage,
    GrammarStage,
)


def build_stages(resources: Resources) -> list[Stage]:
    return [stage(resources) for stage in STAGES]
