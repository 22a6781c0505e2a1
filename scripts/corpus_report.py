"""Precision and recall check on a corpus of human references and machine translations.

    python scripts/corpus_report.py ../shared/dev-corpus [--grammar none]

For `ref-*` files (human translations): every edit that changes a word (not only whitespace
or encoding), and warnings per 1000 words with the rules behind them. For `mt-*` files: the
rules that fired, with three examples each. Exit 1 if an edit changed a word of a reference.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cleanup.model import Article
from cleanup.options import Options
from cleanup.pipeline import Pipeline

WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    return WORD.findall(text)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--grammar", default="none")
    args = ap.parse_args()
    pipe = Pipeline(Options(grammar=args.grammar))
    ref_words = 0
    ref_warn = Counter()
    ref_warn_examples = defaultdict(list)
    word_edits = []
    mt_rules = Counter()
    mt_examples = defaultdict(list)
    for path in sorted(args.corpus.glob("*.txt")):
        rec = pipe.clean(Article(id=path.stem, source=str(path), text=path.read_text(encoding="utf-8"))).to_dict()
        is_ref = path.name.startswith("ref-")
        if is_ref:
            ref_words += len(words(rec["original"]))
            if words(rec["original"]) != words(rec["text"]):
                word_edits += [(path.name, e) for e in rec["edits"] if words(e["before"]) != words(e["after"])]
            for f in rec["findings"]:
                if f["severity"] in ("warning", "error"):
                    ref_warn[f"{f['stage']}/{f['rule']}"] += 1
                    ref_warn_examples[f"{f['stage']}/{f['rule']}"].append((path.name, f["match"][:80]))
        else:
            for e in rec["edits"]:
                if e["stage"] != "normalize":
                    key = f"edit {e['stage']}/{e['rule']}"
                    mt_rules[key] += 1
                    mt_examples[key].append((path.name, f"{e['before'][:60]!r} -> {e['after'][:60]!r}"))
            for f in rec["findings"]:
                key = f"finding {f['stage']}/{f['rule']} ({f['severity']})"
                mt_rules[key] += 1
                mt_examples[key].append((path.name, repr(f["match"][:80])))
    pipe.close()
    print(
        f"references: {ref_words} words, {sum(ref_warn.values())} warnings+errors = "
        f"{1000 * sum(ref_warn.values()) / max(ref_words, 1):.2f} per 1000 words"
    )
    for rule, n in ref_warn.most_common():
        print(f"  {n:4d} {rule}")
        for name, match in ref_warn_examples[rule][:3]:
            print(f"         {name}: {match!r}")
    print(f"edits that change a word of a reference: {len(word_edits)}")
    for name, e in word_edits:
        print(f"  {name}: {e['rule']}: {e['before']!r} -> {e['after']!r}")
    print("machine translations: rules that fired")
    for rule, n in mt_rules.most_common():
        print(f"  {n:4d} {rule}")
        for name, ex in mt_examples[rule][:3]:
            print(f"         {name}: {ex}")
    return 1 if word_edits else 0


if __name__ == "__main__":
    sys.exit(main())
