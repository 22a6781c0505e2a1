"""`cleanup diff`: one article's changes in the terminal, deletions red and struck through,
insertions green, each change followed by its rule; then the open findings."""

from __future__ import annotations

import click


def render_diff(record: dict) -> str:
    # edits come in text order per stage; render each stage's changes against the text it saw
    out = [click.style(f"{record['id']} — verdict {record['verdict']}", bold=True)]
    text = record["original"]
    for stage in dict.fromkeys(e["stage"] for e in record["edits"]):
        pieces = []
        pos = 0
        new_text = []
        shift = 0
        for e in (x for x in record["edits"] if x["stage"] == stage):
            start, end = e["start"] - shift, e["end"] - shift
            if start < pos:  # a later edit went back inside this stage: show the rest next round
                break
            pieces.append(text[pos:start])
            new_text.append(text[pos:start])
            if e["before"]:
                pieces.append(click.style(f"[-{_visible(e['before'])}-]", fg="red", strikethrough=True))
            if e["after"]:
                pieces.append(click.style(f"{{+{_visible(e['after'])}+}}", fg="green", underline=True))
            pieces.append(click.style(f"⟨{e['rule']}⟩", fg="cyan", dim=True))
            new_text.append(e["after"])
            shift += len(e["after"]) - (e["end"] - e["start"])
            pos = end
        pieces.append(text[pos:])
        new_text.append(text[pos:])
        out.append(click.style(f"--- stage {stage}", fg="yellow"))
        out.append(_context("".join(pieces)))
        text = "".join(new_text)
    if not record["edits"]:
        out.append("no changes")
    if record["findings"]:
        out.append(click.style("--- open findings", fg="yellow"))
        colours = {"error": "red", "warning": "yellow", "info": "blue"}
        for f in record["findings"]:
            line = record["text"].count("\n", 0, f["start"]) + 1
            sugg = f" → {' | '.join(f['suggestions'][:3])}" if f["suggestions"] else ""
            out.append(
                f"{line:>4}: "
                + click.style(f"{f['severity']:<7}", fg=colours[f["severity"]])
                + f" {f['rule']}: {f['match']!r}{sugg}"
            )
    return "\n".join(out)


def _visible(s: str) -> str:
    """Whitespace changes must be seen: a newline shows as ⏎, a no-break space as ⍽."""
    return s.replace("\r", "␍").replace("\n", "⏎").replace("\u00a0", "⍽").replace("\t", "⇥")


def _context(marked: str) -> str:
    """Only the lines with a change, so a long article's diff stays readable."""
    lines = marked.split("\n")
    keep = [line for line in lines if "⟨" in line]
    return "\n".join(keep) if keep else marked
