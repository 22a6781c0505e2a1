"""The project's benchmark: throughput per stage, the whole pipeline, the reference tools
alone, parallel workers, incremental re-runs, peak memory and pre-commit latency, in one run.

    python bench/bench.py                      # a ~2 MB corpus generated from seeds/
    python bench/bench.py --size-mb 10         # bigger
    python bench/bench.py --corpus DIR         # your own .txt/.md/.jsonl articles
    python bench/bench.py --smoke              # a tiny run for CI (no timing claims)
    python bench/bench.py --memory-scale 10,100  # peak RSS of -j 2 --grammar none at 10 and 100 MB

Prints a table and writes OUT/results.json. Medians of --repeat runs where it says so; every
figure comes from this one run on this machine, so ratios between them are meaningful.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleanup.model import Article


def generate_corpus(path: Path, size_bytes: int, seed: int = 0) -> int:
    """Articles recombined from the seeds' paragraphs, as JSONL, about `size_bytes` long."""
    paragraphs = [
        p
        for f in sorted((ROOT / "seeds").glob("*.txt"))
        for p in f.read_text(encoding="utf-8").split("\n")
        if len(p) > 40
    ]
    rng = random.Random(seed)
    written = n = 0
    with open(path, "w", encoding="utf-8") as fh:
        while written < size_bytes:
            text = "\n\n".join(rng.sample(paragraphs, rng.randint(4, 12)))
            line = json.dumps({"id": f"gen-{n:06d}", "text": text}, ensure_ascii=False) + "\n"
            fh.write(line)
            written += len(line.encode())
            n += 1
    return n


DEV_CORPUS = ROOT.parent / "shared" / "dev-corpus"
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def mutated_corpus(articles: list[Article], path: Path, factor: int, seed: int = 0) -> int:
    """`factor` copies of every article as JSONL, the first as it is; in every later copy each
    sentence has two neighbouring words swapped and its digits changed, so that no sentence
    recurs (Harper and the results cache remember what they have seen, and a corpus of exact
    copies would measure their memory, not the work). Returns the bytes written."""
    rng = random.Random(seed)
    written = 0
    with open(path, "w", encoding="utf-8") as fh:
        for k in range(factor):
            for a in articles:
                text = a.text
                if k:
                    paragraphs = []
                    for para in text.split("\n"):
                        sentences = []
                        for sentence in _SENTENCE.split(para):
                            words = sentence.split(" ")
                            if len(words) > 3:
                                i = rng.randrange(1, len(words) - 2)
                                words[i], words[i + 1] = words[i + 1], words[i]
                            digits = str.maketrans("0123456789", "0123456789"[k % 10 :] + "0123456789"[: k % 10])
                            sentences.append(" ".join(words).translate(digits))
                        paragraphs.append(" ".join(sentences))
                    text = "\n".join(paragraphs)
                line = json.dumps({"id": f"{a.id}-{k}", "text": text}, ensure_ascii=False) + "\n"
                fh.write(line)
                written += len(line.encode())
    return written


def lint_costs(texts: list[str], enabled: list[str], repeat: int) -> dict:
    """What each lint of the news set costs Harper on these texts: seconds with that lint
    alone minus seconds with none (a fresh Linter for each pass: Harper remembers what it has
    linted), and the whole default set against the news set."""
    import harper

    plain = harper.Language.PLAINTEXT
    default = harper.get_default_lint_config()

    def timed(config: dict) -> float:
        runs = []
        for _ in range(repeat):
            linter = harper.Linter()
            linter.set_lint_config(config)
            runs.append(seconds(lambda lin: [lin.lint(t, language=plain) for t in texts], linter))
        return statistics.median(runs)

    for t in texts[:20]:  # Harper's first use in a process is slow: not measured
        harper.Linter().lint(t, language=plain)
    off = {k: False for k in default}
    nothing = timed(off)
    per_lint = {lint: round(timed({**off, lint: True}) - nothing, 4) for lint in enabled}
    everything = timed(default)
    chosen = set(enabled)
    news = timed({k: k in chosen for k in default})
    top = dict(sorted(per_lint.items(), key=lambda kv: -kv[1])[:12])
    return {
        "texts": len(texts),
        "no lints seconds": round(nothing, 3),
        "Harper's default lints seconds": round(everything, 3),
        "news set seconds": round(news, 3),
        "news set speed-up": round(everything / news, 2),
        "lints in the news set": len(enabled),
        "costliest lints of the news set (seconds alone minus none)": top,
        "all per-lint costs": per_lint,
    }


