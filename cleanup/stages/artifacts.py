"""Stage `artifacts`: run the rules of `rules/` over the text, in file order.

Each rule sees the text as the rules before it left it. A hit with a fix becomes an edit when
the fix mode allows it (`safe` by default; `unsafe` with --unsafe-fixes; nothing with
--no-fix); every other hit becomes a finding. A rule whose regex times out is reported and
skipped for this article.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cleanup.document import Document, SpanIndex
from cleanup.model import Finding, FixMode, Hit, Severity
from cleanup.rules import Context, Rule, RuleSet
from cleanup.rules.matching import quote_spans
from cleanup.stages.language import STAGE as LANGUAGE
from cleanup.stages.language import LanguageStage
from cleanup.stages.normalize import tidy_whitespace

if TYPE_CHECKING:  # pragma: no cover
    from cleanup.resources import Resources

STAGE = "artifacts"
MAX_ROUNDS = 3


def finding_for(rule: Rule, hit: Hit, start: int | None = None, end: int | None = None, stage: str = STAGE) -> Finding:
    message = rule.message if not hit.message else f"{rule.message} ({hit.message})"
    s = hit.start if start is None else start
    e = hit.end if end is None else end
    severity = rule.severity if hit.severity is None or hit.severity.rank > rule.severity.rank else hit.severity
    source_start, source_end = hit.source_span if hit.source_span is not None else (None, None)
    return Finding(stage, rule.id, severity, s, e, "", message, list(hit.suggestions), source_start, source_end)


def run_rule(doc: Document, rule: Rule, ctx: Context, fix_mode: FixMode, sticky: set[int] | None = None) -> None:
    try:
        hits = rule.find(doc.text, ctx)
    except TimeoutError:
        doc.add_finding(
            Finding(
                STAGE,
                rule.id,
                Severity.WARNING,
                0,
                0,
                "",
                f"rule `{rule.id}` timed out on this article and was skipped ({rule.source})",
            )
        )
        return
    if not hits:
        return
    if rule.skip_quotes:
        quotes = SpanIndex(quote_spans(doc.text))
        hits = [h for h in hits if not quotes.contains(h.start, h.end)]
    apply_fix = fix_mode.allows(rule.fix)
    # a finding inside another rule's finding adds nothing for the editor (`. a` inside `Kim Jong-wrote. a`)
    reported = SpanIndex((f.start, f.end) for f in doc.findings if f.stage == STAGE and f.end > f.start)
    changes: list[Hit] = []
    last_end = -1
    for hit in sorted(hits, key=lambda h: (h.start, h.end)):
        overlaps = hit.start < last_end
        if apply_fix and hit.replacement is not None and not overlaps:
            message = rule.name + (f": {hit.message}" if hit.message else "")
            changes.append(Hit(hit.start, hit.end, hit.replacement, message, rule=rule.id))
            last_end = hit.end
            if rule.keep_finding:
                # the fix removed the symptom, not the cause: say so where it was
                kept = finding_for(rule, hit, hit.start, hit.start)
                doc.add_finding(kept)
                if sticky is not None:
                    sticky.add(id(kept))
        elif not reported.contains(hit.start, hit.end):
            doc.add_finding(finding_for(rule, hit))
    doc.apply(STAGE, changes)


class ArtifactsStage:
    """The rule engine over the article.

    One fix can make another (removing a trailing `not.` moves a sentence end), so the rules
    that may fix run again while they change the text: cleaning a cleaned text must make no
    edits. A later round replaces those rules' findings, except the ones that record a fix's
    consequence (`keep_finding`: content missing), which no later round could see again.
    Rules that only flag run once: their findings are carried through the edits."""

    name = STAGE

    def __init__(self, resources: Resources):
        self.resources = resources
        self.fix_mode = resources.options.fix_mode

    @property
    def ruleset(self) -> RuleSet:
        return self.resources.ruleset

    def run(self, doc: Document) -> None:
        ruleset = self.ruleset
        fix_mode = self.fix_mode
        sticky: set[int] = set()
        ours = [r for r in ruleset.rules if r.stage == STAGE]
        rules = ours
        round_start = len(doc.edits)
        for round_no in range(MAX_ROUNDS):
            edits_before = len(doc.edits)
            if round_no:
                rules = [r for r in ours if fix_mode.allows(r.fix)]
                again = {r.id for r in rules}
                doc.findings = [f for f in doc.findings if f.stage != STAGE or f.rule not in again or id(f) in sticky]
                if any("\n" in e.before or "\n" in e.after for e in doc.edits[round_start:]):
                    self._judge_paragraphs_again(doc)
            round_start = len(doc.edits)
            ctx = Context(ruleset.names, self._foreign_paragraphs(doc), self.resources.lexicon)
            for rule in rules:
                run_rule(doc, rule, ctx, fix_mode, sticky)
                if ctx.skip_spans:
                    ctx.skip_spans = self._foreign_paragraphs(doc)
            if fix_mode is not FixMode.NONE:
                tidy_whitespace(doc, STAGE)
            if len(doc.edits) == edits_before:
                break
        else:
            doc.not_converged(STAGE, MAX_ROUNDS, "the artifact fixes")

    def _judge_paragraphs_again(self, doc: Document) -> None:
        """The last round joined or removed lines (a broken line, an assistant's line): the
        paragraphs are not the ones the language stage judged, and a rule that skips foreign
        paragraphs must skip the ones a second cleaning would see (cleaning is idempotent)."""
        doc.findings = [f for f in doc.findings if not (f.stage == LANGUAGE and f.rule == "foreign-paragraph")]
        doc.language = LanguageStage(self.resources).facts(doc)

    @staticmethod
    def _foreign_paragraphs(doc: Document) -> list[tuple[int, int]]:
        return [(f.start, f.end) for f in doc.findings if f.rule == "foreign-paragraph"]
