"""Batch labelling: tables, order, parallel and Dask runs, resume after a kill, error files."""
import json

import pandas as pd
import pytest

from tagger.batch import run_batch
from tagger.cli import main

from conftest import make_corpus


@pytest.fixture(scope="module")
def model_file(trained, tmp_path_factory):
    return trained.save(tmp_path_factory.mktemp("m") / "m.model").path


@pytest.fixture(scope="module")
def articles():
    rows = make_corpus(150, seed=11)
    rows[7]["text"] = "   "  # an empty article in the middle
    return rows


def write_table(path, rows):
    frame = pd.DataFrame([{"doc": r["id"], "body": r["text"]} for r in rows])
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    elif path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_json(path, orient="records", lines=True, force_ascii=False)
    return path


def run(args):
    return main(["predict", *map(str, args), "--quiet"])


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_tables_in_any_format_give_one_row_per_article_in_order(model_file, articles, tmp_path,
                                                               suffix):
    table = write_table(tmp_path / f"in{suffix}", articles)
    out = tmp_path / "out.jsonl"
    code = run([table, "--model", model_file, "--output", out, "--text-column", "body",
                "--id-column", "doc", "--jobs", "1"])
    assert code == 1  # the empty article
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert ids == [r["id"] for r in articles if r["text"].strip()]
    errors = [json.loads(line) for line in
              (tmp_path / "out.jsonl.errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert errors == [{"id": articles[7]["id"], "reason": "empty or missing text"}]


def test_parallel_output_is_identical_to_single_process(model_file, articles, tmp_path):
    table = write_table(tmp_path / "in.jsonl", articles)
    outs = []
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}.csv"
        run([table, "--model", model_file, "--output", out, "--jobs", jobs,
             "--text-column", "body", "--id-column", "doc"])
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_resume_after_a_kill_loses_and_duplicates_nothing(model_file, articles, tmp_path, fmt):
    table = write_table(tmp_path / "in.csv", articles)
    common = ["--model", model_file, "--jobs", "1", "--text-column", "body", "--id-column", "doc"]
    full = tmp_path / f"full.{fmt}"
    run([table, "--output", full, *common])
    # What a SIGKILL after 60 rows leaves: a .part file ending in half a row. A parquet run
    # spools JSONL, so its .part is the JSONL a jsonl run writes.
    spool = tmp_path / "spool.jsonl"
    if fmt == "parquet":
        run([table, "--output", spool, *common])
    lines = (spool if fmt == "parquet" else full).read_bytes().splitlines(keepends=True)
    cut = 61 if fmt == "csv" else 60  # the CSV header is a line too
    out = tmp_path / f"out.{fmt}"
    (tmp_path / f"out.{fmt}.part").write_bytes(b"".join(lines[:cut]) + lines[cut][:40])
    assert run([table, "--output", out, "--resume", *common]) == 1  # the empty article again
    if fmt == "parquet":
        assert pd.read_parquet(out).equals(pd.read_parquet(full))
    else:
        assert out.read_bytes() == full.read_bytes()
    assert not (tmp_path / f"out.{fmt}.part").exists()


def test_resume_after_a_complete_run_adds_only_new_articles(model_file, articles, tmp_path):
    common = ["--model", model_file, "--jobs", "1", "--text-column", "body", "--id-column", "doc"]
    out = tmp_path / "out.jsonl"
    run([write_table(tmp_path / "a.csv", articles[:50]), "--output", out, *common])
    run([write_table(tmp_path / "b.csv", articles), "--output", out, "--resume", *common])
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert ids == [r["id"] for r in articles if r["text"].strip()]


def test_dask_cluster_gives_the_same_rows_as_a_local_run(model_file, articles):
    from distributed import LocalCluster

    docs_rows = []
    local_rows = []
    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        run_batch(model_file, [], docs_rows.extend, dask=cluster.scheduler_address)
    assert docs_rows == []
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        table = write_table(Path(tmp) / "in.jsonl", articles)
        with LocalCluster(n_workers=2, processes=False, dashboard_address=None) as cluster:
            dask_result = run_batch(model_file, [str(table)], docs_rows.extend,
                                    dask=cluster.scheduler_address, text_column="body",
                                    id_column="doc")
        run_batch(model_file, [str(table)], local_rows.extend, text_column="body", id_column="doc")
    assert docs_rows == local_rows and len(docs_rows) == len(articles) - 1
    assert [f.id for f in dask_result.failures] == [articles[7]["id"]]