def load_articles(corpus: Path) -> list[Article]:
    from cleanup.reader import read_inputs

    return [a for a in read_inputs([str(corpus)]) if isinstance(a, Article)]


def seconds(fn, *args) -> float:
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


def close(state) -> None:
    if hasattr(state, "close"):
        state.close()


def interleaved(fns: dict, repeat: int) -> dict[str, float]:
    """Median wall seconds of `repeat` calls of each function, taken in turns (one call of each
    per round), so a slow spell of this shared machine falls on all of them alike. A function
    given as (setup, run) is called as run(setup()), with setup untimed: a fresh Harper linter
    for each pass, since Harper remembers what it has linted and the corpus's paragraphs recur."""
    runs: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            if isinstance(fn, tuple):
                setup, run = fn
                state = setup()
                runs[name].append(seconds(run, state))
                close(state)
            else:
                runs[name].append(seconds(fn))
    return {name: statistics.median(r) for name, r in runs.items()}


def paired_ratio(first, second, items: list, repeat: int, chunk: int = 50) -> float:
    """Median over `repeat` passes of time(first) / time(second) over the same items, the two
    alternating every `chunk` items: a ratio that the machine's noise moves little. Each is a
    (setup, run) pair; setup runs once per pass, untimed."""
    ratios = []
    for _ in range(repeat):
        (setup_a, run_a), (setup_b, run_b) = first, second
        state_a, state_b = setup_a(), setup_b()
        a = b = 0.0
        for i in range(0, len(items), chunk):
            part = items[i : i + chunk]
            a += seconds(run_a, state_a, part)
            b += seconds(run_b, state_b, part)
        close(state_a)
        close(state_b)
        ratios.append(a / b)
    return statistics.median(ratios)


def in_process(articles: list[Article], repeat: int) -> dict[str, float]:
    """Seconds per pass over the corpus, for each stage alone and the reference tools alone."""
    import ftfy
    import harper

    from cleanup.document import Document
    from cleanup.options import Options
    from cleanup.pipeline import Pipeline
    from cleanup.stages.language import DETECT_CHARS, LanguageDetector

    texts = [a.text for a in articles]
    plain = harper.Language.PLAINTEXT
    warm_up = Article(id="warm-up", source="warm-up", text="This sentence loads every part of the pipeline.")

    def fresh_linter():
        linter = harper.Linter()
        linter.lint(warm_up.text, language=plain)
        return linter

    def fresh_pipeline(grammar: str = "harper"):
        pipe = Pipeline(Options(grammar=grammar, use_cache=False))
        pipe.clean(warm_up)  # load everything once: steady-state throughput is measured
        return pipe

    # Harper's first pass in a process is several times slower than any later one (it builds
    # process-wide data on first use): pay that once, before anything is measured
    process_warm_up = harper.Linter()
    for t in texts[:50]:
        process_warm_up.lint(t, language=plain)
    pipe = fresh_pipeline()  # its stages make each stage's input
    detector = LanguageDetector()
    detector.detect(texts[0])

    def stage_inputs(name: str) -> list[Document]:
        """Each article as the stages before `name` leave it."""
        docs = []
        for a in articles:
            d = Document.from_article(a)
            for stage in pipe.stages:
                if stage.name == name:
                    break
                stage.run(d)
            docs.append(d)
        return docs

    def copy_of(d: Document) -> Document:
        c = Document(d.text, d.article)
        c.language = d.language
        c.findings = list(d.findings)
        return c

    def stage(name: str):
        """Time one stage alone: every stage is the same `run(doc)` call."""
        docs = stage_inputs(name)
        if name == "grammar":
            return (fresh_pipeline, lambda p: [p.stages[-1].run(copy_of(d)) for d in docs])
        (one,) = [s for s in pipe.stages if s.name == name]
        return lambda: [one.run(copy_of(d)) for d in docs]

    nogrammar = fresh_pipeline("none")
    fns = {
        "ftfy alone": lambda: [ftfy.fix_text(t) for t in texts],
        "langdetect alone": lambda: [detector._detect(t[:DETECT_CHARS]) for t in texts],
        "harper alone": (fresh_linter, lambda linter: [linter.lint(t, language=plain) for t in texts]),
        **{f"stage {name}": stage(name) for name in ("normalize", "language", "artifacts", "grammar")},
        "pipeline (harper)": (fresh_pipeline, lambda p: [p.clean(a) for a in articles]),
        "pipeline (no grammar)": lambda: [nogrammar.clean(a) for a in articles],
    }
    results = interleaved(fns, repeat)
    # the target's ratio, paired: Harper alone and the whole pipeline alternate every 50 articles
    results["paired ratio"] = paired_ratio(
        (fresh_linter, lambda linter, part: [linter.lint(a.text, language=plain) for a in part]),
        (fresh_pipeline, lambda p, part: [p.clean(a) for a in part]),
        articles,
        repeat,
    )
    pipe.close()
    return results


