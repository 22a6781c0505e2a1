"""The editors' report in a real headless Chromium (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanup.cli import main

from conftest import ROOT, SEEDS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (.ci/run installs Debian's chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def run_to(out: Path, inputs: list[str]) -> Path:
    r = CliRunner().invoke(main, ["run", *inputs, "--out", str(out), "--grammar", "none", "-j", "1"])
    assert r.exit_code in (0, 1), r.output
    return out / "report.html"


def open_page(browser, path: Path):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:", "about:")) else None)
    page.goto(path.as_uri())
    return page, errors, requests


@pytest.mark.slow
def test_seed_report_lists_articles_and_marks_the_insertion(browser, tmp_path):
    report = run_to(tmp_path / "out", [str(SEEDS)])
    page, errors, requests = open_page(browser, report)
    assert page.locator("#index tbody tr").count() == 5
    assert page.locator("#index .badge.review").count() >= 4
    page.locator("#index tbody tr", has_text="002_d12d6a00d81152c4").click()
    ins = page.locator("#a-text ins.change", has_text="Russia where")
    assert ins.count() == 1
    assert "fused-word" in ins.get_attribute("title")
    assert page.locator("#a-text del.change", has_text="Russiawhere").count() == 1
    assert page.locator("#a-text mark.finding", has_text="-east").count() == 1
    # keyboard: n goes to the first change or finding and shows what it is
    page.keyboard.press("n")
    assert page.locator(".focus").count() == 1 and page.locator("#detail").is_visible()
    # filters: by verdict and by rule
    page.select_option("#f-rule", "fused-word")
    assert page.locator("#index tbody tr").count() == 1
    page.select_option("#f-rule", "")
    page.locator("th[data-sort=edits]").click()
    assert page.locator("#chart .bar").count() > 3
    (ROOT / "out").mkdir(exist_ok=True)
    page.screenshot(path=str(ROOT / "out" / "report-seeds.png"), full_page=False)
    # the refusals: content missing marked in place
    page.locator("#index tbody tr", has_text="001_deedc7ba026f4e2c").click()
    assert page.locator("#a-text .missing").count() == 2
    assert errors == [] and requests == []


@pytest.mark.slow
def test_hostile_article_is_shown_as_text_and_never_runs(browser, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    evil = (
        'Breaking: <script>window.__pwned = 1</script> and "><img src=x onerror="window.__pwned=2"> </script><!-- end'
    )
    (folder / "evil.jsonl").write_text(
        json.dumps({"id": "</script><script>window.__pwned=3</script>", "text": evil + " to to go."}) + "\n"
    )
    report = run_to(tmp_path / "out", [str(folder)])
    page, errors, requests = open_page(browser, report)
    page.locator("#index tbody tr").first.click()
    assert page.evaluate("window.__pwned === undefined")
    assert page.locator("#a-text img").count() == 0 and page.locator("#a-text script").count() == 0
    assert "<script>window.__pwned = 1</script>" in page.locator("#a-text").inner_text()
    assert "</script><script>window.__pwned=3</script>" in page.locator("#a-title").inner_text()
    assert errors == [] and requests == []


@pytest.mark.slow
def test_report_of_2000_articles_lists_all_and_renders_lazily(browser, tmp_path):
    # how fast it opens is the benchmark's to measure (bench/bench.py: "report of 2,000 articles")
    src = tmp_path / "big.jsonl"
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    with open(src, "w") as fh:
        for i in range(2000):
            fh.write(json.dumps({"id": f"a{i:04d}", "text": texts[i % 5]}) + "\n")
    r = CliRunner().invoke(main, ["run", str(src), "--out", str(tmp_path / "out"), "--grammar", "none", "--no-report"])
    assert r.exit_code == 1, r.output
    r = CliRunner().invoke(main, ["report", str(tmp_path / "out" / "cleaned.jsonl")])
    assert r.exit_code == 0
    page, errors, _ = open_page(browser, tmp_path / "out" / "report.html")
    assert page.locator("#index tbody tr").count() == 2000
    assert page.locator("#a-text *").count() == 0  # nothing rendered until an article is opened
    page.locator("#index tbody tr").nth(1999).click()
    assert page.locator("#a-title").inner_text() == "a1999"
    assert errors == []


def test_markdown_report_and_terminal_diff(tmp_path):
    run_to(tmp_path / "out", [str(SEEDS)])
    r = CliRunner().invoke(main, ["report", "--format", "md", str(tmp_path / "out" / "cleaned.jsonl")])
    assert r.exit_code == 0
    assert "**review**: 4" in r.output and "| artifacts | fused-word | edit | 1 |" in r.output
    r = CliRunner().invoke(main, ["diff", "--grammar", "none", str(SEEDS / "002_d12d6a00d81152c4.txt")])
    assert r.exit_code == 1
    assert "[-Russiawhere-]{+Russia where+}⟨fused-word⟩" in r.output
    assert "dangling-fragment: '-east'" in r.output


@pytest.mark.slow
def test_source_beside_translation_with_findings_on_both_sides(browser, tmp_path):
    record = {
        "id": "bi",
        "text": "The town has 15,000 inhabitants.\nThe mayor opened the new bridge on Monday.",
        "source_text": "Die Stadt zählt 1.500 Einwohner.\nDer Bürgermeister eröffnete am Montag die neue Brücke.",
        "source_lang": "de",
    }
    (tmp_path / "bi.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    page, errors, requests = open_page(browser, run_to(tmp_path / "out", [str(tmp_path / "bi.jsonl")]))
    page.locator("#index tbody tr").first.click()
    rows = page.locator("#a-bilingual tbody tr")
    assert page.locator("#a-bilingual").is_visible() and rows.count() == 2
    assert "source (de)" in page.locator("#a-source-lang").inner_text()
    first = rows.nth(0)
    assert first.locator("td").nth(0).locator("mark.finding.warning").inner_text() == "1.500"
    assert first.locator("td").nth(1).locator("mark.finding.warning").inner_text() == "15,000"
    assert "flagged" in (first.get_attribute("class") or "") and "flagged" not in (
        rows.nth(1).get_attribute("class") or ""
    )
    first.locator("td").nth(0).locator("mark").click()
    assert "number-mismatch" in page.locator("#detail").inner_text() and "1.500" in page.locator("#detail").inner_text()
    assert errors == [] and requests == []


@pytest.mark.slow
def test_editor_round_trip_decide_in_the_report_then_apply(browser, tmp_path, monkeypatch):
    """Reject the `Russiawhere` split, apply the doubled-reporting-verb suggestion, dismiss a
    finding, export decisions.json, `cleanup apply` it: the text, the `editor` edit, `verify`
    and the verdicts follow the decisions."""
    out = tmp_path / "out"
    report = run_to(out, [str(SEEDS)])
    records = {r["id"]: r for r in map(json.loads, (out / "cleaned.jsonl").read_text(encoding="utf-8").splitlines())}
    fused = next(r for r in records.values() if any(e["rule"] == "fused-word" for e in r["edits"]))
    attributed = next(r for r in records.values() if any(f["rule"] == "doubled-reporting-verb" for f in r["findings"]))
    page, errors, _ = open_page(browser, report)
    page.fill("#editor", "Anna")
    open_before = int(page.locator(f"#index tbody tr:has-text('{fused['id']}') td.open").inner_text())
    assert open_before >= 1
    # 1. the fused-word split: select it, `r` rejects it
    page.locator(f"#index tbody tr:has-text('{fused['id']}')").click()
    page.locator("#a-text ins.change", has_text="Russia where").first.click()
    assert "fused-word" in page.locator("#detail").inner_text()
    page.keyboard.press("r")
    assert page.locator("#a-text ins.change.rejected", has_text="Russia where").count() == 1
    # 2. dismiss its dangling-fragment finding with the button
    page.locator("#a-findings li", has_text="dangling-fragment").click()
    page.locator("#detail button", has_text="dismiss (r)").click()
    assert "dismiss" in page.locator("#a-findings li", has_text="dangling-fragment").inner_text()
    open_after = int(page.locator(f"#index tbody tr:has-text('{fused['id']}') td.open").inner_text())
    assert open_after == open_before - 1
    # 3. the attribution: apply its first suggestion with `a`
    page.locator(f"#index tbody tr:has-text('{attributed['id']}')").click()
    page.locator("#a-findings li", has_text="doubled-reporting-verb").click()
    page.keyboard.press("a")
    assert "apply" in page.locator("#a-findings li", has_text="doubled-reporting-verb").inner_text()
    assert "3 decision(s) made" in page.locator("#decided").inner_text()
    # the decisions survive a reload (kept in the browser under the report's hash)
    page.reload()
    assert "3 decision(s) made" in page.locator("#decided").inner_text()
    with page.expect_download() as download:
        page.locator("#export").click()
    decisions = tmp_path / "decisions.json"
    download.value.save_as(decisions)
    assert errors == []
    exported = json.loads(decisions.read_text(encoding="utf-8"))
    assert exported["format"] == "cleanup-decisions" and len(exported["records"]) == 2
    assert all(d["by"] == "Anna" for r in exported["records"] for d in r["edits"] + r["findings"])

    monkeypatch.chdir(SEEDS.parent)
    r = CliRunner().invoke(
        main, ["apply", str(out / "cleaned.jsonl"), str(decisions), "--out", str(tmp_path / "decided")]
    )
    assert r.exit_code == 0, r.output
    assert CliRunner().invoke(main, ["verify", str(tmp_path / "decided" / "cleaned.jsonl")]).exit_code == 0
    after = {r["id"]: r for r in map(json.loads, (tmp_path / "decided" / "cleaned.jsonl").read_text().splitlines())}
    a = after[fused["id"]]
    assert "Russiawhere" in a["text"] and all(e["rule"] != "fused-word" for e in a["edits"])
    assert any(f["rule"] == "dangling-fragment" and f.get("dismissed") for f in a["findings"])
    b = after[attributed["id"]]
    editor = [e for e in b["edits"] if e["stage"] == "editor"]
    assert [e["rule"] for e in editor] == ["doubled-reporting-verb"] and "by Anna" in editor[0]["message"]
    for rec in (a, b):
        blocking = [f for f in rec["findings"] if f["severity"] != "info" and not f.get("dismissed")]
        assert rec["verdict"] == ("review" if blocking else "clean")
    assert b["verdict"] == "clean" and a["verdict"] == "clean"
    # the other articles are untouched
    for rid in set(records) - {fused["id"], attributed["id"]}:
        assert after[rid] == records[rid]


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def tracked_texts(docx_path: Path) -> dict[str, tuple[str, str]]:
    """Per article heading: (text with every change accepted, text with every change rejected),
    read from the document's own OOXML."""
    import zipfile
    from xml.etree import ElementTree

    body = ElementTree.fromstring(zipfile.ZipFile(docx_path).read("word/document.xml")).find(f"{W}body")
    articles: dict[str, tuple[list, list]] = {}
    current = None
    for p in body.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        if style is not None and style.get(f"{W}val", "").lower().startswith("heading"):
            current = articles[text] = ([], [])
            continue
        if current is None:
            continue
        accepted, rejected = [], []
        for el in p.iter():
            if el.tag == f"{W}t":
                inside_ins = any(a.tag == f"{W}ins" for a in ancestors(p, el))
                accepted.append(el.text or "")
                if not inside_ins:
                    rejected.append(el.text or "")
            elif el.tag == f"{W}delText":
                rejected.append(el.text or "")
        mark = p.find(f"{W}pPr/{W}rPr")
        kind = (
            None
            if mark is None
            else ("del" if mark.find(f"{W}del") is not None else "ins" if mark.find(f"{W}ins") is not None else None)
        )
        current[0].append(("".join(accepted), kind != "del"))
        current[1].append(("".join(rejected), kind != "ins"))

    def join(paragraphs):
        out = []
        for i, (text, breaks) in enumerate(paragraphs):
            out.append(text)
            if breaks and i + 1 < len(paragraphs):
                out.append("\n")
        return "".join(out)

    return {k: (join(a), join(r)) for k, (a, r) in articles.items()}


