"""The report as Markdown, for a merge-request comment: counts per rule and the articles that
need an editor. Everything from the articles is escaped, so no id or text becomes a link,
an image or a mention."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from cleanup.model import is_error_record
from cleanup.output import printable
from cleanup.report.html import iter_report_records

# every character Markdown (and GitHub's flavour) could read as markup: links, images,
# emphasis, headings, lists, code, tables, HTML, and @mentions / #references / :emoji:
_MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#!|~@&")
_EMOJI = re.compile(r":(?=\w+:)")  # `:smile:` would become an emoji


def _md_cell(s: str, limit: int = 80) -> str:
    """Text from an article as one inert table cell: nothing in it becomes a link, an image, a
    mention or markup."""
    s = printable(" ".join(str(s).split()))
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    s = "".join(f"&#{ord(ch)};" if ch in _MARKDOWN_SPECIAL else ch for ch in s)
    return _EMOJI.sub("&#58;", s)


def markdown_report(records_path: Path, max_articles: int = 50) -> str:
    verdicts: Counter = Counter()
    rules: Counter = Counter()
    rows = []
    for rec in iter_report_records(records_path):
        if is_error_record(rec) or "verdict" not in rec:
            verdicts["error"] += 1
            rows.append((rec["id"], "error", _md_cell(rec.get("error", ""))))
            continue
        verdicts[rec["verdict"]] += 1
        for e in rec["edits"]:
            rules[(e["stage"], e["rule"], "edit")] += 1
        for f in rec["findings"]:
            rules[(f["stage"], f["rule"], f["severity"])] += 1
        if rec["verdict"] != "clean":
            open_findings = [f for f in rec["findings"] if f["severity"] in ("error", "warning")]
            detail = "; ".join(
                f"{_md_cell(f['rule'])}: “{_md_cell(f['match'], 30)}”" if f["match"] else _md_cell(f["rule"])
                for f in open_findings[:4]
            )
            rows.append((rec["id"], rec["verdict"], detail))
    out = ["## cleanup report", ""]
    out.append(" · ".join(f"**{v}**: {verdicts[v]}" for v in ("clean", "review", "reject", "error") if verdicts[v]))
    out += ["", "| stage | rule | kind | count |", "|---|---|---|---:|"]
    for (stage, rule, kind), n in sorted(rules.items(), key=lambda kv: (-kv[1], kv[0])):
        out.append(f"| {_md_cell(stage)} | {_md_cell(rule)} | {kind} | {n} |")
    if rows:
        out += ["", "### Articles that need an editor", "", "| article | verdict | open findings |", "|---|---|---|"]
        for art_id, verdict, detail in rows[:max_articles]:
            out.append(f"| {_md_cell(art_id, 60)} | {verdict} | {detail} |")
        if len(rows) > max_articles:
            out.append(f"\n…and {len(rows) - max_articles} more.")
    return "\n".join(out) + "\n"