BILINGUAL = ROOT.parent / "shared" / "dev-eval" / "bilingual.jsonl"


def fidelity_cost(repeat: int, limit: int | None = None) -> dict:
    """What checking translations against their sources costs: the pipeline without grammar
    over the dev kit's bilingual records, with their sources and without, in turns."""
    if not BILINGUAL.exists():
        return {"skipped": f"needs {BILINGUAL}"}
    from cleanup.options import Options
    from cleanup.pipeline import Pipeline

    records = [json.loads(line) for line in BILINGUAL.read_text(encoding="utf-8").splitlines()][:limit]
    with_source = [
        Article(id=r["id"], source="bench", text=r["text"], source_text=r["source_text"], source_lang=r["source_lang"])
        for r in records
    ]
    without = [Article(id=r["id"], source="bench", text=r["text"]) for r in records]
    pipe = Pipeline(Options(grammar="none", use_cache=False))
    pipe.clean(with_source[0])
    times = interleaved(
        {"with": lambda: [pipe.clean(a) for a in with_source], "without": lambda: [pipe.clean(a) for a in without]},
        repeat,
    )
    pipe.close()
    kb = sum(len(r["text"].encode()) for r in records) / 1024
    return {
        "records": len(records),
        "kb": round(kb, 1),
        "pipeline --grammar none, no source, seconds": round(times["without"], 3),
        "pipeline --grammar none, with source, seconds": round(times["with"], 3),
        "fidelity share of the pipeline's time": round((times["with"] - times["without"]) / times["with"], 3),
    }


