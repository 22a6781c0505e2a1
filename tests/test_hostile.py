"""No input, fault or second process can crash a batch, hang it, or corrupt its output.

One test per failure a probe of the earlier version found (issue 14): each failed there.
Timeouts on subprocesses are liveness checks (a hang fails the test), not speed claims."""

from __future__ import annotations

import codecs
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanup.cli import main
from cleanup.executors import RunRequest, run_batch
from cleanup.options import Options

from conftest import ROOT, SEEDS, read_jsonl
from invariants import assert_audit_trail

GOOD = "The president arrived in the capital on Monday for talks with the government about the budget.\n"


def cli(*args, input=None):
    r = CliRunner().invoke(main, list(args), input=input)
    return r.exit_code, r.output


def run_cli(*args, timeout=120, env=None):
    """`cleanup ARGS` in a fresh process: (exit code, stdout + stderr)."""
    proc = subprocess.run(
        [sys.executable, "-m", "cleanup", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        check=False,
    )
    return proc.returncode, proc.stdout + proc.stderr


# ------------------------------------------------------------------ one input ends the batch


def test_json_nested_a_thousand_deep_is_one_error_record_everywhere(tmp_path):
    feed = tmp_path / "feed.jsonl"
    deep = "[" * 1000 + "]" * 1000
    feed.write_text(
        json.dumps({"id": "ok", "text": GOOD}) + "\n" + '{"id": "deep", "text": "x", "meta": ' + deep + "}\n"
    )
    code, out = cli("run", str(feed), "--out", str(tmp_path / "o"), "--grammar", "none")
    assert code == 2 - 1, out  # an error record: an editor must look (1), not a crash
    records = {r["id"]: r for r in read_jsonl(tmp_path / "o" / "cleaned.jsonl")}
    assert "nested deeper than 64" in records["feed:2"]["error"] and records["ok"]["verdict"] == "clean"
    code, out = cli("check", str(feed), "--grammar", "none")
    assert code == 1 and "nested deeper than 64" in out
    code, out = cli("report", str(tmp_path / "o" / "cleaned.jsonl"))
    assert code == 0


def test_a_folder_nested_eleven_hundred_levels_deep(tmp_path):
    folder = tmp_path / "in"
    os.mkdir(folder)
    deep = str(folder)
    for _ in range(1100):  # not makedirs: it recurses, and would fail before the tool does
        deep = os.path.join(deep, "a")
        os.mkdir(deep)
    Path(deep, "article.txt").write_text(GOOD)
    try:
        code, out = run_cli("run", str(folder), "--out", str(tmp_path / "o"), "--grammar", "none", "--no-report")
        assert code == 0, out
        (rec,) = read_jsonl(tmp_path / "o" / "cleaned.jsonl")
        assert rec["verdict"] == "clean"
    finally:  # pytest's own clean-up recurses: take the folders down from the bottom
        os.unlink(os.path.join(deep, "article.txt"))
        while deep != str(folder):
            os.rmdir(deep)
            deep = os.path.dirname(deep)


def test_lone_surrogates_and_non_utf8_file_names_give_valid_utf8_output(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "feed.jsonl").write_text(
        '{"id": "s\\ud800", "text": "The talks \\udc00went on and on until the evening."}\n'
    )
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "wb") as fh:  # a name that is not UTF-8
        fh.write(GOOD.encode())
    out = tmp_path / "o"
    code, output = cli("run", str(folder), "--out", str(out), "--grammar", "none")
    assert code in (0, 1), output
    raw = (out / "cleaned.jsonl").read_bytes()
    raw.decode("utf-8")  # valid UTF-8
    records = [json.loads(line) for line in raw.splitlines()]
    assert {r["id"] for r in records} == {"s\ud800", "caf\udce9"}
    for rec in records:
        assert_audit_trail(rec)
    (out / "report.html").read_bytes().decode("utf-8")
    code, output = cli("report", "--format", "md", str(out / "cleaned.jsonl"))
    assert code == 0


def test_an_internal_crash_exits_2_not_1(tmp_path, monkeypatch):
    import cleanup.executors as executors

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(executors, "run_batch", broken)
    code, out = cli("run", str(SEEDS), "--out", str(tmp_path / "o"), "--grammar", "none")
    assert code == 2 and "internal error: RuntimeError: boom" in out


