"""Real text with artifacts injected, for measuring detection on text nobody tuned the rules
to. The clean texts are human reference translations (WMT23, from ../shared); the artifacts
are made the way the classes are defined, at random positions, with a fixed seed."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from conftest import SHARED

BILINGUAL = SHARED / "dev-eval" / "bilingual.jsonl"
FUNCTION_WORDS = (
    "of in to on at as by or is and the for from with who which where when that was were are has have "
    "had will would but into its his her their our"
).split()


def bilingual(kind: str | None = "ref") -> list[dict]:
    if not BILINGUAL.is_file():
        return []
    recs = [json.loads(line) for line in BILINGUAL.read_text(encoding="utf-8").splitlines()]
    return [r for r in recs if kind is None or r["kind"] == kind]


def clean_references() -> dict[str, str]:
    """Every human reference of the shared corpora, once: id -> text."""
    texts: dict[str, str] = {}
    for p in sorted((SHARED / "dev-eval" / "data" / "clean").glob("*.txt")):
        texts[f"kit/{p.stem}"] = p.read_text(encoding="utf-8")
    for p in sorted((SHARED / "dev-corpus").glob("ref-*.txt")):
        texts[f"corpus/{p.stem}"] = p.read_text(encoding="utf-8")
    for r in bilingual("ref"):
        texts[f"bilingual/{r['id']}"] = r["text"]
    seen: set[str] = set()
    return {k: v for k, v in texts.items() if not (v in seen or seen.add(v))}


def fused_words(texts: dict[str, str], per_text: int = 3, seed: int = 1, capitalised_share: float = 0.7) -> list[dict]:
    """A word and the function word after it, fused (`Berlin of` → `Berlinof`)."""
    rng = random.Random(seed)
    pattern = re.compile(r"(?<![\w'’@#/.-])([A-Za-z]{3,}) (" + "|".join(FUNCTION_WORDS) + r")(?![\w'’-])")
    cases = []
    for tid, text in texts.items():
        found = [m for m in pattern.finditer(text) if m.group(1).lower() not in FUNCTION_WORDS]
        capitalised = [m for m in found if m.group(1)[0].isupper()]
        lower = [m for m in found if not m.group(1)[0].isupper()]
        for _ in range(per_text):
            pool = capitalised if (rng.random() < capitalised_share and capitalised) else lower
            if not pool:
                continue
            m = rng.choice(pool)
            fused = m.group(1) + m.group(2)
            cases.append(
                {
                    "id": tid,
                    "text": text[: m.start()] + fused + text[m.end() :],
                    "start": m.start(),
                    "end": m.start() + len(fused),
                    "fused": fused,
                    "fixed": text,
                }
            )
    return cases


def standalone_lines(texts: dict[str, str], lines: list[str], seed: int = 3) -> list[dict]:
    """Each line inserted as a line of its own into a random article, bare and in quotes."""
    rng = random.Random(seed)
    keys = sorted(texts)
    cases = []
    for line in lines:
        for quoted in (False, True):
            tid = rng.choice(keys)
            paragraphs = texts[tid].split("\n")
            k = rng.randrange(1, max(2, len(paragraphs)))
            inserted = f"“{line}”" if quoted else line
            start = sum(len(p) + 1 for p in paragraphs[:k])
            cases.append(
                {
                    "id": tid,
                    "line": inserted,
                    "start": start,
                    "end": start + len(inserted),
                    "text": "\n".join(paragraphs[:k] + [inserted] + paragraphs[k:]),
                    "fixed": texts[tid],
                }
            )
    return cases


def data_file(name: str) -> Path:
    return Path(__file__).resolve().parent / "data" / name
