"""A datatrove pipeline step: `pip install 'newsroom-cleanup[datatrove]'`.

    from datatrove.executor import LocalPipelineExecutor
    from cleanup.integrations.datatrove import CleanupStep

    LocalPipelineExecutor(pipeline=[reader, CleanupStep(grammar="none", drop_rejects=True), writer], tasks=4).run()

Each document's text becomes the cleaned text; `metadata["cleanup"]` holds the verdict, the
language, and the counts of edits and findings by severity (and the rules behind them), so a
later step can filter on them. With `drop_rejects`, documents whose verdict is `reject` (not
in the target language, empty, mostly lost) are dropped and counted. The pipeline loads once
per task, in the task's process.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from datatrove.pipeline.base import PipelineStep

from cleanup.api import Cleaner


class CleanupStep(PipelineStep):
    name = "🧹 cleanup"
    type = "✂️ - FORMAT"

    def __init__(self, drop_rejects: bool = False, keep_original: bool = False, **options: Any):
        super().__init__()
        self.cleaner = Cleaner(**options)
        self.drop_rejects = drop_rejects
        self.keep_original = keep_original

    def run(self, data, rank: int = 0, world_size: int = 1):
        with self.cleaner:
            for document in data:
                with self.track_time():
                    result = self.cleaner.clean({"id": str(document.id), "text": document.text})
                if result.is_error:
                    self.stat_update("error")
                    document.metadata["cleanup"] = {"error": result.error}
                    yield document
                    continue
                self.stat_update(str(result.verdict))
                severities = Counter(str(f.severity) for f in result.findings)
                document.metadata["cleanup"] = {
                    "verdict": str(result.verdict),
                    "language": result.language.code if result.language else None,
                    "edits": len(result.edits),
                    "findings": {s: severities.get(s, 0) for s in ("error", "warning", "info")},
                    "rules": sorted({f.rule for f in result.findings if f.counts} | {e.rule for e in result.edits}),
                }
                if self.keep_original:
                    document.metadata["cleanup"]["original"] = document.text
                if self.drop_rejects and result.verdict == "reject":
                    self.stat_update("dropped")
                    continue
                document.text = result.text
                self.update_doc_stats(document)
                yield document
