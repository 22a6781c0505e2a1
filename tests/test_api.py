"""The Python API and corpus-scale I/O, with the real libraries (datasets, datatrove, pyarrow,
pandas, dask): the README's examples run as written, results equal the CLI's records, and a
Cleaner survives pickling and threads."""

from __future__ import annotations

import gzip
import json
import pickle
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

import cleanup
from cleanup.cli import main

from conftest import ROOT, SEEDS, read_jsonl, validate_record

README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_python_blocks() -> list[str]:
    section = README.split("## Use it from Python", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.DOTALL)


@pytest.mark.slow
def test_the_readme_examples_run_as_written(tmp_path, monkeypatch):
    blocks = readme_python_blocks()
    assert len(blocks) >= 6
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)


def test_the_public_names():
    assert set(cleanup.__all__) >= {"clean", "Cleaner", "Result", "schema", "features", "hf_map"}
    assert (Path(cleanup.__file__).parent / "py.typed").is_file()
    with pytest.raises(TypeError, match="did you mean `grammar`"):
        cleanup.Cleaner(gramar="none")
    with pytest.raises(ValueError, match="contradict"):
        cleanup.Cleaner(unsafe_fixes=True, no_fix=True)


def test_a_result_is_typed_and_its_dict_is_the_cli_record(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text((SEEDS / "002_d12d6a00d81152c4.txt").read_text(encoding="utf-8"))
    CliRunner().invoke(main, ["run", str(article), "--out", str(tmp_path / "o"), "--grammar", "none", "--no-report"])
    (cli_record,) = read_jsonl(tmp_path / "o" / "cleaned.jsonl")
    with cleanup.Cleaner(grammar="none") as cleaner:
        result = cleaner.clean({"id": "a", "text": article.read_text(encoding="utf-8")})
    assert isinstance(result, cleanup.Result) and result.source == "<python>"
    assert isinstance(result.edits[0], cleanup.Edit) and isinstance(result.findings[0], cleanup.Finding)
    assert result.verdict == cleanup.Verdict.REVIEW
    assert {**result.to_dict(), "source": cli_record["source"]} == cli_record
    validate_record(result.to_dict())


def test_a_cleaner_pickles_and_loads_its_pipeline_in_the_new_process():
    cleaner = cleanup.Cleaner(grammar="none", select=["fused-word"])
    assert cleaner.clean("Trade with Chinawhich grew.").text == "Trade with China which grew."
    copy = pickle.loads(pickle.dumps(cleaner))
    assert copy._pipeline is None  # nothing loaded travels
    assert copy.clean("He flew to to Paris.").text == "He flew to to Paris."  # only fused-word selected
    cleaner.close()


def test_one_cleaner_shared_by_forty_threads(tmp_path):
    texts = [f"Report {i}: trade with Chinawhich grew, and she bought an banana." for i in range(40)]
    errors: list = []
    results: dict = {}
    with cleanup.Cleaner(grammar="harper", cache_dir=str(tmp_path / "cache")) as cleaner:

        def work(i):
            try:
                results[i] = cleaner.clean(texts[i])
            except Exception as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(40)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    assert all(not r.is_error for r in results.values()), [r.error for r in results.values() if r.is_error]
    assert all("China which" in r.text for r in results.values())
    assert all(any(f.rule == "harper:AnA" for f in r.findings) for r in results.values())


def test_clean_records_keeps_input_order_with_worker_processes():
    records = [{"id": f"r{i}", "text": f"Item {i}: he flew to to Paris."} for i in range(30)]
    with cleanup.Cleaner(grammar="none") as cleaner:
        out = list(cleaner.clean_records(records, jobs=2))
    assert [r.id for r in out] == [f"r{i}" for i in range(30)]
    assert all(r.text.endswith("he flew to Paris.") for r in out)


def test_records_the_cli_would_refuse_are_error_results_and_the_stream_goes_on():
    records = [
        {"id": "a", "text": "He flew to to Paris."},
        {"id": "b", "text": 7},
        {"id": "a", "text": "A second article with the same id."},
        {"id": "c", "text": "x", "format": "html"},
        {"text": "No id: the position is the id.", "source": "wire"},
    ]
    with cleanup.Cleaner(grammar="none") as cleaner:
        out = list(cleaner.clean_records(records))
    assert [r.is_error for r in out] == [False, True, True, True, False]
    assert "`text` must be a string" in out[1].error and "duplicate id 'a'" in out[2].error
    assert "`format` must be" in out[3].error
    assert out[4].id == "4" and out[4].to_dict()["extra"] == {"source": "wire"}


def test_the_shipped_schema_is_the_generated_one_and_the_cli_prints_it():
    shipped = json.loads((Path(cleanup.__file__).parent / "record.schema.json").read_text(encoding="utf-8"))
    assert shipped == cleanup.schema(), "regenerate it: cleanup schema > cleanup/record.schema.json"
    r = CliRunner().invoke(main, ["schema"])
    assert r.exit_code == 0 and json.loads(r.output) == cleanup.schema()


def test_features_and_hf_map_need_no_hand_written_schema():
    from datasets import Dataset

    # the first batch has no edits, no findings and no error: types must still be right
    texts = ["A clean sentence about the budget talks."] * 5 + [
        "He flew to to Paris.",
        "¡",
        "Trade with Chinawhich grew.",
    ]
    ds = Dataset.from_dict({"id": [str(i) for i in range(len(texts))], "text": texts})
    out = ds.map(cleanup.hf_map(grammar="none"), batched=True, batch_size=5)
    assert out.features["edits"] == cleanup.features()["edits"]
    assert out[5]["text"] == "He flew to Paris." and out[5]["edits"][0]["rule"] == "doubled-function-word"
    assert out[7]["text"] == "Trade with China which grew."


@pytest.mark.slow
def test_hf_map_with_two_processes():
    from datasets import Dataset

    ds = Dataset.from_dict({"id": [str(i) for i in range(40)], "text": ["He flew to to Paris."] * 40})
    out = ds.map(cleanup.hf_map(grammar="none"), batched=True, batch_size=8, num_proc=2)
    assert set(out["text"]) == {"He flew to Paris."} and len(out) == 40


@pytest.mark.slow
def test_the_datatrove_step_in_a_local_pipeline_executor(tmp_path):
    from datatrove.data import Document
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.writers import JsonlWriter

    from cleanup.integrations.datatrove import CleanupStep

    german = (
        "Die Regierung hat beschlossen, das Treffen auf die nächste Woche zu verschieben, wie die Minister mitteilten."
    )

    def reader(data, rank: int = 0, world_size: int = 1):
        yield Document(text="He flew to to Paris.", id="a")
        yield Document(text=german, id="b")
        yield Document(text="Trade with Chinawhich grew.", id="c")

    LocalPipelineExecutor(
        pipeline=[
            reader,
            CleanupStep(grammar="none", drop_rejects=True),
            JsonlWriter(str(tmp_path / "out"), compression=None),
        ],
        tasks=1,
        logging_dir=str(tmp_path / "logs"),
    ).run()
    rows = [json.loads(line) for f in sorted((tmp_path / "out").glob("*.jsonl")) for line in f.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["a", "c"]
    assert rows[0]["text"] == "He flew to Paris." and rows[0]["metadata"]["cleanup"]["verdict"] == "clean"


# ------------------------------------------------------------------ corpus I/O


def test_compressed_jsonl_and_parquet_in_exports_out(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    import zstandard

    lines = [json.dumps({"doc": f"j{i}", "body": "He flew to to Paris."}) + "\n" for i in range(3)]
    with gzip.open(tmp_path / "a.jsonl.gz", "wt") as fh:
        fh.writelines(lines)
    (tmp_path / "b.jsonl.zst").write_bytes(
        zstandard.ZstdCompressor().compress("".join(lines).replace('"j', '"z').encode())
    )
    pq.write_table(
        pa.table({"doc": ["p0", "p1"], "body": ["Trade with Chinawhich grew.", "A clean line."]}),
        tmp_path / "c.parquet",
    )
    out = tmp_path / "o"
    r = CliRunner().invoke(
        main,
        [
            "run",
            str(tmp_path / "a.jsonl.gz"),
            str(tmp_path / "b.jsonl.zst"),
            str(tmp_path / "c.parquet"),
            "--out",
            str(out),
            "--grammar",
            "none",
            "--text-field",
            "body",
            "--id-field",
            "doc",
            "--export",
            "parquet,jsonl.gz,jsonl.zst",
        ],
    )
    assert r.exit_code == 0, r.output
    records = read_jsonl(out / "cleaned.jsonl")
    assert [x["id"] for x in records] == ["j0", "j1", "j2", "z0", "z1", "z2", "p0", "p1"]
    assert records[6]["text"] == "Trade with China which grew." and records[6]["line"] == 1
    table = pq.read_table(out / "cleaned.parquet")
    from cleanup.record_schema import arrow_schema

    assert table.schema.equals(arrow_schema(), check_metadata=False)
    assert table.column("id").to_pylist() == [x["id"] for x in records]
    assert table.column("text").to_pylist() == [x["text"] for x in records]
    assert gzip.decompress((out / "cleaned.jsonl.gz").read_bytes()) == (out / "cleaned.jsonl").read_bytes()
    with zstandard.ZstdDecompressor().stream_reader((out / "cleaned.jsonl.zst").open("rb")) as zst:
        assert zst.read() == (out / "cleaned.jsonl").read_bytes()


def test_a_unix_pipe_and_small_outputs(tmp_path):
    feed = "".join(json.dumps({"id": f"a{i}", "text": "He flew to to Paris."}) + "\n" for i in range(3))
    proc = subprocess.run(
        [sys.executable, "-m", "cleanup", "run", "-", "--out", "-", "--grammar", "none"],
        input=feed,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    piped = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["text"] for r in piped] == ["He flew to Paris."] * 3 and "articles" in proc.stderr
    for r in piped:
        validate_record(r)
    out = tmp_path / "small"
    r = CliRunner().invoke(
        main, ["run", str(SEEDS), "--out", str(out), "--grammar", "none", "--fields", "id,text,verdict"]
    )
    small = read_jsonl(out / "cleaned.jsonl", validate=False)
    assert all(set(rec) <= {"id", "text", "verdict", "error"} for rec in small)
    assert not (out / "report.html").exists()
    r = CliRunner().invoke(main, ["verify", str(out / "cleaned.jsonl")])
    assert r.exit_code == 1 and "--fields or --no-original" in r.output
    r = CliRunner().invoke(
        main, ["run", str(SEEDS), "--out", str(tmp_path / "o2"), "--grammar", "none", "--no-original"]
    )
    assert all(
        "original" not in rec and "edits" in rec
        for rec in read_jsonl(tmp_path / "o2" / "cleaned.jsonl", validate=False)
    )
    r = CliRunner().invoke(main, ["run", str(SEEDS), "--out", str(tmp_path / "o3"), "--fields", "txt"])
    assert r.exit_code == 2 and "did you mean `text`" in r.output


def test_summary_names_the_schema_the_tool_and_the_configuration(tmp_path):
    CliRunner().invoke(main, ["run", str(SEEDS), "--out", str(tmp_path / "o"), "--grammar", "none", "--no-report"])
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["schema_version"] == "1" and summary["tool_version"] == cleanup.__version__
    assert re.fullmatch(r"[0-9a-f]{16}", summary["configuration"])
