"""The shape of the code: one protocol per extension point, strict rule decoding, no import
circles, heavy libraries loaded lazily, one resume mechanism whatever the executor."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanup.cli import main
from cleanup.model import Article, Finding, Severity
from cleanup.options import Options
from cleanup.pipeline import Pipeline
from cleanup.rules import RuleError, load_rules

from conftest import ROOT, SEEDS, read_jsonl

PACKAGE = ROOT / "cleanup"


def rule_file(folder: Path, body: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "mine.yaml").write_text(textwrap.dedent(body))
    return folder


# ------------------------------------------------------------------ strict rule decoding


@pytest.mark.parametrize(
    "typo,right",
    [("ignore_cse: false", "ignore_case"), ("replacment: X", "replacement"), ("word_boundry: false", "word_boundary")],
)
def test_a_typo_in_a_builtin_kind_key_is_an_error_naming_file_rule_and_key(tmp_path, typo, right):
    d = rule_file(
        tmp_path / "r",
        f"""
        rules:
          - id: typo-rule
            name: Typo
            category: test
            severity: info
            fix: none
            kind: phrase
            phrases: [gonna]
            {typo}
            message: m
        """,
    )
    with pytest.raises(RuleError) as exc:
        load_rules([d])
    text = str(exc.value)
    key = typo.split(":")[0]
    assert "mine.yaml" in text and "typo-rule" in text and f"`{key}`" in text and f"`{right}`" in text


def test_a_typo_in_a_detector_parameter_is_an_error(tmp_path):
    d = rule_file(
        tmp_path / "r",
        """
        rules:
          - id: det
            name: n
            category: c
            severity: info
            fix: none
            kind: detector
            detector: foreign_script
            params: {min_leters: 3}
            message: m
        """,
    )
    with pytest.raises(RuleError, match=r"mine\.yaml.*det.*params\.min_leters.*min_letters"):
        load_rules([d])


def test_a_wrongly_typed_value_is_an_error(tmp_path):
    d = rule_file(
        tmp_path / "r",
        """
        rules:
          - {id: t, name: n, category: c, severity: info, fix: none, kind: phrase, phrases: [a], ignore_case: "yes", message: m}
        """,
    )
    with pytest.raises(RuleError, match=r"ignore_case.*true/false"):
        load_rules([d])


def test_rules_command_documents_the_detector_and_the_fix_safety():
    r = CliRunner().invoke(main, ["rules", "refusal-leak"])
    assert r.exit_code == 0
    assert "Fix safety:" in r.output and "How it works (detector" in r.output and "Parameters:" in r.output
    r = CliRunner().invoke(main, ["rules", "doubled-word"])
    assert "unsafe" in r.output.split("Fix safety:")[1].splitlines()[0]


# ------------------------------------------------------------------ grammar settings and backends


def test_a_user_grammar_yaml_is_honoured(tmp_path):
    text = "She bought an banana at the market on Monday."
    base = Pipeline(Options(grammar="harper", use_cache=False)).clean(Article(id="a", source="a", text=text))
    rules = {f.rule for f in base.findings}
    assert "harper:AnA" in rules, rules
    d = tmp_path / "r"
    d.mkdir()
    (d / "grammar.yaml").write_text("grammar:\n  harper_disabled: [AnA]\n")
    mine = Pipeline(Options(grammar="harper", use_cache=False, rule_dirs=[str(d)])).clean(
        Article(id="a", source="a", text=text)
    )
    assert "harper:AnA" not in {f.rule for f in mine.findings}
    (d / "grammar.yaml").write_text("grammar:\n  harper_disabld: [AnA]\n")
    with pytest.raises(Exception, match=r"grammar\.yaml.*harper_disabld.*harper_disabled"):
        Pipeline(Options(grammar="harper", rule_dirs=[str(d)])).resources.validate()


def test_a_new_grammar_backend_is_one_registry_entry_with_its_own_cache_key(monkeypatch, tmp_path):
    from cleanup.grammar import GRAMMAR_BACKENDS, BackendSpec
    from cleanup.model import Hit

    class Shouting:
        name = "shouting"

        def check(self, text):
            return [
                Hit(m.start(), m.end(), None, "shouting", [], "Caps", "Style")
                for m in __import__("re").finditer(r"\b[A-Z]{5,}\b", text)
            ]

        def close(self):
            pass

    spec = BackendSpec("shouting", "test", lambda c, url: Shouting(), lambda c, url: "shouting 1")
    monkeypatch.setitem(GRAMMAR_BACKENDS._entries, "shouting", spec)
    resources = Pipeline(Options(grammar="none")).resources
    keys = {GRAMMAR_BACKENDS.get(n).cache_key(resources.grammar_config, resources.options) for n in GRAMMAR_BACKENDS}
    assert len(keys) == len(GRAMMAR_BACKENDS.names())  # no backend is served another's results
    p = Pipeline(Options(grammar="shouting", cache_dir=str(tmp_path)))
    rec = p.clean(Article(id="a", source="a", text="The officials were ANGRY about it."))
    assert [(f.rule, f.match) for f in rec.findings] == [("shouting:Caps", "ANGRY")]
    assert p.resources.grammar_key == "shouting 1"


def test_an_unknown_grammar_backend_is_a_usage_error():
    with pytest.raises(Exception, match="unknown grammar backend 'harpr'.*harper"):
        Pipeline(Options(grammar="harpr")).resources.validate()
    r = CliRunner().invoke(main, ["run", str(SEEDS), "--grammar", "harpr"])
    assert r.exit_code == 2


# ------------------------------------------------------------------ stages


def test_a_new_stage_is_one_class_and_one_line(monkeypatch):
    import cleanup.stages as stages

    class Exclaim:
        """A stage that flags every exclamation mark."""

        name = "exclaim"

        def __init__(self, resources):
            self.resources = resources

        def run(self, doc):
            for i, ch in enumerate(doc.text):
                if ch == "!":
                    doc.add_finding(
                        Finding(self.name, "exclamation", Severity.INFO, i, i + 1, "!", "an exclamation mark")
                    )

    monkeypatch.setattr(stages, "STAGES", stages.STAGES + (Exclaim,))
    rec = Pipeline(Options(grammar="none")).clean(Article(id="a", source="a", text="The talks went on. Wow!"))
    assert [(f.stage, f.match) for f in rec.findings] == [("exclaim", "!")]
    for stage in stages.STAGES:
        assert isinstance(stage.name, str) and callable(stage.run)


def test_a_fix_loop_that_never_settles_says_so(tmp_path):
    d = rule_file(
        tmp_path / "r",
        """
        rules:
          - id: grows
            name: Grows
            category: test
            severity: info
            fix: safe
            kind: substitution
            map: {ab: ab ab}
            message: grows
            examples: {flag: [ab], pass: [x], fix: [{from: ab, to: ab ab}]}
        """,
    )
    rec = Pipeline(Options(grammar="none", rule_dirs=[str(d)], select=["grows"])).clean(
        Article(id="a", source="a", text="Start ab end.")
    )
    assert any(f.rule == "not-converged" and f.severity == "info" for f in rec.findings), rec.findings


# ------------------------------------------------------------------ imports


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def top_level_imports(path: Path) -> set[str]:
    """Modules of `cleanup` imported when `path` is imported (not inside functions, not under
    TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def visit(nodes):
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("cleanup"))
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cleanup"):
                found.add(node.module)
                found.update(f"{node.module}.{a.name}" for a in node.names)
            elif isinstance(node, (ast.If, ast.Try)):
                visit(node.body)
                visit(getattr(node, "orelse", []))
                for h in getattr(node, "handlers", []):
                    visit(h.body)

    visit(tree.body)
    return found