# ------------------------------------------------------------------ inputs that hang a batch


def test_a_five_megabyte_token_does_not_hang(tmp_path):
    article = tmp_path / "token.txt"
    article.write_text("ab" * 2_500_000 + " and Trade with Chinawhich grew.\n")
    code, out = run_cli(
        "run", str(article), "--out", str(tmp_path / "o"), "--grammar", "none", "--no-report", "-j", "1", timeout=120
    )
    assert code in (0, 1), out
    (rec,) = read_jsonl(tmp_path / "o" / "cleaned.jsonl")
    assert "China which" in rec["text"]


def test_a_catastrophic_allow_regex_is_reported_not_hung(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "slow.yaml").write_text(
        "rules:\n  - id: doubled-function-word\n    name: n\n    category: repetition\n    severity: warning\n"
        "    fix: safe\n    kind: repetition\n    tokens: [to]\n    allow: ['to to (?:a|aa)+b']\n    message: m\n"
    )
    article = tmp_path / "a.txt"
    article.write_text("He wanted to to " + "a" * 60 + "!\n")
    code, out = run_cli(
        "run",
        str(article),
        "--out",
        str(tmp_path / "o"),
        "--rules",
        str(rules),
        "--grammar",
        "none",
        "--no-report",
        "-j",
        "1",
        timeout=120,
    )
    (rec,) = read_jsonl(tmp_path / "o" / "cleaned.jsonl")
    assert any("timed out" in f["message"] for f in rec["findings"]), rec["findings"]


def test_a_yaml_alias_bomb_is_refused(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i, name in enumerate("bcdefgh"):
        prev = "abcdefgh"[i]
        bomb += f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
    (rules / "bomb.yaml").write_text(
        bomb
        + "rules:\n  - {id: bomb, name: n, category: c, severity: info, fix: safe, kind: repetition, exclude: *h, message: m,"
        " examples: {flag: [*h]}}\n"
    )
    code, out = run_cli("rules", "bomb", "--rules", str(rules), timeout=60)
    assert code == 2 and "aliases are expanded" in out
    code, out = run_cli("run", str(SEEDS), "--out", str(tmp_path / "o"), "--rules", str(rules), timeout=60)
    assert code == 2 and "aliases are expanded" in out


@pytest.mark.parametrize("stall", ["hang", "trickle"])
def test_a_languagetool_server_that_never_answers_stops_the_run_in_time(tmp_path, stall):
    from lt_server import FakeLanguageTool

    with FakeLanguageTool(stall=stall) as lt:
        started = time.monotonic()
        code, out = run_cli(
            "run",
            str(SEEDS / "002_d12d6a00d81152c4.txt"),
            "--out",
            str(tmp_path / "o"),
            "--grammar",
            "languagetool",
            "--languagetool-url",
            lt.url,
            "--languagetool-timeout",
            "4",
            "--no-cache",
            "-j",
            "1",
            timeout=120,
        )
        elapsed = time.monotonic() - started
    assert code == 2 and "did not answer within 4 s" in out, out
    assert elapsed < 60  # a liveness bound, far above the 4 s asked for


def test_fifos_and_devices_are_refused_never_read(tmp_path):
    fifo = tmp_path / "article.txt"
    os.mkfifo(fifo)
    code, out = run_cli("check", str(fifo), "--grammar", "none", timeout=60)
    assert code == 2 and "not a regular file (a FIFO)" in out
    code, out = run_cli("check", "/dev/zero", "--grammar", "none", timeout=60)
    assert code == 2 and ("not a regular file" in out or "unsupported file type" in out)
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS / "002_d12d6a00d81152c4.txt", folder / "a.txt")
    os.mkfifo(folder / "b.txt")
    code, out = run_cli(
        "run", str(folder), "--out", str(tmp_path / "o"), "--grammar", "none", "--no-report", timeout=60
    )
    records = {r["id"]: r for r in read_jsonl(tmp_path / "o" / "cleaned.jsonl")}
    assert "not a regular file" in records["b"]["error"] and "text" in records["a"]


# ------------------------------------------------------------------ output corrupted


def big_corpus(path: Path, n: int = 300) -> Path:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    with open(path, "w") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"a{i:04d}", "text": f"Dispatch {i}.\n\n" + texts[i % 5]}) + "\n")
    return path


