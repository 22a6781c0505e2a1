"""Which of Harper's ~900 lints earn a place in the news lint set (`grammar.harper_enabled` in
rules/grammar.yaml): every lint is run on the same corpora as scripts/precision_table.py, and
counted on clean human translations and on machine translation.

    python scripts/harper_lints.py                     # counts, and the proposed set
    python scripts/harper_lints.py --json out/harper-lints.json

Each lint is counted by the findings the pipeline keeps (after its suppressions) with
Harper's default lints. A lint earns its place when a finding of it was kept on machine
translation (it catches something MT produces, that an editor sees); a lint kept only on
clean human text costs time and editors' attention and catches nothing here; one with no kept
finding costs time only. `grammar.harper_core` in
rules/grammar.yaml lists the general-purpose lints kept whatever this corpus shows (spelling,
repeated words, a/an, capitalisation, agreement): the set is not tuned to these articles
alone. Lints in `grammar.harper_disabled` stay off.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from precision_table import SHARED, corpora


def count(texts: dict[str, str]) -> Counter[str]:
    """Per Harper lint, the findings the pipeline keeps on these texts with Harper's default
    lints (what ran before the set was chosen): after its suppressions (names, doublings,
    what an artifact rule reports), so a lint counts only for what an editor would see."""
    from cleanup.model import Article
    from cleanup.options import Options
    from cleanup.pipeline import Pipeline

    pipeline = Pipeline(Options(grammar="harper", use_cache=False))
    pipeline.resources.grammar_config.enabled.clear()  # Harper's defaults, less harper_disabled
    counts: Counter[str] = Counter()
    for key, text in texts.items():
        record = pipeline.clean(Article(id=key, source=key, text=text))
        for f in record.findings:
            if f.rule.startswith("harper:") and f.rule != "harper:unchecked":
                counts[f.rule.split(":", 1)[1]] += 1
    pipeline.close()
    return counts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    import yaml

    grammar = yaml.safe_load((ROOT / "rules" / "grammar.yaml").read_text(encoding="utf-8"))["grammar"]
    import harper

    default_on = {k for k, on in harper.get_default_lint_config().items() if on}
    disabled = set(grammar.get("harper_disabled", []))
    core = set(grammar.get("harper_core", [])) & default_on
    off_core = sorted(set(grammar.get("harper_core", [])) - default_on)
    if off_core:
        print(f"note: core lints off in Harper's defaults stay off: {', '.join(off_core)}")
    data = corpora(args.shared)
    clean, mt = count(data["clean"]), count(data["mt"])
    words = {k: sum(len(t.split()) for t in v.values()) for k, v in data.items()}
    rows = sorted(set(harper.get_default_lint_config()), key=lambda r: (-mt[r], clean[r], r))
    print(
        f"clean: {len(data['clean'])} texts, {words['clean']} words; MT: {len(data['mt'])} texts, {words['mt']} words"
    )
    print(f"{'lint':<36} {'MT':>6} {'clean':>6}  decision")
    enabled = []
    for r in rows:
        if r in disabled:
            decision = "off (harper_disabled)"
        elif mt[r] > 0:
            decision = "on: fires on MT"
            enabled.append(r)
        elif r in core:
            decision = "on: core"
            enabled.append(r)
        elif clean[r] > 0:
            decision = "off: fires only on clean text"
        else:
            continue
        print(f"{r:<36} {mt[r]:>6} {clean[r]:>6}  {decision}")
    silent = sum(1 for r in rows if mt[r] == 0 and clean[r] == 0 and r not in core)
    print(f"\n{silent} lints never fired on either; {len(enabled)} enabled of {len(rows)}")
    print("\nharper_enabled: " + json.dumps(sorted(enabled)))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps({"words": words, "mt": dict(mt), "clean": dict(clean), "enabled": sorted(enabled)}, indent=1)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
