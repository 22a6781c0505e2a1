"""Hostile input never crashes a batch; nothing is lost; no network unless asked."""

from __future__ import annotations

import codecs
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from cleanup.cli import main

from conftest import ROOT, SEEDS, read_jsonl
from invariants import assert_audit_trail, assert_contract

GOOD = "The president arrived in the capital on Monday for talks with the government about the budget.\n"


def build_hostile_folder(folder: Path) -> dict[str, int]:
    """Every kind of broken input; returns the expected number of records per source file."""
    folder.mkdir()
    files = {
        "good.txt": GOOD.encode(),
        "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        "cp1252.txt": b"The caf\xe9 owner said \x93we will reopen\x94 after the storm passed on Monday.",
        "bom8.txt": codecs.BOM_UTF8 + GOOD.encode(),
        "utf16.txt": GOOD.encode("utf-16"),
        "empty.txt": b"",
        "blank.md": b"  \n\t\n   \n",
        "huge.txt": (GOOD * 3000).encode(),
        "controls.txt": (
            "Officials\x07 said\x1b[31m the \x00" * 0
            + "Officials\x07 said\x1b[0m the talks\u200b went on.\r\nMixed\rendings\n"
        ).encode(),
        "mixed-scripts.md": "The talks in Москва ended. 東京 and 🇰🇵 followed, e\u0301 and ﬁ.\n".encode(),
        "nested/deep/article.txt": GOOD.encode(),
    }
    for name, data in files.items():
        p = folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    jsonl_lines = [
        json.dumps({"id": "j1", "text": GOOD}),
        "{not json",
        json.dumps({"id": "j3", "title": "no text"}),
        json.dumps({"id": "j4", "text": 42}),
        json.dumps({"id": "j1", "text": "duplicate id " + GOOD}),
        json.dumps(["a", "list"]),
        "",
        json.dumps({"id": "j8", "text": "Trade with Chinawhich grew.", "extra": {"k": [1, 2]}}),
    ]
    (folder / "feed.jsonl").write_text("\n".join(jsonl_lines) + "\n")
    expected = {name: 1 for name in files}
    expected["feed.jsonl"] = 7  # the blank line is not an article
    return expected


def test_hostile_folder(tmp_path):
    expected = build_hostile_folder(tmp_path / "in")
    out = tmp_path / "out"
    r = CliRunner().invoke(
        main, ["run", str(tmp_path / "in"), "--out", str(out), "--grammar", "none", "-j", "1", "--max-bytes", "100000"]
    )
    assert r.exit_code == 1, r.output  # findings and errors, not a traceback
    assert "Traceback" not in r.output
    records = read_jsonl(out / "cleaned.jsonl")
    per_source: dict[str, int] = {}
    for rec in records:
        name = Path(rec["source"]).relative_to(tmp_path / "in").as_posix()
        per_source[name] = per_source.get(name, 0) + 1
    assert per_source == expected
    by_id = {r["id"]: r for r in records if not (r["id"] == "j1" and "error" in r)}
    errors = {r["id"]: r["error"] for r in records if "error" in r}
    assert "binary" in errors["binary"] and "binary.txt" in errors["binary"]
    assert "over the limit" in errors["huge"]
    feed = str(tmp_path / "in" / "feed.jsonl")
    assert (
        errors["feed:2"]
        == f"{feed}:2: malformed JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"
    )
    assert errors["j3"] == f"{feed}:3: no `text` field"
    assert errors["j4"] == f"{feed}:4: `text` must be a string, got int"
    assert [r["error"] for r in records if r["id"] == "j1" and "error" in r] == [
        f"{feed}:5: duplicate id 'j1' (first in {feed}:1)"
    ]
    assert "expected a JSON object" in errors["feed:6"]
    # good articles are cleaned normally
    assert by_id["good"]["verdict"] == "clean" and by_id["good"]["text"] == GOOD
    assert by_id["bom8"]["text"] == GOOD and by_id["utf16"]["text"] == GOOD
    assert by_id["nested/deep/article"]["verdict"] == "clean"
    assert "China which" in by_id["j8"]["text"] and by_id["j8"]["extra"] == {"k": [1, 2]}
    cp = by_id["cp1252"]
    assert "café" in cp["text"] and "“we will reopen”" in cp["text"]
    assert any(f["rule"] == "decoding" and "cp1252" in f["message"] for f in cp["findings"])
    for name in ("empty", "blank"):
        assert by_id[name]["verdict"] == "reject"
        assert any(f["rule"] == "empty-article" for f in by_id[name]["findings"])
    assert "\r" not in by_id["controls"]["text"] and "\x07" not in by_id["controls"]["text"]
    for rec in records:
        if "error" not in rec:
            assert_contract(rec)
            assert_audit_trail(rec)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["errors"] == sum(1 for r in records if "error" in r) == 7


