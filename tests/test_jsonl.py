"""JSONL exports under the field names news exports use, a user's mapping, and skip reasons that say what was
expected (issue 21)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.article import Article
from indexer.clean.jsonl import DEFAULT_OPTIONS, ReadOptions, parse_facets, parse_field_map
from indexer.clean.sources import load_bytes
from indexer.cli import cli
from indexer.search import Engine


def _load(*records: dict, options: ReadOptions = DEFAULT_OPTIONS):
    return load_bytes("export.jsonl", "\n".join(json.dumps(r) for r in records).encode(), options)


@pytest.mark.parametrize(
    "record",
    [
        {
            "guid": "x1",
            "headline": "Dam opens",
            "body": "The dam opened.",
            "published": "2024-01-02",
            "link": "https://e.x/1",
            "outlet": "Wire",
            "byline": "A. B.",
        },
        {
            "id": "x1",
            "title": "Dam opens",
            "content": "The dam opened.",
            "publishedAt": "2024-01-02T00:00:00Z",
            "url": "https://e.x/1",
            "publisher": "Wire",
            "author": "A. B.",
        },
        {
            "id": "x1",
            "title": "Dam opens",
            "article": "The dam opened.",
            "pubDate": "Tue, 02 Jan 2024 00:00:00 GMT",
            "url": "https://e.x/1",
            "source": {"id": "wire", "name": "Wire"},
            "author": "A. B.",
        },
    ],
    ids=["rss-names", "newsapi-names", "pubdate-and-source-object"],
)
def test_common_export_field_names_are_read(record: dict) -> None:
    [article] = _load(record).articles
    assert (article.id, article.title, article.body, article.url) == (
        "x1",
        "Dam opens",
        "The dam opened.",
        "https://e.x/1",
    )
    assert (article.source, article.author, article.date.date().isoformat()) == ("Wire", "A. B.", "2024-01-02")


def test_a_users_mapping_is_read_before_the_common_names() -> None:
    record = {"story_id": "s9", "story_text": "The story.", "text": "", "when": "2023-05-06", "kicker": "Kicker"}
    options = ReadOptions(parse_field_map(["body=story_text", "id=story_id", "date=when", "title=kicker"]))
    [article] = _load(record, options=options).articles
    assert (article.id, article.body, article.title, article.date.year) == ("s9", "The story.", "Kicker", 2023)
    assert parse_field_map(["text=story_text"]) == (("body", "story_text"),)  # the format's own name for the body


def test_a_line_without_text_says_which_fields_were_expected() -> None:
    loaded = _load({"id": "a", "story_text": "Hidden."}, options=ReadOptions(parse_field_map(["body=main"])))
    [skip] = loaded.skips
    assert skip.path == "export.jsonl:1" and skip.reason.startswith("no article text")
    assert "main, text, body, content, article" in skip.reason and "this line has: id, story_text" in skip.reason
    assert "--field body=NAME" in skip.reason


@pytest.mark.parametrize("spec", ["body", "=x", "body=", "nosuch=x"])
def test_a_bad_mapping_is_refused(spec: str) -> None:
    with pytest.raises(ValueError, match="FIELD=NAME"):
        parse_field_map([spec])


@pytest.mark.parametrize("name", ["Category", "1st", "source", "place", "a-b", "x" * 33, ""])
def test_a_bad_facet_name_is_refused(name: str) -> None:
    with pytest.raises(ValueError):
        parse_facets([name])


def _export(folder: Path, records: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "export.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", "utf-8")
    return folder


def test_reindex_maps_fields_and_a_new_mapping_rebuilds(runner, tmp_path: Path, open_engine) -> None:
    corpus = _export(tmp_path / "corpus", [{"id": f"s{i}", "story_text": f"Story {i} about rivers."} for i in range(3)])
    index = ["--corpus", str(corpus), "--index", str(tmp_path / "ix"), "--quiet"]
    first = runner.invoke(cli, ["reindex", *index])
    assert first.exit_code == 0 and "skipped 3" in first.output and "expected a field named" in first.output
    second = runner.invoke(cli, ["reindex", *index, "--field", "body=story_text"])
    assert second.exit_code == 0, second.output
    assert "(full rebuild)" in second.output and "3 documents" in second.output  # the files did not change
    engine: Engine = open_engine(tmp_path / "ix")
    assert engine.search("rivers").total == 3
    env = {"NEWSSEARCH_JSONL_FIELDS": "body=story_text"}
    third = runner.invoke(cli, ["reindex", *index], env=env)  # the same mapping from the setting: nothing to do
    assert "(incremental)" in third.output and "unchanged 3" in third.output


def test_reindex_refuses_a_bad_mapping(runner, tmp_path: Path) -> None:
    result = runner.invoke(
        cli, ["reindex", "--corpus", str(tmp_path), "--index", str(tmp_path / "ix"), "--field", "story_text"]
    )
    assert result.exit_code == 2 and "FIELD=NAME" in result.output


def test_facets_leave_the_content_hash_of_articles_without_them_unchanged() -> None:
    # The hash before facets existed: an upgrade must not count every article of a changed file as updated.
    assert Article("i", "t", "b").content_hash() == "d48026b0d309da8c21e000618c8ceb67b5fd24b9"
    assert Article("i", "t", "b", facets=(("desk", ("x",)),)).content_hash() != Article("i", "t", "b").content_hash()
