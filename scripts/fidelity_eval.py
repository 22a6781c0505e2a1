"""Measure the fidelity stage on real translations with their sources (the dev kit's
bilingual.jsonl): warnings on the human references (false alarms), findings on three MT
systems (by check, with examples), and detection of injected errors per class.

    python scripts/fidelity_eval.py                     # tables
    python scripts/fidelity_eval.py --json out.json     # also the numbers as JSON
    python scripts/fidelity_eval.py --examples 5        # show MT findings to look at

Injected classes (each into a human reference, one error per article, seeded):
- number_changed: a number of the translation that is also in the source gets another value;
- sentence_dropped: a sentence of six words or more is removed;
- sentence_added: a sentence of six words or more from another article is inserted;
- paragraph_untranslated: a paragraph is replaced by its source paragraph;
- glossary_violated: a name both texts share becomes a glossary term, and the translation
  spells it another way.
Detected: a warning or error touches the injected span (for a dropped sentence: the place
it was dropped from). False alarms on the references count the fidelity stage's alone (the
other stages are measured by the dev kit's scorer).
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BILINGUAL = ROOT.parent / "shared" / "dev-eval" / "bilingual.jsonl"
CLASSES = ("number_changed", "sentence_dropped", "sentence_added", "paragraph_untranslated", "glossary_violated")
MIN_WORDS = 6


@dataclass
class Case:
    cls: str
    record: dict
    span: tuple[int, int]  # the injected text in the new translation (a point for a drop)
    source_span: tuple[int, int] | None = None
    glossary: str | None = None


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def lines_of(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def sentences_of(text: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    from cleanup.align import Span, sentences

    return [(s.start, s.end) for s in sentences(text, Span(*span), frozenset({"mr", "mrs", "dr", "st", "no"}))]


def inject(ref: dict, cls: str, rng: random.Random, others: list[dict]) -> Case | None:
    text, source = ref["text"], ref["source_text"]
    tl, sl = lines_of(text), lines_of(source)
    if len(tl) != len(sl):
        return None
    rec = {k: ref[k] for k in ("id", "source_text", "source_lang")}
    if cls == "number_changed":
        from cleanup.numbers import quantities

        options = []
        for (ts, te), (ss, se) in zip(tl, sl):
            src_values = {v for q in quantities(source, ss, se, None) for v in q.values}
            for m in re.finditer(r"(?<![\d.,])\d+(?![\d])", text[ts:te]):
                if float(m.group()) in src_values and int(m.group()) > 1:
                    options.append((ts + m.start(), ts + m.end()))
        if not options:
            return None
        s, e = rng.choice(options)
        old = text[s:e]
        new = old + "0" if rng.random() < 0.5 else str(int(old) + rng.choice([1, 2, 3, 10]))
        rec["text"] = text[:s] + new + text[e:]
        return Case(cls, rec, (s, s + len(new)))
    if cls == "sentence_dropped":
        options = [
            (line, sent)
            for line in tl
            for sent in sentences_of(text, line)
            if len(text[sent[0] : sent[1]].split()) >= MIN_WORDS
        ]
        if not options:
            return None
        (ls, le), (s, e) = rng.choice(options)
        if (s, e) == (ls, le):  # the whole paragraph: its line goes
            new = text[:ls] + text[le + 1 :]
            point = ls
        elif e == le:
            cut = s
            while cut > ls and text[cut - 1] == " ":
                cut -= 1
            new, point = text[:cut] + text[e:], cut
        else:
            end = e
            while end < le and text[end] == " ":
                end += 1
            new, point = text[:s] + text[end:], s
        rec["text"] = new
        return Case(cls, rec, (point, point), source_span=None)
    if cls == "sentence_added":
        other = rng.choice([o for o in others if o["id"] != ref["id"]])
        pool = [
            other["text"][a:b]
            for line in lines_of(other["text"])
            for a, b in sentences_of(other["text"], line)
            if len(other["text"][a:b].split()) >= MIN_WORDS
        ]
        spots = [sent for line in tl for sent in sentences_of(text, line)]
        if not pool or not spots:
            return None
        added = rng.choice(pool)
        _s, e = rng.choice(spots)
        rec["text"] = text[:e] + " " + added + text[e:]
        return Case(cls, rec, (e + 1, e + 1 + len(added)))
    if cls == "paragraph_untranslated":
        options = [i for i, (a, b) in enumerate(tl) if len(text[a:b].split()) >= MIN_WORDS]
        if not options:
            return None
        i = rng.choice(options)
        (a, b), (sa, sb) = tl[i], sl[i]
        rec["text"] = text[:a] + source[sa:sb] + text[b:]
        return Case(cls, rec, (a, a + (sb - sa)))
    if cls == "glossary_violated":
        return _glossary_case(ref, rec, tl, sl, rng)
    raise ValueError(cls)


_TRANSLIT = str.maketrans("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", "abvgdeezziiklmnoprstufhccss_y_eua")


def _glossary_terms(ref: dict, tl, sl) -> list[tuple[int, int, str, str]]:
    """Names both texts share: (start, end, target word, source word)."""
    text, source = ref["text"], ref["source_text"]
    options = []
    for (ts, te), (ss, se) in zip(tl, sl):
        src_words = re.findall(r"\b[^\W\d_]{4,}\b", source[ss:se])
        for m in re.finditer(r"(?<=\s)[A-Z][a-z]{3,}\b", text[ts:te]):
            word = m.group()
            for sw in src_words:
                if sw[0].isupper() and sw.lower().translate(_TRANSLIT)[:4] == word.lower()[:4]:
                    options.append((ts + m.start(), ts + m.end(), word, sw))
                    break
    return options


def _lemma(source_word: str) -> str:
    return source_word[:-2] if len(source_word) > 6 and not source_word.isascii() else source_word


def glossary_for(ref: dict) -> str | None:
    """The glossary a newsroom could have for this article: every shared name, as the
    reference spells it (measures the glossary check's false alarms on clean text)."""
    tl, sl = lines_of(ref["text"]), lines_of(ref["source_text"])
    if len(tl) != len(sl):
        return None
    seen: dict[str, collections.Counter] = {}
    for _s, _e, word, sw in _glossary_terms(ref, tl, sl):
        seen.setdefault(_lemma(sw), collections.Counter())[word] += 1
    # one rendering per source term, the reference's most frequent, as a newsroom's would be
    pairs = sorted((lemma, targets.most_common(1)[0][0]) for lemma, targets in seen.items())
    return "".join(f"{a},{b}\n" for a, b in pairs) or None


def _glossary_case(ref: dict, rec: dict, tl, sl, rng: random.Random) -> Case | None:
    text = ref["text"]
    options = _glossary_terms(ref, tl, sl)
    if not options:
        return None
    s, e, word, source_word = rng.choice(options)
    # the newsroom's spelling is `word`; the translation uses another (a vowel changed)
    variant = re.sub(r"[aeiou](?=[^aeiou]*$)", lambda m: "y" if m.group() != "y" else "i", word, count=1)
    if variant == word:
        variant = word + "a"
    lemma = _lemma(source_word)
    glossary = f"{lemma},{word}\n"
    if rng.random() < 0.5:
        glossary += f"{lemma},{variant},forbidden\n"
    rec["text"] = text[:s] + variant + text[e:]
    return Case("glossary_violated", rec, (s, s + len(variant)), glossary=glossary)


def findings_of(records: list[dict], glossary: str | None = None, jobs: int = 2) -> list:
    import cleanup

    options = {"grammar": "none", "no_cache": True}
    with tempfile.TemporaryDirectory() as tmp:
        if glossary is not None:
            path = Path(tmp) / "glossary.csv"
            path.write_text(glossary, encoding="utf-8")
            options["glossary"] = str(path)
        with cleanup.Cleaner(**options) as cleaner:
            return list(cleaner.clean_records(records, jobs=jobs if len(records) > 20 else 1))


def counts(f) -> bool:
    return f.stage == "fidelity" and f.severity in ("warning", "error")


def detected(case: Case, result) -> bool:
    """As the dev kit's scorer: a warning or error (of any stage) touches the injected span."""
    s, e = case.span
    for f in result.findings:
        if f.severity not in ("warning", "error"):
            continue
        if s == e:  # a drop: the finding is next to the gap
            if f.start <= s + 1 and f.end >= s - 1:
                return True
        elif f.start < e and s < f.end:
            return True
    return False


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bilingual", type=Path, default=BILINGUAL)
    ap.add_argument("--per-class", type=int, default=2, help="injected cases per reference and class")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--examples", type=int, default=0)
    ap.add_argument("--json", type=Path)
    ap.add_argument("-j", "--jobs", type=int, default=2)
    args = ap.parse_args()
    data = load(args.bilingual)
    results = measure(data, args.per_class, args.seed, args.jobs)
    print(format_tables(results, args.examples))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 0


def measure(data: list[dict], per_class: int = 2, seed: int = 0, jobs: int = 2) -> dict:
    """Everything the tables show, as numbers (the quality gate test reads this)."""
    out: dict = {"clean": {}, "injected": {}, "examples": {}}
    recs = [{k: r[k] for k in ("id", "text", "source_text", "source_lang")} for r in data]
    results = findings_of(recs, jobs=jobs)
    by_system: dict = collections.defaultdict(lambda: {"words": 0, "articles": 0, "by_rule": collections.Counter()})
    examples: dict = collections.defaultdict(list)
    for r, res in zip(data, results):
        system = r["system"] or "reference"
        row = by_system[system]
        row["words"] += len(r["text"].split())
        row["articles"] += 1
        for f in res.findings:
            if counts(f):
                row["by_rule"][f.rule] += 1
                if len(examples[system, f.rule]) < 50:
                    src = r["source_text"][f.source_start : f.source_end] if f.source_start is not None else ""
                    examples[system, f.rule].append(
                        {"id": r["id"], "match": f.match[:160], "source": src[:160], "message": f.message[:200]}
                    )
    for system, row in by_system.items():
        out["clean"][system] = {
            "words": row["words"],
            "articles": row["articles"],
            "per_1k_words": {rule: round(n * 1000 / row["words"], 3) for rule, n in sorted(row["by_rule"].items())},
            "counts": dict(sorted(row["by_rule"].items())),
            "total_per_1k_words": round(sum(row["by_rule"].values()) * 1000 / row["words"], 3),
        }
    out["examples"] = {f"{s} {rule}": ex for (s, rule), ex in examples.items()}
    refs = [r for r in data if r["kind"] == "ref"]
    glossary_words = glossary_terms = glossary_warnings = 0
    for ref in refs:
        glossary = glossary_for(ref)
        if glossary is None:
            continue
        rec = {k: ref[k] for k in ("id", "text", "source_text", "source_lang")}
        (res,) = findings_of([rec], glossary, 1)
        glossary_words += len(ref["text"].split())
        glossary_terms += glossary.count("\n")
        glossary_warnings += sum(1 for f in res.findings if counts(f) and f.rule == "glossary-term")
    out["glossary_clean"] = {
        "words": glossary_words,
        "terms": glossary_terms,
        "warnings": glossary_warnings,
        "per_1k_words": round(glossary_warnings * 1000 / max(1, glossary_words), 3),
    }
    rng = random.Random(seed)
    for cls in CLASSES:
        cases = []
        for ref in refs:
            for k in range(per_class):
                case = inject(ref, cls, rng, refs)
                if case is not None:
                    case.record["id"] = f"{case.record['id']}#{k}"  # ids are unique within a run
                    cases.append(case)
        if cls == "glossary_violated":
            res = [findings_of([c.record], c.glossary, 1)[0] for c in cases]
        else:
            res = findings_of([c.record for c in cases], jobs=jobs)
        hits = [detected(c, r) for c, r in zip(cases, res)]
        missed = [
            {"id": c.record["id"], "span": c.span, "text": c.record["text"][max(0, c.span[0] - 60) : c.span[1] + 60]}
            for c, h in zip(cases, hits)
            if not h
        ][:20]
        out["injected"][cls] = {
            "cases": len(cases),
            "detected": sum(hits),
            "rate": round(sum(hits) / max(1, len(cases)), 3),
            "missed": missed,
        }
    return out


def format_tables(results: dict, examples: int = 0) -> str:
    rules = sorted({rule for row in results["clean"].values() for rule in row["counts"]})
    lines = ["warnings and errors of the fidelity stage per 1,000 words", ""]
    head = f"{'system':<14} {'words':>7} " + " ".join(f"{r[:20]:>21}" for r in rules) + f" {'all':>7}"
    lines.append(head)
    for system, row in results["clean"].items():
        cells = " ".join(
            f"{row['per_1k_words'].get(r, 0):>9.3f} ({row['counts'].get(r, 0):>4}) ".rjust(21) for r in rules
        )
        lines.append(f"{system:<14} {row['words']:>7} {cells} {row['total_per_1k_words']:>7.3f}")
    g = results.get("glossary_clean")
    if g:
        lines += [
            "",
            f"glossary on the references ({g['terms']} terms they share with their sources): "
            f"{g['warnings']} warnings, {g['per_1k_words']:.3f} per 1,000 words",
        ]
    lines += ["", f"{'injected class':<24} {'cases':>6} {'detected':>9} {'rate':>7}"]
    for cls, row in results["injected"].items():
        lines.append(f"{cls:<24} {row['cases']:>6} {row['detected']:>9} {row['rate']:>7.1%}")
    if examples:
        for key, exs in results["examples"].items():
            lines += ["", key]
            for ex in exs[:examples]:
                lines.append(f"  {ex['id']}: {ex['message']}\n    T: {ex['match']}\n    S: {ex['source']}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
