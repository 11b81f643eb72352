from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.clean.sources import jsonl_articles, walk_corpus
from indexer.index import parts
from indexer.index.build import reindex
from indexer.index.parts import Part, plan


def _export(path: Path, n: int) -> list[str]:
    lines = []
    for i in range(n):
        if i % 7 == 3:
            lines.append("{not json")
        elif i % 11 == 5:
            lines.append("")
        else:
            record = {"title": f"Story {i}", "text": f"Story number {i} about the Rogun dam in Tajikistan. " * 3}
            if i % 5:
                record["id"] = f"s{i}"
            lines.append(json.dumps(record))
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return lines


@pytest.fixture
def small_tasks(monkeypatch) -> None:
    monkeypatch.setattr(parts, "TASK_BYTES", 2000)


@pytest.mark.usefixtures("small_tasks")
def test_a_big_export_is_cut_into_ranges_that_read_like_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    _export(path, 200)
    tasks = list(plan(tmp_path, [path]))
    assert len(tasks) > 5 and all(len(t) == 1 and t[0].end is not None for t in tasks)
    assert [t[0].last for t in tasks] == [False] * (len(tasks) - 1) + [True]
    whole = jsonl_articles("export.jsonl", path.read_text("utf-8"))
    articles, skips = [], []
    for (part,) in tasks:
        digest, loaded, error = parts.load(part)
        assert error is None and loaded is not None and digest == tasks[0][0].digest
        articles += loaded.articles
        skips += loaded.skips
    assert articles == whole.articles  # ids from line numbers ("export:4") included
    assert skips == whole.skips


@pytest.mark.usefixtures("small_tasks")
@pytest.mark.parametrize("content", ["a\r\nb\r\n", "\ufeff{}\n", "caf\xe9\n"], ids=["crlf", "bom", "latin-1"])
def test_an_export_that_cannot_be_cut_is_read_whole(tmp_path: Path, content: str) -> None:
    path = tmp_path / "export.jsonl"
    data = (content * 2000).encode("latin-1" if "\xe9" in content else "utf-8")
    path.write_bytes(data)
    assert list(plan(tmp_path, [path])) == [[Part(str(path), "export.jsonl")]]


@pytest.mark.usefixtures("small_tasks")
def test_small_files_are_grouped_in_corpus_order(tmp_path: Path) -> None:
    for i in range(30):
        (tmp_path / f"{i:02d}.txt").write_text(f"Story {i}\n\n" + "Words of the story. " * 20, "utf-8")
    tasks = list(plan(tmp_path, walk_corpus(tmp_path)))
    assert 1 < len(tasks) < 30
    assert [p.relpath for t in tasks for p in t] == [f"{i:02d}.txt" for i in range(30)]


@pytest.mark.usefixtures("small_tasks")
def test_a_parallel_build_over_ranges_equals_the_in_process_build(tmp_path: Path, monkeypatch) -> None:
    from indexer.index import build
    from indexer.index.build import indexed_docs
    from indexer.index.store import open_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _export(corpus / "export.jsonl", 300)
    (corpus / "later.jsonl").write_text(json.dumps({"id": "s1", "title": "Copy", "text": "A copy."}) + "\n")
    whole = reindex(corpus, tmp_path / "whole")  # in this process
    monkeypatch.setattr(build, "PARALLEL_MIN_BYTES", 0)
    cut = reindex(corpus, tmp_path / "cut")  # in two sub-writer processes
    assert whole.documents == cut.documents > 200
    assert whole.skipped == cut.skipped and "duplicate id 's1' (already in export.jsonl)" in {
        s.reason for s in cut.skipped
    }
    assert indexed_docs(open_index(tmp_path / "whole")) == indexed_docs(open_index(tmp_path / "cut"))
