"""Never pass silently: selectors, configuration, inputs and formats are checked, and a gate
that checked nothing says so."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanup.cli import main

from conftest import ROOT, SEEDS, read_jsonl

SEED = SEEDS / "002_d12d6a00d81152c4.txt"


def cli(*args, input=None, env=None):
    r = CliRunner().invoke(main, list(args), input=input, env=env, catch_exceptions=False)
    return r.exit_code, r.output


# ------------------------------------------------------------------ selectors


@pytest.mark.parametrize(
    "args,expected",
    [
        (["--select", "no-such-rule"], "no rule or category `no-such-rule`"),
        (["--ignore", "fused-wrod"], "did you mean `fused-word`"),
        (["--select", "d"], "no rule or category `d`"),
        (["--ignore", "harper:SpellChek"], "did you mean `SpellCheck`"),
        (["--select", "lint:Foo"], "no grammar backend `lint`"),
    ],
)
def test_a_selector_that_names_nothing_is_a_usage_error(tmp_path, args, expected):
    code, out = cli("run", str(SEEDS), "--out", str(tmp_path / "o"), "--grammar", "none", *args)
    assert code == 2 and expected in out, out


def test_selectors_take_ids_categories_prefixes_and_grammar_rules(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("He flew to to Paris with an plan.\nTrade with Chinawhich grew.\nBy John\n")
    runs = {
        "prefix": ["--select", "doubled-*"],
        "category": ["--select", "spacing"],
        "grammar only": ["--select", "grammar"],
        "no harper AnA": ["--ignore", "harper:AnA"],
    }
    got = {}
    for name, args in runs.items():
        out = tmp_path / name.replace(" ", "-")
        code, output = cli("run", str(article), "--out", str(out), "--no-report", "--no-cache", *args)
        assert code in (0, 1), output
        (rec,) = read_jsonl(out / "cleaned.jsonl")
        got[name] = {x["rule"] for x in rec["edits"] + rec["findings"] if x["stage"] in ("artifacts", "grammar")}
    assert got["prefix"] == {"doubled-function-word"}
    assert got["category"] == {"fused-word"}
    assert got["grammar only"] and all(r.startswith("harper:") for r in got["grammar only"])
    assert "harper:AnA" in got["grammar only"] and "harper:AnA" not in got["no harper AnA"]


# ------------------------------------------------------------------ inputs


def test_an_empty_folder_is_not_a_clean_run(tmp_path):
    (tmp_path / "empty").mkdir()
    code, out = cli("run", str(tmp_path / "empty"), "--out", str(tmp_path / "o"), "--grammar", "none")
    assert code == 2 and "no articles were found" in out
    code, out = cli("run", str(tmp_path / "empty"), "--out", str(tmp_path / "o2"), "--grammar", "none", "--allow-empty")
    assert code == 1 and "no articles were found" in out


def test_unsupported_files_are_error_records_never_linted(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "page.html").write_text("<p>He flew to to Paris.</p>")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4 binary")
    (folder / ".hidden.txt").write_text("not an article")
    shutil.copy(SEED, folder / "article.txt")
    code, out = cli("run", str(folder), "--out", str(tmp_path / "o"), "--grammar", "none", "--no-report")
    assert code == 2 and "2 file(s) of an unsupported type" in out
    records = {r["id"]: r for r in read_jsonl(tmp_path / "o" / "cleaned.jsonl")}
    assert set(records) == {"article", "page", "scan"}
    assert "HTML is not read as an article" in records["page"]["error"]
    assert "unsupported file type `.pdf`" in records["scan"]["error"]
    code, out = cli("check", str(folder / "page.html"), "--grammar", "none")
    assert code == 2 and "unsupported file type" in out


def test_check_reads_stdin_and_prints_the_fixed_text(tmp_path):
    code, out = cli("check", "-", "--grammar", "none", input="Trade with Chinawhich grew.\n")
    assert code == 1 and "-:1:12: fused-word [*] `Chinawhich`" in out
    code, out = cli("check", "--fix", "-", "--grammar", "none", input="Trade with Chinawhich grew.\n")
    assert "Trade with China which grew.\n" in out


# ------------------------------------------------------------------ configuration


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_configuration_is_found_above_the_inputs_and_keys_are_option_names(tmp_path, monkeypatch):
    project = tmp_path / "newsroom"
    write(
        project / "pyproject.toml",
        '[tool.cleanup]\ngrammar = "none"\nout = "cleaned"\nno-report = true\nselect = ["fused-word"]\n[tool.cleanup.severity]\n"fused-word" = "error"\n',
    )
    article = write(project / "desk" / "today" / "a.txt", "Trade with Chinawhich grew. He flew to to Paris.\n")
    monkeypatch.chdir(tmp_path)  # not the project: the file is found from the input
    code, out = cli("run", str(article.parent), "--no-fix")
    assert code == 1, out
    (rec,) = read_jsonl(project / "cleaned" / "cleaned.jsonl")
    assert [(f["rule"], f["severity"]) for f in rec["findings"]] == [("fused-word", "error")]
    assert not (project / "cleaned" / "report.html").exists()
    code, out = cli("config", str(article.parent))
    assert f'grammar = "none"  # {project / "pyproject.toml"}' in out and "no-fix" in out
    code, out = cli(
        "run", str(article.parent), "--isolated", "--out", str(tmp_path / "iso"), "--grammar", "none", "--no-report"
    )
    (rec,) = read_jsonl(tmp_path / "iso" / "cleaned.jsonl")
    assert {e["rule"] for e in rec["edits"]} == {"fused-word", "doubled-function-word"}


def test_an_unknown_or_mistyped_key_is_an_error_with_the_closest_key(tmp_path):
    config = write(tmp_path / "cleanup.toml", 'grammer = "none"\n')
    code, out = cli("run", str(SEEDS), "--config", str(config), "--out", str(tmp_path / "o"))
    assert code == 2 and "unknown key `grammer`" in out and "`grammar`" in out
    write(config, 'max-bytes = "lots"\n')
    code, out = cli("run", str(SEEDS), "--config", str(config), "--out", str(tmp_path / "o"))
    assert code == 2 and "max-bytes" in out
    write(config, '[severity]\n"fused-word" = "fatal"\n')
    code, out = cli("run", str(SEEDS), "--config", str(config), "--out", str(tmp_path / "o"))
    assert code == 2 and "severity" in out


def test_grammar_rules_switched_and_raised_per_project(tmp_path):
    article = write(tmp_path / "p" / "a.txt", "She bought an banana at the market on Monday.\n")
    write(tmp_path / "p" / "cleanup.toml", '[severity]\n"harper:AnA" = "warning"\n')
    code, out = cli("check", str(article), "--no-cache")
    assert code == 1 and "harper:AnA" in out
    write(tmp_path / "p" / "cleanup.toml", 'ignore = ["harper:AnA"]\n')
    code, out = cli("check", str(article), "--no-cache", "--min-severity", "info")
    assert "harper:AnA" not in out


def test_no_color_is_honoured(tmp_path):
    code, out = cli("diff", str(SEED), "--grammar", "none", "--color", env={"NO_COLOR": "1"})
    assert "\x1b[" in out  # an explicit --color wins
    r = subprocess.run(
        [sys.executable, "-m", "cleanup", "diff", str(SEED), "--grammar", "none"],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "NO_COLOR": "1"},
        check=False,
    )
    assert "\x1b[" not in r.stdout


# ------------------------------------------------------------------ formats


MARKDOWN = """# Talks in Paris

