"""The speed benchmark's runner and the parallel build path: structure and equivalence only, never timings."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import run
from indexer.index import build
from indexer.index.build import indexed_docs, reindex
from indexer.index.store import open_index

needs_data = pytest.mark.needs_data("news-bbc", "news-agnews-test")


@needs_data
def test_one_size_reports_every_figure(tmp_path: Path) -> None:
    result = run.bench_size(60, tmp_path, ("ours", "naive_whoosh", "fts5"), http_seconds=0, seed=6, max_queries=40)
    assert result["size"] == 60
    assert set(result["build"]) == set(result["query"]) == {"ours", "naive_whoosh", "fts5"}
    for figures in result["build"].values():
        assert {"docs_per_s", "mb_per_s", "index_mb"} <= set(figures)
        assert figures["docs"] == 60
        assert figures["cpu_seconds"] > 0
    for figures in result["query"].values():
        assert {"p50_ms", "p95_ms", "p99_ms"} <= set(figures)
    assert {"seconds", "full_seconds"} <= set(result["incremental"])
    assert result["incremental"]["documents_changed"] >= 1
    assert "indexer" in result["rss_mb"]
    assert not list(tmp_path.glob("corpus-*")), "the scratch corpus is removed"


def test_markdown_table_has_a_row_per_system_and_the_targets() -> None:
    figures = {"docs": 10, "seconds": 1.0, "docs_per_s": 10.0, "mb_per_s": 1.0, "index_mb": 1.0}
    latency = {"p50_ms": 1.0, "p95_ms": 2.0, "p99_ms": 3.0}
    result = {
        "corpus": "real",
        "size": 10,
        "build": dict.fromkeys(run.SYSTEMS, figures),
        "query": dict.fromkeys(run.SYSTEMS, latency),
        "incremental": {"seconds": 0.1, "full_seconds": 1.0, "ratio": 0.1},
        "http": {"rps": 5.0, "p99_ms": 9.0, "errors": 0, "workers": 2, "target_rps": 4.0},
        "rss_mb": {"indexer": 100.0, "worker": 80.0},
    }
    table = run.markdown([result])
    for name in run.SYSTEMS:
        assert f"| {name} |" in table
    assert "10x naive Whoosh" in table and "| no |" in table and "| yes |" in table


def test_parallel_cleaning_builds_the_same_index_as_serial(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    reindex(corpus, tmp_path / "serial")
    monkeypatch.setattr(build, "PARALLEL_MIN_FILES", 0)
    monkeypatch.setattr(build, "PARALLEL_MIN_BYTES", 0)
    summary = reindex(corpus, tmp_path / "parallel")
    assert indexed_docs(open_index(tmp_path / "serial")) == indexed_docs(open_index(tmp_path / "parallel"))
    assert summary.documents == open_index(tmp_path / "serial").doc_count()
    again = reindex(corpus, tmp_path / "parallel")
    assert again.changed == 0


def test_a_run_of_one_size_keeps_the_other_sizes(tmp_path: Path) -> None:
    saved = tmp_path / "speed.json"
    saved.write_text('[{"size": 10000, "old": true}, {"size": 100000, "old": true}]', "utf-8")
    assert run.merged(saved, [{"size": 10000}]) == [{"size": 10000}, {"size": 100000, "old": True}]
    assert run.merged(tmp_path / "missing.json", [{"size": 5}]) == [{"size": 5}]


def test_the_http_layers_cpu_is_a_target_beside_the_search() -> None:
    figures = {"docs": 10, "seconds": 1.0, "docs_per_s": 10.0, "mb_per_s": 1.0, "index_mb": 1.0}
    http = {"rps": 5.0, "p99_ms": 9.0, "errors": 0, "workers": 2, "target_rps": 4.0}
    result = {
        "corpus": "real",
        "size": 10,
        "build": {"ours": figures},
        "query": {"ours": {"p50_ms": 1.0, "p95_ms": 2.0, "p99_ms": 3.0, "cpu_ms": 4.0}},
        "incremental": {"seconds": 0.1, "full_seconds": 1.0, "ratio": 0.1},
        "http": {**http, "worker_cpu_ms": 6.0, "worker_cpu_ratio": 1.5},
        "rss_mb": {"indexer": 100.0, "worker": 80.0},
    }
    line = next(row for row in run.markdown([result]).splitlines() if "worker CPU" in row)
    assert "6.00 vs 4.00 ms (1.50x)" in line and line.endswith("| no |")