def test_large_article_is_processed_in_bounded_time_and_memory(tmp_path):
    import tracemalloc

    from cleanup.model import Article
    from cleanup.options import Options
    from cleanup.pipeline import Pipeline

    texts = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    big = (texts * (5_000_000 // len(texts) + 1))[:5_000_000]
    p = Pipeline(Options(grammar="none"))
    tracemalloc.start()
    rec = p.clean(Article(id="big", source="big", text=big)).to_dict()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(rec["original"]) == 5_000_000
    assert peak < 400 * 1024 * 1024, peak  # a few copies of the text, not a quadratic blow-up
    assert_audit_trail(rec)


def test_outputs_are_atomic_kill_and_resume(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    with open(corpus, "w") as fh:
        for i in range(400):
            fh.write(json.dumps({"id": f"a{i:03d}", "text": f"Article {i}. " + texts[i % 5]}) + "\n")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "cleanup", "run", "--grammar", "none", "-j", "1", "--no-report", "--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # a previous, complete run's output that the interrupted run must not damage
    subprocess.run(cmd + [str(SEEDS)], env=env, capture_output=True, check=False)
    previous = (out / "cleaned.jsonl").read_bytes()
    proc = subprocess.Popen(
        cmd + ["--no-incremental", str(corpus)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    partial = out / "cleaned.jsonl.partial"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if partial.exists() and partial.read_bytes().count(b"\n") >= 40:
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert (out / "cleaned.jsonl").read_bytes() == previous  # intact, not truncated
    done_before = partial.read_bytes().count(b"\n")
    assert 40 <= done_before < 400
    resumed = subprocess.run(cmd + ["--resume", str(corpus)], env=env, capture_output=True, text=True)
    assert resumed.returncode == 1, resumed.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["reused"] >= done_before - 1  # finished articles were not redone
    reference = tmp_path / "ref"
    subprocess.run([*cmd[:-1], str(reference), str(corpus)], env=env, capture_output=True)
    assert (out / "cleaned.jsonl").read_bytes() == (reference / "cleaned.jsonl").read_bytes()
    assert not partial.exists()


def test_default_pipeline_uses_no_network(tmp_path, monkeypatch):
    attempts = []
    real_connect = socket.socket.connect

    def guarded_connect(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in ("::1", "localhost") or self.family == socket.AF_UNIX
        ):
            attempts.append(address)
            raise OSError(f"network blocked by the test: {address}")
        return real_connect(self, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if host not in ("localhost", "127.0.0.1", "::1", None):
            attempts.append(host)
            raise socket.gaierror(f"name resolution blocked by the test: {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    real_getaddrinfo = socket.getaddrinfo
    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    r = CliRunner().invoke(
        main, ["run", str(SEEDS), "--out", str(tmp_path / "o"), "-j", "1", "--cache-dir", str(tmp_path / "c")]
    )
    assert r.exit_code == 1, r.output
    assert len(read_jsonl(tmp_path / "o" / "cleaned.jsonl")) == 5
    assert attempts == []