def ancestors(root, el):
    parents = {c: p for p in root.iter() for c in p}
    while el in parents:
        el = parents[el]
        yield el


@pytest.mark.slow
def test_word_report_tracks_every_edit_and_libreoffice_reads_it(tmp_path):
    """`report --format docx`: Accept All gives the cleaned text, Reject All the original,
    in the document as LibreOffice (headless, Debian's) reads and saves it again; each edit
    carries one comment naming its rule."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    pytest.importorskip("docx")
    import subprocess
    import zipfile

    out = tmp_path / "out"
    run_to(out, [str(SEEDS)])
    records = [json.loads(line) for line in (out / "cleaned.jsonl").read_text(encoding="utf-8").splitlines()]
    r = CliRunner().invoke(main, ["report", str(out / "cleaned.jsonl"), "--format", "docx"])
    assert r.exit_code == 0, r.output
    edits = sum(len(rec["edits"]) for rec in records)
    assert f"{edits} tracked change(s)" in r.output
    written = out / "report.docx"
    lo = tmp_path / "lo"
    profile = (tmp_path / "profile").as_uri()
    proc = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(lo),
            str(written),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0 and (lo / "report.docx").is_file(), proc.stderr
    for path in (written, lo / "report.docx"):
        texts = tracked_texts(path)
        for rec in records:
            accepted, rejected = texts[rec["id"]]
            assert accepted == rec["text"], (path, rec["id"])
            assert rejected == rec["original"], (path, rec["id"])
        comments = zipfile.ZipFile(path).read("word/comments.xml").decode("utf-8")
        assert comments.count("<w:comment ") == edits, path
        assert "fused-word" in comments and 'w:author="cleanup"' in comments