def test_two_runs_into_one_output_folder(tmp_path):
    corpus = big_corpus(tmp_path / "corpus.jsonl")
    out = tmp_path / "o"
    cmd = [sys.executable, "-m", "cleanup", "run", str(corpus), "--out", str(out), "--grammar", "none", "-j", "1"]
    first = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    deadline = time.monotonic() + 60
    while not (out / "cleaned.jsonl.partial").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    second = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    assert second.returncode == 2 and "another cleanup run is writing to this output folder" in second.stderr
    first.wait(timeout=120)
    records = read_jsonl(out / "cleaned.jsonl")
    assert [r["id"] for r in records] == [f"a{i:04d}" for i in range(300)]
    assert b"\x00" not in (out / "cleaned.jsonl").read_bytes()
    assert json.loads((out / "summary.json").read_text())["articles"] == 300


def test_a_full_disk_leaves_the_previous_output_and_says_so(tmp_path, monkeypatch):
    from cleanup.executors import writer

    out = tmp_path / "o"
    request = RunRequest([str(SEEDS)], out, Options(grammar="none", use_cache=False))
    run_batch(request)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith(".lock")}

    def full(self, line, key):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writer.RecordFile, "write", full)
    with pytest.raises(writer.OutputWriteError, match="No space left on device.*previous output is unchanged"):
        run_batch(
            RunRequest([str(SEEDS)], out, Options(grammar="none", use_cache=False, target_lang="de"), incremental=False)
        )
    monkeypatch.undo()
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith(".lock")}
    assert after == before  # no partial left, nothing replaced

    import cleanup.report.html as html

    def report_fails(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(html, "render_report", report_fails)
    with pytest.raises(writer.OutputWriteError):
        run_batch(
            RunRequest([str(SEEDS)], out, Options(grammar="none", use_cache=False, target_lang="de"), incremental=False)
        )
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith(".lock")}
    assert after == before  # the new records did not land beside the old report


def test_check_fix_keeps_every_file_s_own_encoding_and_line_endings(tmp_path):
    latin2 = tmp_path / "latin2.txt"
    latin2.write_bytes("Prezydent przyjechał do Łodzi. He flew to to Paris.\n".encode("iso-8859-2"))
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes(codecs.BOM_UTF16_LE + "He flew to to Paris.\r\nThe end.\r\n".encode("utf-16-le"))
    mixed = tmp_path / "mixed.txt"
    mixed.write_bytes(b"First line.\r\nHe flew to to Paris.\nThird line.\r\nLast.\n")
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(codecs.BOM_UTF8 + b'{"id": "a", "text": "He flew to to Paris."}\n')
    before = latin2.read_bytes()
    code, out = cli(
        "check",
        "--fix",
        str(latin2),
        str(utf16),
        str(mixed),
        str(feed),
        "--grammar",
        "none",
        "--baseline",
        str(tmp_path / "b.json"),
    )
    assert latin2.read_bytes() == before and "is not UTF-8" in out  # never re-encoded
    assert utf16.read_bytes() == codecs.BOM_UTF16_LE + "He flew to Paris.\r\nThe end.\r\n".encode("utf-16-le")
    assert mixed.read_bytes() == b"First line.\r\nHe flew to Paris.\nThird line.\r\nLast.\n"
    assert feed.read_bytes() == codecs.BOM_UTF8 + b'{"id": "a", "text": "He flew to Paris."}\n'
    code, out = cli("check", str(latin2), "--grammar", "none", "--baseline", str(tmp_path / "b.json"))
    assert code == 1 and "decoding" in out  # a plain check says the file is not UTF-8