def test_no_import_circles():
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {name: {m for m in top_level_imports(path) if m in modules and m != name} for name, path in modules.items()}
    # importing a submodule imports its package first: that edge is not a circle
    for name in graph:
        graph[name] = {m for m in graph[name] if not name.startswith(m + ".")}
    state: dict[str, int] = {}

    def visit(node, trail):
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                raise AssertionError("import circle: " + " -> ".join(trail[trail.index(nxt) :] + [nxt]))
            if nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])


def test_help_and_the_hook_start_without_heavy_libraries():
    code = (
        "import sys, cleanup.commands, cleanup.pipeline, cleanup.executors\n"
        "heavy = [m for m in ('harper', 'ftfy', 'langdetect', 'wordfreq', 'language_tool_python', 'dask', 'yaml') if m in sys.modules]\n"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stdout


def test_python_requires_matches_the_syntax_and_stdlib_the_package_uses():
    import configparser

    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    requires = cfg["options"]["python_requires"].strip()
    assert requires.startswith(">=")
    minimum = tuple(int(x) for x in requires[2:].split("."))
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source, filename=str(path), feature_version=minimum[:2])  # syntax of the oldest Python
        if minimum >= (3, 11):
            continue
        for node in ast.walk(tree):
            # the 3.11 standard library the package must not use unguarded
            if isinstance(node, ast.Attribute) and node.attr == "StrEnum":
                raise AssertionError(f"{path}: enum.StrEnum needs Python 3.11")
            if isinstance(node, ast.ImportFrom) and any(a.name == "StrEnum" for a in node.names):
                raise AssertionError(f"{path}: enum.StrEnum needs Python 3.11")
        for parent in ast.walk(tree):
            for node in ast.iter_child_nodes(parent):
                if isinstance(node, ast.Import) and any(a.name == "tomllib" for a in node.names):
                    guarded = isinstance(parent, ast.If) and "version_info" in ast.unparse(parent.test)
                    assert guarded, f"{path}: `import tomllib` needs Python 3.11 (guard it, use tomli below)"


