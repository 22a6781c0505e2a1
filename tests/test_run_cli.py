"""`cleanup run` and `cleanup verify` end to end, as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanup.cli import main

from conftest import ROOT, SEEDS, read_jsonl
from invariants import assert_all_invariants

SEED_IDS = sorted(p.stem for p in SEEDS.glob("*.txt"))


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    code, output = run_cli("run", str(SEEDS), "--out", str(out), "-j", "1", "--grammar", "none", "--no-report")
    return code, output, out


def test_run_on_seeds_writes_five_contract_records(seeds_out, pipeline_none):
    code, output, out = seeds_out
    assert code == 1, output  # the seeds need review
    records = read_jsonl(out / "cleaned.jsonl")
    assert [r["id"] for r in records] == SEED_IDS
    for r in records:
        assert r["source"].endswith(r["id"] + ".txt")
        assert r["original"] == (SEEDS / (r["id"] + ".txt")).read_text(encoding="utf-8")
        assert_all_invariants(pipeline_none, r)


def test_summary_json_and_table(seeds_out):
    code, output, out = seeds_out
    summary = json.loads((out / "summary.json").read_text())
    assert summary["articles"] == 5 and summary["errors"] == 0
    assert sum(summary["verdicts"].values()) == 5
    assert summary["edits"]["artifacts/fused-word"] == 1
    assert "verdict review" in output and "artifacts/fused-word" in output


def test_verify_passes_on_output_and_names_first_bad_record(seeds_out, tmp_path):
    _code, _output, out = seeds_out
    code, output = run_cli("verify", str(out / "cleaned.jsonl"))
    assert code == 0 and "5 records verified" in output
    records = read_jsonl(out / "cleaned.jsonl")
    records[2]["text"] = records[2]["text"].replace("Russia where", "Russia  where")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join(json.dumps(r) + "\n" for r in records))
    code, output = run_cli("verify", str(bad))
    assert code == 1
    assert f"bad.jsonl:3 (id '{records[2]['id']}')" in output


def test_verify_catches_a_finding_that_points_elsewhere(seeds_out, tmp_path):
    _code, _output, out = seeds_out
    records = read_jsonl(out / "cleaned.jsonl")
    rec = next(r for r in records if r["findings"] and r["findings"][0]["end"] > r["findings"][0]["start"])
    rec["findings"][0]["start"] += 1
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join(json.dumps(r) + "\n" for r in records))
    code, output = run_cli("verify", str(bad))
    assert code == 1 and "match" in output


def test_jsonl_input_carries_other_fields_and_stdin(tmp_path, pipeline_none):
    src = tmp_path / "feed.jsonl"
    rows = [
        {
            "id": "a1",
            "text": "Trade with Chinawhich grew fast in the last decade, officials said on Monday.",
            "title": "T",
            "feed": "wire",
            "n": 3,
        },
        {"id": "a2", "text": "The president arrived in the capital on Monday for talks with the government."},
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out"
    code, output = run_cli("run", str(src), "--out", str(out), "--grammar", "none", "-j", "1", "--no-report")
    records = read_jsonl(out / "cleaned.jsonl")
    assert [r["id"] for r in records] == ["a1", "a2"]
    assert records[0]["feed"] == "wire" and records[0]["n"] == 3 and records[0]["title"] == "T"
    assert records[0]["line"] == 1 and records[1]["line"] == 2
    assert "China which" in records[0]["text"]
    for r in records:
        assert_all_invariants(pipeline_none, r)
    # the same file on stdin
    out2 = tmp_path / "out2"
    result = CliRunner().invoke(
        main, ["run", "-", "--out", str(out2), "--grammar", "none", "-j", "1", "--no-report"], input=src.read_text()
    )
    assert result.exit_code in (0, 1), result.output
    assert [r["text"] for r in read_jsonl(out2 / "cleaned.jsonl")] == [r["text"] for r in records]


def test_exit_codes(tmp_path):
    clean = tmp_path / "in" / "clean.txt"
    clean.parent.mkdir()
    clean.write_text("The president arrived in the capital on Monday for talks with the government.\n")
    code, output = run_cli(
        "run", str(clean.parent), "--out", str(tmp_path / "o"), "--grammar", "none", "-j", "1", "--no-report"
    )
    assert code == 0, output
    code, output = run_cli("run", str(tmp_path / "missing"), "--out", str(tmp_path / "o"), "--grammar", "none")
    assert code == 2 and "no such file" in output


def test_unreadable_article_becomes_error_record_and_batch_goes_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("The president arrived in the capital on Monday for talks.\n")
    (folder / "b.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "c.txt").write_text("Officials said the talks would go on for several more days.\n")
    out = tmp_path / "out"
    code, output = run_cli("run", str(folder), "--out", str(out), "--grammar", "none", "-j", "1", "--no-report")
    assert code == 1
    records = read_jsonl(out / "cleaned.jsonl")
    assert [r["id"] for r in records] == ["a", "b", "c"]
    assert "b.txt" in records[1]["error"] and "binary" in records[1]["error"]
    assert json.loads((out / "summary.json").read_text())["errors"] == 1


@pytest.mark.slow
def test_console_script_and_module_entry_point(tmp_path):
    exe = Path(sys.executable).with_name("cleanup")
    for cmd in ([str(exe)], [sys.executable, "-m", "cleanup"]):
        out = tmp_path / cmd[-1].replace("/", "_")
        proc = subprocess.run(
            cmd + ["run", str(SEEDS), "--out", str(out), "--grammar", "none", "--no-report"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert proc.returncode == 1, proc.stderr
        assert len(read_jsonl(out / "cleaned.jsonl")) == 5
        proc = subprocess.run(cmd + ["verify", str(out / "cleaned.jsonl")], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_config_file_sets_defaults(tmp_path, monkeypatch):
    (tmp_path / "cleanup.toml").write_text('grammar = "none"\nno-report = true\njobs = 1\n')
    art = tmp_path / "a.txt"
    art.write_text("Officials said the talks would go on for several more days in the capital.\n")
    monkeypatch.chdir(tmp_path)
    code, output = run_cli("run", str(art), "--out", str(tmp_path / "o"))
    assert code == 0, output
    assert not (tmp_path / "o" / "report.html").exists()
    assert json.loads((tmp_path / "o" / "summary.json").read_text())["grammar"]["calls"] == 0