def test_duplicate_ids_across_files_and_broken_links_are_error_records(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("one.jsonl", "two.jsonl"):
        (folder / name).write_text(json.dumps({"id": "a", "text": GOOD}) + "\n")
    (folder / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    code, out = cli("run", str(folder), "--out", str(tmp_path / "o"), "--grammar", "none")
    records = read_jsonl(tmp_path / "o" / "cleaned.jsonl")
    errors = [r["error"] for r in records if "error" in r]
    assert code == 1
    assert any("duplicate id 'a' (first in" in e for e in errors)
    assert any("a broken symbolic link" in e for e in errors)
    assert sum(1 for r in records if r["id"] == "a" and "text" in r) == 1


# ------------------------------------------------------------------ faults


@pytest.mark.parametrize("fault", ["corrupt", "truncated", "uncreatable"])
def test_a_broken_cache_is_reported_once_and_the_run_goes_on(tmp_path, fault):
    cache = tmp_path / "cache"
    if fault == "corrupt":
        cache.mkdir()
        (cache / "results.sqlite").write_bytes(b"this is not a database" * 100)
    elif fault == "truncated":
        cache.mkdir()
        run_cli(
            "run",
            str(SEEDS),
            "--out",
            str(tmp_path / "warm"),
            env={"CLEANUP_CACHE_DIR": str(cache)},
        )
        db = cache / "results.sqlite"
        for sidecar in cache.glob("results.sqlite-*"):  # the write-ahead log would repair it
            sidecar.unlink()
        db.write_bytes(db.read_bytes()[: db.stat().st_size // 2 + 100])
    else:
        (tmp_path / "file").write_text("x")
        cache = tmp_path / "file" / "cache"
    env = {"CLEANUP_CACHE_DIR": str(cache)}
    # with Harper: its results are what the cache holds (word frequencies come from the word
    # tables, which live beside the cache but are not it)
    code, out = run_cli("run", str(SEEDS), "--out", str(tmp_path / "o"), "-j", "1", env=env)
    assert code == 1, out
    # a fault SQLite cannot read past is reported once; one it repairs (a truncated file) is not
    assert out.count("results cache") == (0 if fault == "truncated" else 1), out
    assert fault == "truncated" or "going on without it" in out
    records = read_jsonl(tmp_path / "o" / "cleaned.jsonl")
    assert len(records) == 5 and all("text" in r for r in records)


def test_a_read_only_cache_is_reported_once_and_the_run_goes_on(tmp_path, monkeypatch, capsys):
    # a container with a read-only $HOME; root ignores file modes, so the database says it
    import sqlite3

    from cleanup.cache import ResultCache

    real_connect = sqlite3.connect

    def read_only(*args, **kwargs):
        db = real_connect(*args, **kwargs)
        db.execute("PRAGMA query_only = ON")
        return db

    monkeypatch.setattr(sqlite3, "connect", read_only)
    cache = ResultCache(tmp_path / "cache")
    summary = run_batch(
        RunRequest([str(SEEDS)], tmp_path / "o", Options(grammar="harper", cache_dir=str(tmp_path / "cache")))
    )
    cache.close()
    err = capsys.readouterr().err
    assert summary.errors == 0 and summary.articles == 5
    assert err.count("results cache") == 1 and "going on without it" in err


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False).stdout
    return [int(x) for x in out.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and ") Z " not in stat.read_text()


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_killing_the_main_process_takes_the_workers_with_it(tmp_path, how):
    corpus = big_corpus(tmp_path / "corpus.jsonl", 2000)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cleanup",
            "run",
            str(corpus),
            "--out",
            str(tmp_path / "o"),
            "--grammar",
            "none",
            "-j",
            "2",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while len(workers) < 2 and time.monotonic() < deadline:
        workers = [c for c in _children(proc.pid) if "python" in Path(f"/proc/{c}/cmdline").read_text(errors="replace")]
        time.sleep(0.1)
    assert len(workers) >= 2
    time.sleep(1)
    proc.send_signal(how)
    proc.wait(timeout=60)
    deadline = time.monotonic() + 20
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers)
    if how == signal.SIGTERM:
        assert proc.returncode == 130 and "interrupted" in proc.stderr.read()
        assert (tmp_path / "o" / "cleaned.jsonl.partial").exists()  # kept for --resume


def _cleaner_that(behaviour: str):
    """A Pipeline.clean that misbehaves on the article with id `victim`."""
    from cleanup.pipeline import Pipeline

    original = Pipeline.clean

    def clean(self, article):
        if article.id == "victim":
            if behaviour == "die":
                os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer does
            if behaviour == "loop":
                while True:
                    pass
            if behaviour == "stuck":  # deaf to the alarm, as code inside a compiled library is
                signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
                time.sleep(3600)
        return original(self, article)

    return clean


@pytest.mark.slow
@pytest.mark.parametrize("behaviour", ["die", "loop", "stuck"])
def test_an_article_that_kills_or_hangs_its_worker_is_one_error_record(tmp_path, monkeypatch, behaviour):
    import multiprocessing

    if multiprocessing.get_start_method(allow_none=False) != "fork":
        pytest.skip("the misbehaving pipeline reaches the workers through fork")
    import cleanup.executors.local as local
    from cleanup.pipeline import Pipeline

    monkeypatch.setattr(Pipeline, "clean", _cleaner_that(behaviour))
    monkeypatch.setattr(local, "GRACE_S", 3.0)
    corpus = tmp_path / "corpus.jsonl"
    with open(corpus, "w") as fh:
        for i in range(20):
            fh.write(json.dumps({"id": "victim" if i == 7 else f"a{i:02d}", "text": GOOD}) + "\n")
    out = tmp_path / "o"
    summary = run_batch(RunRequest([str(corpus)], out, Options(grammar="none", use_cache=False), jobs=2, timeout=2.0))
    records = read_jsonl(out / "cleaned.jsonl")
    assert [r["id"] for r in records] == [("victim" if i == 7 else f"a{i:02d}") for i in range(20)]
    (victim,) = [r for r in records if r["id"] == "victim"]
    expected = {"die": "died", "loop": "gave up after 2 s", "stuck": "did not answer"}[behaviour]
    assert expected in victim["error"], victim
    assert all(r["verdict"] == "clean" for r in records if r["id"] != "victim")
    assert summary.errors == 1


# ------------------------------------------------------------------ security


def test_symlinks_out_of_the_input_folder_are_not_followed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("The password of the newsroom server is hunter2.\n")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "leak.txt").symlink_to(secret)
    (folder / "inside.txt").write_text(GOOD)
    (folder / "alias.txt").symlink_to(folder / "inside.txt")
    code, out = cli("run", str(folder), "--out", str(tmp_path / "o"), "--grammar", "none")
    records = {r["id"]: r for r in read_jsonl(tmp_path / "o" / "cleaned.jsonl")}
    assert "outside the input folder" in records["leak"]["error"] and "text" not in records["leak"]
    assert "hunter2" not in (tmp_path / "o" / "cleaned.jsonl").read_text()
    assert "hunter2" not in (tmp_path / "o" / "report.html").read_text()
    assert records["alias"]["text"] == GOOD  # a link inside the folder is fine
    cli("run", str(folder), "--out", str(tmp_path / "o2"), "--grammar", "none", "--follow-symlinks")
    assert "hunter2" in {r["id"]: r for r in read_jsonl(tmp_path / "o2" / "cleaned.jsonl")}["leak"]["text"]


def test_trojan_source_characters_are_flagged_and_removed_where_safe(tmp_path):
    from cleanup.model import Article
    from cleanup.pipeline import Pipeline

    p = Pipeline(Options(grammar="none", use_cache=False))
    text = "The minister said \u202eyad noM\u202c the vote would go ahead.\nHidden\U000e0041\U000e0042 tags here too.\n"
    rec = p.clean(Article(id="t", source="t", text=text)).to_dict()
    assert "\u202e" not in rec["text"] and "\U000e0041" not in rec["text"]
    assert any(e["rule"] == "hidden-character" for e in rec["edits"])
    rtl = "The sign read \u202bשלום\u202c at the border crossing today.\n"
    rec = p.clean(Article(id="r", source="r", text=rtl)).to_dict()
    assert rec["text"] == rtl and any(
        f["rule"] == "hidden-character" and f["severity"] == "warning" for f in rec["findings"]
    )


def test_the_markdown_report_turns_nothing_into_links_images_or_mentions(tmp_path):
    feed = tmp_path / "feed.jsonl"
    evil = "![x](http://evil.example/pixel.png) [click](http://evil.example) @newsroom-team <b>x</b> :tada: | col"
    feed.write_text(json.dumps({"id": evil, "text": "He flew to to Paris.\nyesterday. -east, on"}) + "\n")
    cli("run", str(feed), "--out", str(tmp_path / "o"), "--grammar", "none", "--no-report")
    code, md = cli("report", "--format", "md", str(tmp_path / "o" / "cleaned.jsonl"))
    assert code == 0
    for live in ("![", "](", "@newsroom", "<b>", ":tada:", "| col"):
        assert live not in md, live