# ------------------------------------------------------------------ one resume mechanism


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    path = folder / "corpus.jsonl"
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    german = (
        "Die Regierung hat beschlossen, das Treffen auf die nächste Woche zu verschieben, wie die Minister mitteilten."
    )
    with open(path, "w") as fh:
        for i in range(24):
            text = german if i % 6 == 5 else f"Dispatch {i}.\n\n" + texts[i % 5]
            fh.write(json.dumps({"id": f"a{i:03d}", "text": text}) + "\n")
    return path


def run(*args: str) -> None:
    r = CliRunner().invoke(main, ["run", *args, "--grammar", "none", "--no-report"], catch_exceptions=False)
    assert r.exit_code in (0, 1), r.output


def test_a_stale_state_beside_newer_records_is_never_used(corpus, tmp_path):
    out = tmp_path / "out"
    run(str(corpus), "--out", str(out), "-j", "1")
    state = (out / ".state.jsonl").read_bytes()
    run(str(corpus), "--out", str(out), "-j", "1", "--target-lang", "de")
    # a crash between the two renames of a commit: new records beside the old state
    (out / ".state.jsonl").write_bytes(state)
    run(str(corpus), "--out", str(out), "-j", "1")
    fresh = tmp_path / "fresh"
    run(str(corpus), "--out", str(fresh), "-j", "1")
    assert (out / "cleaned.jsonl").read_bytes() == (fresh / "cleaned.jsonl").read_bytes()
    assert json.loads((out / "summary.json").read_text())["reused"] == 0


@pytest.mark.slow
def test_executors_and_configurations_alternate_in_one_output_folder(corpus, tmp_path):
    pytest.importorskip("dask.distributed")
    out = tmp_path / "shared"
    fresh = {}
    for lang in ("en", "de"):
        fresh[lang] = tmp_path / f"fresh-{lang}"
        run(str(corpus), "--out", str(fresh[lang]), "-j", "1", "--target-lang", lang)
    sequence = [("local", "en"), ("dask", "de"), ("local", "en"), ("dask", "en"), ("local", "de"), ("local", "en")]
    for executor, lang in sequence:
        run(
            str(corpus),
            "--out",
            str(out),
            "--executor",
            executor,
            "-j",
            "2",
            "--target-lang",
            lang,
            "--shard-mb",
            "0.01",
        )
        got = read_jsonl(out / "cleaned.jsonl")
        want = read_jsonl(fresh[lang] / "cleaned.jsonl")
        assert got == want, f"{executor} {lang}: records differ from a fresh run"
        r = CliRunner().invoke(main, ["verify", str(out / "cleaned.jsonl")])
        assert r.exit_code == 0, r.output
    # the last local `en` run found every record of the earlier `en` runs reusable
    assert json.loads((out / "summary.json").read_text())["reused"] == 24
