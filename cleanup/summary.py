"""Counts of a run, for `summary.json` and the table printed at the end."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


def compact(record: dict[str, Any]) -> dict[str, Any]:
    """What the summary needs of a record, small enough to pass between processes cheaply."""
    if "error" in record and "text" not in record:
        from cleanup.reader import UNSUPPORTED

        return {"error": record["error"], "unsupported": UNSUPPORTED in record["error"]}
    # a record projected with --fields may lack its edits and findings: counted as none
    return {
        "verdict": record["verdict"],
        "edits": [f"{e['stage']}/{e['rule']}" for e in record.get("edits", [])],
        "findings": [(f["severity"], f"{f['stage']}/{f['rule']}") for f in record.get("findings", [])],
    }


@dataclass
class Summary:
    articles: int = 0
    errors: int = 0
    unsupported: int = 0  # input files of a type cleanup does not read (among `errors`)
    reused: int = 0
    verdicts: Counter = field(default_factory=Counter)
    edits: Counter = field(default_factory=Counter)  # "stage/rule" -> count
    findings: Counter = field(default_factory=Counter)  # severity -> count
    finding_rules: Counter = field(default_factory=Counter)
    grammar_calls: int = 0
    grammar_cache_hits: int = 0
    error_messages: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, counts: dict[str, Any], reused: bool = False) -> None:
        """Count one record, given in `compact` form."""
        self.articles += 1
        self.reused += int(reused)
        if "error" in counts:
            self.errors += 1
            self.unsupported += int(bool(counts.get("unsupported")))
            if len(self.error_messages) < 50:
                self.error_messages.append(counts["error"])
            return
        self.verdicts[counts["verdict"]] += 1
        self.edits.update(counts["edits"])
        for severity, rule in counts["findings"]:
            self.findings[severity] += 1
            self.finding_rules[rule] += 1

    @property
    def exit_code(self) -> int:
        return 0 if self.errors == 0 and set(self.verdicts) <= {"clean"} else 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "errors": self.errors,
            "unsupported_files": self.unsupported,
            "reused": self.reused,
            "verdicts": {v: self.verdicts.get(v, 0) for v in ("clean", "review", "reject")},
            "edits": dict(sorted(self.edits.items())),
            "findings": {s: self.findings.get(s, 0) for s in ("error", "warning", "info")},
            "findings_by_rule": dict(sorted(self.finding_rules.items())),
            "grammar": {"calls": self.grammar_calls, "cache_hits": self.grammar_cache_hits},
            "error_messages": self.error_messages,
            "seconds": round(self.seconds, 3),
        }

    def table(self) -> str:
        rows = [
            ("articles", str(self.articles)),
            ("  reused from the last run", str(self.reused)),
            ("  errors", str(self.errors)),
        ]
        rows += [(f"verdict {v}", str(self.verdicts.get(v, 0))) for v in ("clean", "review", "reject")]
        rows += [(f"findings {s}", str(self.findings.get(s, 0))) for s in ("error", "warning", "info")]
        rows.append(("grammar calls / cache hits", f"{self.grammar_calls} / {self.grammar_cache_hits}"))
        rows.append(("edits", str(sum(self.edits.values()))))
        rows += [(f"  {k}", str(v)) for k, v in sorted(self.edits.items(), key=lambda kv: (-kv[1], kv[0]))]
        width = max(len(k) for k, _ in rows)
        lines = [f"{k:<{width}}  {v:>6}" for k, v in rows]
        for msg in self.error_messages[:10]:
            lines.append(f"error: {msg}")
        lines.append(f"done in {self.seconds:.2f}s")
        return "\n".join(lines)