He flew to to Paris, see [the the report](https://example.org/Berlinof) and `the the` in code.

```
the the{TRAILING}
Russiawhere
```

    indented the the code

Trade with Chinawhich grew.
""".replace("{TRAILING}", "   ")


def test_markdown_code_urls_and_link_targets_are_never_edited_or_flagged(tmp_path):
    f = write(tmp_path / "a.md", MARKDOWN)
    code, out = cli("check", "--fix", str(f), "--grammar", "none")
    fixed = f.read_text()
    assert "He flew to Paris" in fixed and "Trade with China which grew." in fixed
    assert "`the the` in code" in fixed and "```\nthe the   \nRussiawhere\n```" in fixed
    assert "    indented the the code" in fixed and "(https://example.org/Berlinof)" in fixed
    code, out = cli("check", str(f), "--grammar", "none", "--min-severity", "info")
    assert "Russiawhere" not in out and "Berlinof" not in out


def test_diff_of_a_cleaned_jsonl_shows_the_recorded_changes(tmp_path):
    out = tmp_path / "o"
    cli("run", str(SEEDS), "--out", str(out), "--grammar", "none", "--no-report")
    code, text = cli("diff", str(out / "cleaned.jsonl"), "--id", "002_d12d6a00d81152c4", "--no-color")
    assert code == 1 and "[-Russiawhere-]{+Russia where+}" in text and "nThe" not in text
    code, text = cli("diff", str(out / "cleaned.jsonl"), "--id", "nope")
    assert code == 2


# ------------------------------------------------------------------ pre-commit details


def test_the_fix_hook_reports_positions_in_the_file_it_wrote(tmp_path):
    f = write(
        tmp_path / "a.txt", "Trade with Chinawhich grew. He flew to to Paris.\nyesterday. -east, towards the border.\n"
    )
    code, out = cli("check", "--fix", str(f), "--grammar", "none", "--baseline", str(tmp_path / "b.json"))
    assert code == 1 and f"{f}: fixed fused-word `Chinawhich`" in out
    line = next(x for x in out.splitlines() if "dangling-fragment" in x)
    _, ln, col = line.split(":")[:3]
    assert f.read_text().splitlines()[int(ln) - 1][int(col) - 1 :].startswith("-east")


def test_inline_ignores_for_txt_and_jsonl(tmp_path):
    txt = write(tmp_path / "a.txt", "yesterday. -east, towards the border.\ncleanup: ignore dangling-fragment\n")
    code, out = cli("check", str(txt), "--grammar", "none", "--baseline", str(tmp_path / "b.json"))
    assert code == 0, out
    jsonl = write(
        tmp_path / "a.jsonl",
        json.dumps(
            {"id": "a", "text": "yesterday. -east, towards the border.", "cleanup_ignore": ["dangling-fragment"]}
        )
        + "\n",
    )
    code, out = cli("check", str(jsonl), "--grammar", "none", "--baseline", str(tmp_path / "b.json"))
    assert code == 0, out


# ------------------------------------------------------------------ packaging


@pytest.mark.slow
def test_the_wheel_ships_its_rules_as_package_data_beside_a_package_named_rules(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("newsroom_cleanup-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert not any(n.startswith("rules/") for n in names), "the wheel must not install a top-level `rules`"
    assert "cleanup/rules_data/10-leaks.yaml" in names and "cleanup/py.typed" in names
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    # an unrelated package named `rules`, as `pip install rules` puts one in site-packages
    write(target / "rules" / "__init__.py", "")
    write(target / "rules" / "10-leaks.yaml", "rules: []\n")
    env = {**__import__("os").environ, "PYTHONPATH": str(target)}
    r = subprocess.run(
        [sys.executable, "-m", "cleanup", "rules"], capture_output=True, text=True, env=env, cwd=tmp_path, check=False
    )
    assert r.returncode == 0 and "fused-word" in r.stdout, r.stdout + r.stderr
    r = subprocess.run(
        [sys.executable, "-c", "import cleanup, cleanup.rules as r; print(cleanup.__file__, r.builtin_rules_dir())"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert str(target) in r.stdout and "rules_data" in r.stdout, r.stdout + r.stderr
    out = tmp_path / "o"
    r = subprocess.run(
        [sys.executable, "-m", "cleanup", "run", str(SEEDS), "--out", str(out), "--grammar", "none"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert r.returncode == 1, r.stderr
    assert any(e["rule"] == "fused-word" for rec in read_jsonl(out / "cleaned.jsonl") for e in rec["edits"])


def test_verify_and_report_of_an_empty_output_say_so(tmp_path):
    empty = write(tmp_path / "cleaned.jsonl", "")
    code, out = cli("verify", str(empty))
    assert code == 1 and "no cleaned records" in out
    r = CliRunner().invoke(main, ["report", str(empty)])
    assert "holds no records" in r.stderr