def cli(args: list[str], env: dict | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of the biggest process of one `cleanup` command."""
    cmd = [
        sys.executable,
        "-c",
        "import resource,subprocess,sys; r=subprocess.run(sys.argv[1:]).returncode; "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(r)",
        sys.executable,
        "-m",
        "cleanup",
        *args,
    ]
    # as on a user's machine, Python caches the compiled modules (this machine's environment
    # switches that off, which would add the compilation of every module to every command)
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**base, **(env or {}), "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise SystemExit(f"cleanup {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    rss = int(proc.stderr.strip().splitlines()[-1])
    return wall, rss


API_SCRIPT = """
import json, sys, time
import cleanup
src, dst, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(src, encoding="utf-8") as fh, open(dst, "w", encoding="utf-8") as out:
    records = (json.loads(line) for line in fh)
    with cleanup.Cleaner(no_cache=True) as cleaner:
        for result in cleaner.clean_records(records, jobs=jobs):
            out.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\\n")
"""

DATASETS_SCRIPT = """
import sys
import cleanup
from datasets import load_dataset
ds = load_dataset("json", data_files=sys.argv[1], split="train", cache_dir=sys.argv[2])
out = ds.map(cleanup.hf_map(no_cache=True), batched=True, batch_size=16, num_proc=int(sys.argv[3]))
out.to_json(sys.argv[2] + "/out.jsonl")
"""


def python_script(script: str, *argv: str) -> float:
    """Wall seconds of a Python script in a new process (as a user's program would run)."""
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", script, *argv],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "HF_DATASETS_DISABLE_PROGRESS_BARS": "1"},
    )
    if proc.returncode:
        raise SystemExit(f"script failed:\n{proc.stderr}")
    return time.perf_counter() - t


def api_vs_cli(corpus: Path, work: Path, repeat: int) -> dict:
    """The Python API against the CLI on the same corpus, each in a new process with its load
    time, in turns: `Cleaner.clean_records` vs `cleanup run -j 1`, and
    `Dataset.map(hf_map(), num_proc=2)` vs `cleanup run -j 2` (Harper, no cache)."""
    runs: dict[str, list[float]] = {k: [] for k in ("api", "cli -j 1", "datasets num_proc=2", "cli -j 2")}
    try:
        import datasets  # noqa: F401
    except ImportError:
        runs.pop("datasets num_proc=2")
    for i in range(repeat):
        runs["api"].append(python_script(API_SCRIPT, str(corpus), str(work / f"api-{i}.jsonl"), "1"))
        runs["cli -j 1"].append(
            cli(["run", str(corpus), "--out", str(work / f"api-cli1-{i}"), "-j", "1", "--no-report", "--no-cache"])[0]
        )
        if "datasets num_proc=2" in runs:
            hf = work / f"hf-{i}"
            hf.mkdir()
            runs["datasets num_proc=2"].append(python_script(DATASETS_SCRIPT, str(corpus), str(hf), "2"))
        runs["cli -j 2"].append(
            cli(["run", str(corpus), "--out", str(work / f"api-cli2-{i}"), "-j", "2", "--no-report", "--no-cache"])[0]
        )
    median = {k: statistics.median(v) for k, v in runs.items()}
    out = {f"{k} seconds (median)": round(v, 3) for k, v in median.items()}
    out["Cleaner.clean_records / cli -j 1 time"] = round(median["api"] / median["cli -j 1"], 3)
    if "datasets num_proc=2" in median:
        out["datasets.map num_proc=2 / cli -j 2 time"] = round(median["datasets num_proc=2"] / median["cli -j 2"], 3)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--size-mb", type=float, default=2.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--memory-scale", default="", help="comma-separated corpus sizes in MB for the flat-memory check")
    ap.add_argument("--out", type=Path, default=ROOT / "out" / "bench")
    ap.add_argument(
        "--dev-corpus", type=Path, default=DEV_CORPUS, help="real articles for the targets measured on real text"
    )
    ap.add_argument("--scale", type=int, default=8, help="the scale-out corpus: this many mutated copies of it")
    args = ap.parse_args()
    if args.smoke:
        args.size_mb, args.repeat, args.scale = 0.05, 1, 2
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="cleanup-bench-"))
    try:
        corpus = args.corpus
        if corpus is None:
            corpus = work / "corpus.jsonl"
            generate_corpus(corpus, int(args.size_mb * 1024 * 1024))
        articles = load_articles(corpus)
        size_kb = sum(len(a.text.encode()) for a in articles) / 1024
        results: dict = {
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "corpus": {"path": str(corpus), "articles": len(articles), "kb": round(size_kb, 1)},
            "throughput": {},
        }
        measured = in_process(articles, args.repeat)
        paired = measured.pop("paired ratio")
        for name, secs in measured.items():
            results["throughput"][name] = {
                "seconds": round(secs, 3),
                "kb_per_s": round(size_kb / secs, 1),
                "articles_per_s": round(len(articles) / secs, 1),
            }
        t = results["throughput"]
        results["ratio pipeline/harper-alone throughput"] = round(
            t["pipeline (harper)"]["kb_per_s"] / t["harper alone"]["kb_per_s"], 3
        )
        results["ratio pipeline/harper-alone throughput, paired"] = round(paired, 3)
        dev = load_articles(args.dev_corpus) if args.dev_corpus.is_dir() else []
        if args.smoke:
            dev = dev[:12]
        if dev:
            dev_kb = sum(len(a.text.encode()) for a in dev) / 1024
            results["dev corpus"] = {"path": str(args.dev_corpus), "articles": len(dev), "kb": round(dev_kb, 1)}
            measured = in_process(dev, args.repeat)
            dev_paired = measured.pop("paired ratio")
            results["throughput (dev corpus)"] = {
                name: {"seconds": round(secs, 3), "kb_per_s": round(dev_kb / secs, 1)}
                for name, secs in measured.items()
            }
            d = results["throughput (dev corpus)"]
            results["dev corpus: ratio pipeline/harper-alone throughput"] = round(
                d["pipeline (harper)"]["kb_per_s"] / d["harper alone"]["kb_per_s"], 3
            )
            results["dev corpus: ratio pipeline/harper-alone throughput, paired"] = round(dev_paired, 3)
            from cleanup.options import Options
            from cleanup.resources import Resources

            news = Resources(Options(use_cache=False)).grammar_config.enabled.get("harper", [])
            texts = [a.text for a in dev]
            results["harper lint costs (dev corpus)"] = lint_costs(
                texts, news[:4] if args.smoke else news, 1 if args.smoke else args.repeat
            )
            results["scale-out (dev corpus, mutated copies)"] = scale_out(dev, work, args.scale)

        runs = {}
        for jobs in (1, 2):
            out = work / f"out-j{jobs}"
            runs[jobs] = cli(["run", str(corpus), "--out", str(out), "-j", str(jobs), "--no-report", "--no-cache"])
        rerun = cli(["run", str(corpus), "--out", str(work / "out-j2"), "-j", "2", "--no-report", "--no-cache"])
        same = (work / "out-j1" / "cleaned.jsonl").read_bytes() == (work / "out-j2" / "cleaned.jsonl").read_bytes()
        results["cli"] = {
            "run -j 1 seconds": round(runs[1][0], 3),
            "run -j 2 seconds": round(runs[2][0], 3),
            "speed-up -j 2 / -j 1": round(runs[1][0] / runs[2][0], 3),
            "same output -j 1 and -j 2": same,
            "incremental re-run seconds": round(rerun[0], 3),
            "speed-up re-run / first run (-j 2)": round(runs[2][0] / rerun[0], 2),
            "peak RSS per process MB (-j 1)": round(runs[1][1] / 1024, 1),
            "peak RSS per process MB (-j 2)": round(runs[2][1] / 1024, 1),
        }
        # pre-commit latency: `cleanup check` on one seed, cold (empty cache) and warm
        seed = ROOT / "seeds" / "002_d12d6a00d81152c4.txt"
        target = work / "article.txt"
        cold, warm = [], []
        for i in range(args.repeat):
            shutil.copy(seed, target)
            c = work / f"check-cache-{i}"
            cold.append(
                cli(["check", str(target), "--baseline", str(work / "b.json")], {"CLEANUP_CACHE_DIR": str(c)})[0]
            )
            warm.append(
                cli(["check", str(target), "--baseline", str(work / "b.json")], {"CLEANUP_CACHE_DIR": str(c)})[0]
            )
        results["check one article"] = {
            "cold seconds (median)": round(statistics.median(cold), 3),
            "warm seconds (median)": round(statistics.median(warm), 3),
        }
        results["fidelity stage (dev kit bilingual)"] = fidelity_cost(args.repeat, 40 if args.smoke else None)
        results["python api vs cli"] = api_vs_cli(corpus, work, args.repeat)
        results["report of 2,000 articles"] = report_open(work, articles)
        if args.memory_scale:
            mem = {}
            for mb in [float(x) for x in args.memory_scale.split(",")]:
                big = work / f"corpus-{mb}.jsonl"
                generate_corpus(big, int(mb * 1024 * 1024), seed=1)
                wall, rss = cli(
                    [
                        "run",
                        str(big),
                        "--out",
                        str(work / f"mem-{mb}"),
                        "-j",
                        "2",
                        "--no-report",
                        "--no-cache",
                        "--grammar",
                        "none",
                    ]
                )
                mem[f"{mb:g} MB"] = {"seconds": round(wall, 1), "peak RSS per process MB": round(rss / 1024, 1)}
            results["memory scale (-j 2, no grammar)"] = mem
        results["targets"] = targets(results)
        print(format_table(results))
        (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
        print(f"\nwrote {args.out / 'results.json'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def scale_out(dev: list[Article], work: Path, factor: int) -> dict:
    """`-j 1`, `-j 2` and Dask (a LocalCluster of 2 workers) on `factor` mutated copies of the
    real articles, no cache; peak RSS per process at 1x and at `factor`x."""
    small = work / "dev-x1.jsonl"
    big = work / f"dev-x{factor}.jsonl"
    mutated_corpus(dev, small, 1)
    size = mutated_corpus(dev, big, factor)
    common = ["--no-report", "--no-cache"]
    one = cli(["run", str(big), "--out", str(work / "scale-j1"), "-j", "1", *common])
    two = cli(["run", str(big), "--out", str(work / "scale-j2"), "-j", "2", *common])
    dask = cli(["run", str(big), "--out", str(work / "scale-dask"), "-j", "2", "--executor", "dask", *common])
    base = cli(["run", str(small), "--out", str(work / "scale-x1"), "-j", "2", *common])
    same = (work / "scale-j1" / "cleaned.jsonl").read_bytes() == (work / "scale-dask" / "cleaned.jsonl").read_bytes()
    return {
        "corpus KB": round(size / 1024, 1),
        "copies": factor,
        "-j 1 seconds": round(one[0], 3),
        "-j 2 seconds": round(two[0], 3),
        "dask (2 workers) seconds": round(dask[0], 3),
        "speed-up -j 2 / -j 1": round(one[0] / two[0], 3),
        "dask / -j 2 throughput": round(two[0] / dask[0], 3),
        "same output -j 1 and dask": same,
        "peak RSS per process MB, 1x (-j 2)": round(base[1] / 1024, 1),
        f"peak RSS per process MB, {factor}x (-j 2)": round(two[1] / 1024, 1),
        f"peak RSS per process MB, {factor}x (-j 1)": round(one[1] / 1024, 1),
    }


def targets(results: dict) -> dict:
    """Every target of the speed work, measured in this run: (value, target, met)."""
    out: dict = {}

    def put(name: str, value, goal: str, met: bool) -> None:
        out[name] = {"value": value, "target": goal, "met": met}

    put(
        "pipeline / Harper alone, generated corpus",
        results["ratio pipeline/harper-alone throughput"],
        ">= 1.8",
        results["ratio pipeline/harper-alone throughput"] >= 1.8,
    )
    if "throughput (dev corpus)" in results:
        r = results["dev corpus: ratio pipeline/harper-alone throughput"]
        put("pipeline / Harper alone, dev corpus", r, ">= 1.8", r >= 1.8)
        mbs = round(results["throughput (dev corpus)"]["pipeline (no grammar)"]["kb_per_s"] / 1024, 3)
        put("--grammar none MB/s per core, dev corpus", mbs, ">= 3", mbs >= 3)
        sc = results["scale-out (dev corpus, mutated copies)"]
        peaks = [v for k, v in sc.items() if k.startswith("peak RSS")]
        put("peak RSS per worker MB, real text, 1x to 8x", peaks, "<= 300, flat", max(peaks) <= 300)
        put("-j 2 / -j 1", sc["speed-up -j 2 / -j 1"], ">= 1.8", sc["speed-up -j 2 / -j 1"] >= 1.8)
        put("dask (2 workers) / -j 2", sc["dask / -j 2 throughput"], ">= 0.9", sc["dask / -j 2 throughput"] >= 0.9)
    warm = results["check one article"]["warm seconds (median)"]
    put("cleanup check one article, warm, seconds", warm, "<= 0.3", warm <= 0.3)
    return out


def report_open(work: Path, articles: list[Article]) -> dict:
    """How long the HTML report of 2,000 articles takes to open in headless Chromium (Debian's
    chromium through Playwright, as the report's tests use), and to show the last article."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        chromium = None
    if chromium is None:
        return {"skipped": "needs chromium and playwright (pip install '.[test]')"}
    src = work / "report-2000.jsonl"
    with open(src, "w", encoding="utf-8") as fh:
        for i in range(2000):
            fh.write(json.dumps({"id": f"a{i:04d}", "text": articles[i % len(articles)].text}) + "\n")
    out = work / "report-2000"
    cli(["run", str(src), "--out", str(out), "--grammar", "none", "--no-cache"])
    applied = apply_cost(out, work)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        t = time.perf_counter()
        page.goto((out / "report.html").as_uri())
        page.wait_for_selector("#index tbody tr >> nth=1999", state="attached")
        opened = time.perf_counter() - t
        t = time.perf_counter()
        page.locator("#index tbody tr").nth(1999).click()
        page.wait_for_function("document.querySelector('#a-title').textContent === 'a1999'")
        shown = time.perf_counter() - t
        browser.close()
    return {
        "open seconds": round(opened, 3),
        "open the last article seconds": round(shown, 3),
        "report MB": round((out / "report.html").stat().st_size / 1e6, 1),
        **applied,
    }


def apply_cost(out: Path, work: Path) -> dict:
    """`cleanup apply` on the 2,000 records: every edit of every other article rejected and
    every finding dismissed (far more decisions than an editor makes), wall time of the CLI;
    and what the report's decision data (record hash, headline) adds to its size."""
    from cleanup.decisions import record_hash
    from cleanup.report.html import headline

    records, added = [], 0
    for i, line in enumerate((out / "cleaned.jsonl").read_text(encoding="utf-8").splitlines()):
        rec = json.loads(line)
        added += len(json.dumps({"hash": record_hash(rec), "headline": headline(rec["text"])}, ensure_ascii=False))
        edits = (
            [{"index": k, "rule": e["rule"], "decision": "reject"} for k, e in enumerate(rec["edits"])] if i % 2 else []
        )
        findings = [{"index": k, "rule": f["rule"], "decision": "dismiss"} for k, f in enumerate(rec["findings"])]
        records.append({"id": rec["id"], "hash": record_hash(rec), "edits": edits, "findings": findings})
    decisions = work / "decisions-2000.json"
    decisions.write_text(json.dumps({"format": "cleanup-decisions", "version": 1, "records": records}))
    n = sum(len(r["edits"]) + len(r["findings"]) for r in records)
    wall, _ = cli(["apply", str(out / "cleaned.jsonl"), str(decisions), "--out", str(work / "decided"), "--no-report"])
    return {
        "apply seconds (2,000 records)": round(wall, 3),
        "decisions applied": n,
        "report bytes added per article by decisions": round(added / max(1, len(records))),
    }


def format_table(results: dict) -> str:
    c = results["corpus"]
    lines = [
        f"corpus: {c['articles']} articles, {c['kb']} KB ({c['path']}); {results['machine']['cpus']} CPUs, Python {results['machine']['python']}",
        "",
    ]
    lines.append(f"{'in process, one core':<28} {'seconds':>9} {'KB/s':>9} {'articles/s':>11}")
    for name, r in results["throughput"].items():
        lines.append(f"{name:<28} {r['seconds']:>9.3f} {r['kb_per_s']:>9.1f} {r['articles_per_s']:>11.1f}")
    lines.append(f"{'pipeline / harper alone':<28} {results['ratio pipeline/harper-alone throughput']:>9.3f}")
    lines.append(
        f"{'  paired, every 50 articles':<28} {results['ratio pipeline/harper-alone throughput, paired']:>9.3f}"
    )
    lines.append("")
    if "throughput (dev corpus)" in results:
        c = results["dev corpus"]
        lines.append(f"dev corpus: {c['articles']} articles, {c['kb']} KB ({c['path']})")
        for name, r in results["throughput (dev corpus)"].items():
            lines.append(f"{name:<28} {r['seconds']:>9.3f} {r['kb_per_s']:>9.1f}")
        lines.append(
            f"{'pipeline / harper alone':<28} {results['dev corpus: ratio pipeline/harper-alone throughput']:>9.3f}"
        )
        lines.append("")
    for section in (
        "harper lint costs (dev corpus)",
        "scale-out (dev corpus, mutated copies)",
        "fidelity stage (dev kit bilingual)",
        "cli",
        "python api vs cli",
        "check one article",
        "report of 2,000 articles",
        "memory scale (-j 2, no grammar)",
    ):
        if section in results:
            lines.append(section)
            for k, v in results[section].items():
                if k != "all per-lint costs":
                    lines.append(f"  {k:<40} {v}")
    lines.append("targets")
    for k, v in results.get("targets", {}).items():
        lines.append(f"  {'met ' if v['met'] else 'NOT '} {k:<48} {v['value']} (target {v['target']})")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
