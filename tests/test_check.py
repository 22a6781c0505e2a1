"""`cleanup check`: positions on disk, --fix byte for byte, --diff, baseline, formats."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from cleanup.cli import main

from conftest import SEEDS


def check(*args, cwd=None):
    r = CliRunner().invoke(main, ["check", "--grammar", "none", *args], catch_exceptions=False)
    return r.exit_code, r.output


def test_findings_at_line_and_column_on_disk(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("First line here.\r\nThe train is approaching Russiawhere he waits.\r\n", encoding="utf-8")
    code, out = check(str(f), "--baseline", str(tmp_path / "b.json"))
    assert code == 1
    assert f"{f}:2:26: fused-word [*]" in out


def test_fix_preserves_line_endings_bom_and_final_newline(tmp_path):
    f = tmp_path / "a.txt"
    original = "\ufeffFirst line here.\r\nHe tried to to supply arms.\r\n".encode("utf-8")
    f.write_bytes(original)
    code, out = check("--fix", str(f), "--baseline", str(tmp_path / "b.json"))
    assert code == 1 and "fixed 1 file" in out
    assert f.read_bytes() == "\ufeffFirst line here.\r\nHe tried to supply arms.\r\n".encode("utf-8")
    code, out = check(str(f), "--baseline", str(tmp_path / "b.json"))
    assert code == 0, out  # nothing left


def test_diff_shows_and_writes_nothing(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("He tried to to supply arms.\n")
    before = f.read_bytes()
    code, out = check("--diff", str(f), "--baseline", str(tmp_path / "b.json"))
    assert code == 1
    assert "-He tried to to supply arms." in out and "+He tried to supply arms." in out
    assert f.read_bytes() == before


def test_fix_on_jsonl_changes_only_text_fields(tmp_path):
    f = tmp_path / "feed.jsonl"
    lines = [
        '{"id": "a",  "score": 1.50, "text": "He tried to to supply arms \\u2013 and failed.", "tags": ["x", "y"]}\r\n',
        '{"id":"b","text":"Nothing to fix in this sentence about the talks.","meta":{"k":  2}}\r\n',
        '{"text": "Trade with Chinawhich grew.", "id": "c"}',
    ]
    f.write_bytes("".join(lines).encode("utf-8"))
    code, out = check("--fix", str(f), "--baseline", str(tmp_path / "b.json"))
    assert code == 1
    new = f.read_bytes().decode("utf-8").split("\r\n")
    assert (
        new[0]
        == '{"id": "a",  "score": 1.50, "text": "He tried to supply arms \\u2013 and failed.", "tags": ["x", "y"]}'
    )
    assert new[1] == lines[1].rstrip("\r\n")
    assert new[2] == '{"text": "Trade with China which grew.", "id": "c"}'


def test_jsonl_positions_point_into_the_raw_line(tmp_path):
    f = tmp_path / "feed.jsonl"
    raw = '{"id": "a", "text": "\\u201cQuote\\u201d. Trade with Chinawhich grew."}\n'
    f.write_text(raw)
    code, out = check(str(f), "--baseline", str(tmp_path / "b.json"))
    line = next(x for x in out.splitlines() if "fused-word" in x)
    col = int(line.split(":")[2])
    assert raw[col - 1 :].startswith("Chinawhich")


def test_min_severity_formats_and_statistics(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("By John\n\nThe talks went on for several hours in the capital on Monday.\n")
    code, out = check(str(f), "--baseline", str(tmp_path / "b.json"))
    assert code == 0  # the byline is info only
    code, out = check(str(f), "--min-severity", "info", "--baseline", str(tmp_path / "b.json"))
    assert code == 1 and "byline-single-name" in out
    code, out = check(str(f), "--min-severity", "info", "--format", "github", "--baseline", str(tmp_path / "b.json"))
    assert out.startswith(f"::notice file={f},line=1,col=1,title=cleanup byline-single-name::")
    code, out = check(str(f), "--min-severity", "info", "--format", "json", "--baseline", str(tmp_path / "b.json"))
    assert json.loads(out)[0]["rule"] == "byline-single-name"
    code, out = check(str(f), "--min-severity", "info", "--statistics", "--baseline", str(tmp_path / "b.json"))
    assert out.split() == ["1", "byline-single-name"]


def test_baseline_accepts_survives_edits_elsewhere_and_reports_stale(tmp_path):
    f = tmp_path / "a.txt"
    shutil.copy(SEEDS / "002_d12d6a00d81152c4.txt", f)
    base = tmp_path / ".cleanup-baseline.json"
    code, _ = check("--fix", str(f), "--baseline", str(base))
    assert code == 1
    code, out = check(str(f), "--baseline", str(base))
    assert code == 1 and "dangling-fragment" in out  # unsafe and unfixable findings remain
    code, out = check("--accept", str(f), "--baseline", str(base))
    assert code == 0 and "accepted" in out
    entries = json.loads(base.read_text())["entries"]
    rules = {e["rule"] for e in entries}
    assert "dangling-fragment" in rules
    assert "name-consistency" not in rules  # info: below --min-severity, nothing to accept
    code, out = check(str(f), "--baseline", str(base))
    assert code == 0, out
    # an edit elsewhere in the file does not revive accepted findings
    f.write_text("A new first paragraph about the talks.\n\n" + f.read_text())
    code, out = check(str(f), "--baseline", str(base))
    assert code == 0, out
    # fixing the accepted text by hand leaves a stale entry, reported
    f.write_text(f.read_text().replace("yesterday. -east,", "yesterday north-east,"))
    r = CliRunner().invoke(main, ["check", "--grammar", "none", str(f), "--baseline", str(base)])
    assert "baseline entry no longer matches: dangling-fragment" in r.stderr


def test_markdown_inline_ignore(tmp_path):
    f = tmp_path / "a.md"
    f.write_text(
        "# Title\n\n<!-- cleanup: ignore dangling-fragment -->\nHe left yesterday. -east, towards the border.\n\nShe left today. -west, towards the sea.\n"
    )
    code, out = check(str(f), "--baseline", str(tmp_path / "b.json"))
    assert ":4:" not in out and ":6:" in out


def test_unreadable_file_is_an_error_and_others_are_checked(tmp_path):
    good = tmp_path / "a.txt"
    good.write_text("He tried to to supply arms.\n")
    bad = tmp_path / "b.txt"
    bad.write_bytes(b"\x00\x01binary")
    r = CliRunner().invoke(
        main, ["check", "--grammar", "none", str(bad), str(good), "--baseline", str(tmp_path / "x.json")]
    )
    assert r.exit_code == 2
    assert "b.txt" in r.stderr and "doubled-function-word" in r.stdout
