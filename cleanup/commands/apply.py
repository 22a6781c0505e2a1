"""`cleanup apply`: an editor's decisions from the report, applied to the cleaned records."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

import click

from cleanup.commands.base import fail, main


@main.command("apply")
@click.argument("records", type=click.Path(exists=True, dir_okay=False))
@click.argument("decisions", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--out",
    "out_dir",
    default=None,
    type=click.Path(file_okay=False),
    help="Folder for the decided cleaned.jsonl and its report.html (default: RECORDS' folder; RECORDS is replaced).",
)
@click.option(
    "--baseline",
    "baseline_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="Also add the dismissed findings to this `cleanup check` baseline, so the hook accepts them too.",
)
@click.option("--report/--no-report", "write_html", default=True, show_default=True, help="Write report.html too.")
def apply_command(records, decisions, out_dir, baseline_path, write_html) -> None:
    """Apply DECISIONS (the report's `decisions.json` export; several files allowed) to RECORDS.

    Rejected edits are undone, applied suggestions become edits of stage `editor`, dismissed
    findings are kept with `dismissed: true` and stop counting for the verdict. The audit trail
    still replays from `original` (`cleanup verify`). A record that changed since the report was
    written is left as it is and named: its decisions are refused (exit 1).
    """
    from cleanup.decisions import DecisionRefused, DecisionsError, RecordDecisions, apply_decisions, load_decisions
    from cleanup.filecheck import Baseline, baseline_entry
    from cleanup.output import keep_mode, printable, read_records

    wanted: dict[str, RecordDecisions] = {}
    try:
        for path in decisions:
            for rd in load_decisions(Path(path)):
                have = wanted.get(rd.id)
                if have is None:
                    wanted[rd.id] = rd
                elif have.hash != rd.hash:
                    fail(
                        f"{path}: record {rd.id!r} is decided on two different versions (hashes {have.hash}, {rd.hash})"
                    )
                else:
                    have.decisions += rd.decisions
    except DecisionsError as exc:
        fail(str(exc))
    source = Path(records)
    out = Path(out_dir) if out_dir else source.parent
    out.mkdir(parents=True, exist_ok=True)
    target = out / "cleaned.jsonl"
    counts: Counter[str] = Counter()
    refused: list[str] = []
    notes: list[str] = []
    dismissed_entries: list[dict[str, str]] = []
    seen: set[str] = set()
    fd, tmp = tempfile.mkstemp(prefix=".cleaned.jsonl.", suffix=".tmp", dir=out)
    try:
        keep_mode(Path(tmp), target)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for lineno, raw, problem in read_records(source):
                if raw is None:
                    fail(f"{source}:{lineno}: {problem}: not a cleanup output file")
                counts["records"] += 1
                chosen = wanted.get(str(raw.get("id")))
                if chosen is not None and "text" in raw:
                    seen.add(chosen.id)
                    try:
                        new, why = apply_decisions(raw, chosen)
                    except DecisionRefused as exc:
                        refused.append(f"{source}:{lineno}: {exc}")
                    except (KeyError, TypeError, ValueError) as exc:
                        refused.append(f"{source}:{lineno}: not a cleaned record: {exc}")
                    else:
                        notes += why
                        before = raw.get("verdict")
                        raw = new.to_dict()
                        counts["decided"] += 1
                        for d in chosen.decisions:
                            counts[d.decision] += 1
                        if raw["verdict"] != before:
                            counts[f"verdict {before} -> {raw['verdict']}"] += 1
                        dismissed_entries += [
                            baseline_entry(raw["source"], raw, f) for f in raw["findings"] if f.get("dismissed")
                        ]
                fh.write(printable(json.dumps(raw, ensure_ascii=False)) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    for rid in sorted(set(wanted) - seen):
        refused.append(f"{records}: no record with id {rid!r}: its decisions were not applied")
    click.echo(
        f"{counts['records']} records, {counts['decided']} decided: {counts['reject']} edit(s) rejected, "
        f"{counts['apply']} suggestion(s) applied, {counts['dismiss']} finding(s) dismissed"
    )
    for key in sorted(k for k in counts if k.startswith("verdict ")):
        click.echo(f"  {key}: {counts[key]}")
    for note in notes:
        click.echo(f"note: {note}")
    click.echo(f"wrote {target}")
    if baseline_path and dismissed_entries:
        try:
            n = Baseline(Path(baseline_path)).add(dismissed_entries)
        except ValueError as exc:
            fail(str(exc))
        click.echo(f"added {n} dismissed finding(s) to {baseline_path}")
    if write_html:
        from cleanup.report.html import write_report

        write_report(target, out / "report.html")
        click.echo(f"wrote {out / 'report.html'}")
    for r in refused:
        click.echo(f"refused: {r}", err=True)
    sys.exit(1 if refused else 0)
