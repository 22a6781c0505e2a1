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
