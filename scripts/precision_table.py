"""Per-rule precision on real text: how often each rule fires on clean human translations
(where every finding and every word-changing edit is a false positive) and on raw machine
translation of the same documents.

    python scripts/precision_table.py                       # ../shared corpora, Harper
    python scripts/precision_table.py --grammar none        # artifact rules only, fast
    python scripts/precision_table.py --json out/precision.json

Clean text: the dev kit's clean suite, the dev corpus's references and the human references
of `bilingual.jsonl` (one copy of each text). Machine translation: the dev corpus's and
`bilingual.jsonl`'s MT outputs. A rule *earns* `warning` when it never fires on the clean
text and fires at least `--min-mt` times on the MT: then a warning from it means something
and costs editors nothing on human text. The last lines print the grammar rules that earn it,
in the form of `grammar.warning_rules` in rules/grammar.yaml.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
WORD = re.compile(r"\w+")


def corpora(shared: Path) -> dict[str, dict[str, str]]:
    """{"clean": {id: text}, "mt": {id: text}}, each text once."""
    clean: dict[str, str] = {}
    mt: dict[str, str] = {}
    for p in sorted((shared / "dev-eval" / "data" / "clean").glob("*.txt")):
        clean[f"kit/{p.stem}"] = p.read_text(encoding="utf-8")
    for p in sorted((shared / "dev-corpus").glob("*.txt")):
        (clean if p.stem.startswith("ref-") else mt)[f"corpus/{p.stem}"] = p.read_text(encoding="utf-8")
    bilingual = shared / "dev-eval" / "bilingual.jsonl"
    if bilingual.is_file():
        for line in bilingual.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            (clean if rec["kind"] == "ref" else mt)[f"bilingual/{rec['id']}"] = rec["text"]
    seen: set[str] = set()
    for group in (clean, mt):  # the same reference is in several corpora: count it once
        for key, text in list(group.items()):
            if text in seen:
                del group[key]
            else:
                seen.add(text)
    return {"clean": clean, "mt": mt}


def run(texts: dict[str, str], grammar: str, jobs: int) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        src.write_text(
            "".join(json.dumps({"id": k, "text": v}, ensure_ascii=False) + "\n" for k, v in texts.items()),
            encoding="utf-8",
        )
        out = Path(tmp) / "out"
        cmd = [
            sys.executable,
            "-m",
            "cleanup",
            "run",
            str(src),
            "--out",
            str(out),
            "--grammar",
            grammar,
            "-j",
            str(jobs),
            "--no-report",
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
        if proc.returncode not in (0, 1):
            raise SystemExit(proc.stderr)
        return [json.loads(line) for line in (out / "cleaned.jsonl").read_text(encoding="utf-8").splitlines()]


def count(records: list[dict]) -> tuple[Counter, Counter, dict, int, int]:
    """(hits per rule, articles per rule, an example per rule, words, articles)."""
    hits: Counter = Counter()
    articles: Counter = Counter()
    example: dict[str, str] = {}
    words = 0
    for rec in records:
        if "text" not in rec:
            continue
        words += len(WORD.findall(rec["original"]))
        fired = set()
        for e in rec["edits"]:
            if WORD.findall(e["before"]) == WORD.findall(e["after"]):
                continue  # whitespace and encoding: not a judgement on the text
            key = f"{e['stage']}/{e['rule']}"
            hits[key] += 1
            fired.add(key)
            example.setdefault(key, f"{rec['id']}: {e['before']!r} → {e['after']!r}")
        for f in rec["findings"]:
            key = f"{f['stage']}/{f['rule']}"
            hits[key] += 1
            fired.add(key)
            example.setdefault(key, f"{rec['id']}: {f['match'][:50]!r}")
        articles.update(fired)
    return hits, articles, example, words, len(records)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--grammar", default="harper")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--min-mt", type=int, default=2, help="MT hits a rule needs to earn `warning`")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    texts = corpora(args.shared)
    results = {name: count(run(group, args.grammar, args.jobs)) for name, group in texts.items()}
    (c_hits, c_arts, c_ex, c_words, c_n), (m_hits, _m_articles, m_ex, m_words, m_n) = results["clean"], results["mt"]
    print(f"clean: {c_n} articles, {c_words} words; machine translation: {m_n} articles, {m_words} words\n")
    rows = []
    for rule in sorted(set(c_hits) | set(m_hits), key=lambda r: (-c_hits[r], -m_hits[r], r)):
        c_rate, m_rate = 1000 * c_hits[rule] / c_words, 1000 * m_hits[rule] / m_words
        earns = c_hits[rule] == 0 and m_hits[rule] >= args.min_mt
        rows.append(
            {
                "rule": rule,
                "clean": c_hits[rule],
                "clean_articles": c_arts[rule],
                "clean_per_1k": round(c_rate, 3),
                "mt": m_hits[rule],
                "mt_per_1k": round(m_rate, 3),
                "earns_warning": earns,
                "clean_example": c_ex.get(rule, ""),
                "mt_example": m_ex.get(rule, ""),
            }
        )
    print(f"{'rule':<44} {'clean':>6} {'/1k':>6} {'MT':>6} {'/1k':>6}  earns  example on clean text")
    for r in rows:
        print(
            f"{r['rule']:<44} {r['clean']:>6} {r['clean_per_1k']:>6.3f} {r['mt']:>6} {r['mt_per_1k']:>6.3f}  "
            f"{'yes' if r['earns_warning'] else '-':<5}  {r['clean_example'][:70]}"
        )
    grammar = sorted(
        r["rule"].split(":", 1)[1] for r in rows if r["earns_warning"] and r["rule"].startswith("grammar/")
    )
    print("\ngrammar rules that earn `warning` (grammar.warning_rules):")
    print("  [" + ", ".join(grammar) + "]")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"clean_words": c_words, "mt_words": m_words, "rules": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
