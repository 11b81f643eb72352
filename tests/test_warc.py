"""Web archives as corpus files: small WARC files written with warcio in tmp_path."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from indexer.clean.sources import file_hash, load_bytes, walk_corpus
from indexer.index import parts
from indexer.index.build import reindex
from indexer.index.parts import plan
from indexer.search import Engine

PAGE = """<html lang="en"><head><title>{title}</title></head><body><article><h1>{title}</h1>
<p>{text} The ministers of the region met for two days to agree on the water releases for the summer.</p>
<p>Farmers downstream said the schedule was late, but welcomed the agreement and the new monitoring posts.</p>
<p>The next meeting will take place in the autumn, when the reservoirs are measured again by the commission.</p>
</article></body></html>"""


def warc_bytes(records: list[tuple[str, str, bytes]], gzip: bool) -> bytes:
    """A WARC of request/response pairs: ``(uri, content type, body)`` each."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip)
    for uri, content_type, body in records:
        request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "news.example")], is_http_request=True)
        response = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.0")
        for kind, headers, payload in (("request", request, b""), ("response", response, body)):
            record = writer.create_warc_record(uri, kind, payload=io.BytesIO(payload), http_headers=headers)
            writer.write_record(record)
            record.raw_stream.close()  # warcio buffers the payload in a temporary file to compute its digest
    return out.getvalue()


RECORDS = [
    (
        "https://news.example/water",
        "text/html; charset=utf-8",
        PAGE.format(title="Water deal signed", text="Ministers signed a water deal in Almaty.").encode(),
    ),
    ("https://news.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n"),
    (
        "https://news.example/rail",
        "text/html",
        PAGE.format(title="Rail link opens", text="A rail link opened.").encode(),
    ),
]


@pytest.mark.parametrize("gzip", [False, True], ids=["warc", "warc.gz"])
def test_every_html_response_is_an_article(gzip: bool) -> None:
    name = "crawl.warc.gz" if gzip else "crawl.warc"
    loaded = load_bytes(name, warc_bytes(RECORDS, gzip))
    assert [(a.id, a.title, a.url) for a in loaded.articles] == [
        ("crawl:1", "Water deal signed", "https://news.example/water"),
        ("crawl:3", "Rail link opens", "https://news.example/rail"),
    ]
    assert all(a.date is not None for a in loaded.articles)  # no date on the page: when it was captured
    assert [(s.path, s.reason) for s in loaded.skips] == [(f"{name}:2", "not an HTML page (image/png)")]


def test_a_broken_archive_keeps_the_records_before_the_break() -> None:
    data = warc_bytes(RECORDS[:1], gzip=False) + b"garbage where a record header belongs\r\n\r\n"
    loaded = load_bytes("crawl.warc", data)
    assert [a.id for a in loaded.articles] == ["crawl:1"]
    assert [s.path for s in loaded.skips] == ["crawl.warc"] and "unreadable record" in loaded.skips[0].reason


def test_an_archive_without_responses_is_skipped_with_its_reason() -> None:
    loaded = load_bytes("empty.warc", warc_bytes([], gzip=False) + b"\r\n")
    assert loaded.articles == [] and loaded.skips


def test_warc_files_are_indexed_and_followed_incrementally(tmp_path: Path, open_engine) -> None:
    corpus, root = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "crawl.warc.gz").write_bytes(warc_bytes(RECORDS, gzip=True))
    assert [p.name for p in walk_corpus(corpus)] == ["crawl.warc.gz"]
    first = reindex(corpus, root)
    assert first.added == 2 and [s.path for s in first.skipped] == ["crawl.warc.gz:2"]
    engine: Engine = open_engine(root)
    assert [h.id for h in engine.search("water deal").hits] == ["crawl:1"]
    again = reindex(corpus, root)  # unchanged: not read again, its skip still reported
    assert (again.unchanged, [s.path for s in again.skipped]) == (2, ["crawl.warc.gz:2"])
    (corpus / "crawl.warc.gz").write_bytes(warc_bytes(RECORDS[2:], gzip=True))
    third = reindex(corpus, root)
    assert (third.deleted, third.skipped) == (1, []) and [h.id for h in engine.search("rail").hits] == ["crawl:1"]


def archive(n: int) -> list[tuple[str, str, bytes]]:
    """``n`` responses: pages, with an image every fifth."""
    return [
        (f"https://news.example/{i}.png", "image/png", b"\x89PNG\r\n\x1a\n")
        if i % 5 == 2
        else (
            f"https://news.example/{i}",
            "text/html",
            PAGE.format(title=f"Story {i}", text=f"Story {i} about the reservoir.").encode(),
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("gzip", [False, True], ids=["warc", "warc.gz"])
@pytest.mark.parametrize("broken", [False, True], ids=["whole", "broken"])
def test_a_big_archive_is_cut_into_ranges_of_records_that_read_like_the_whole_file(
    tmp_path: Path, monkeypatch, gzip: bool, broken: bool
) -> None:
    monkeypatch.setattr(parts, "TASK_BYTES", 4000)
    name = "crawl.warc.gz" if gzip else "crawl.warc"
    data = warc_bytes(archive(40), gzip) + (b"garbage where a record header belongs\r\n\r\n" if broken else b"")
    path = tmp_path / name
    path.write_bytes(data)
    tasks = list(plan(tmp_path, [path]))
    assert len(tasks) > 3 and all(len(t) == 1 and t[0].end is not None for t in tasks)
    assert [t[0].last for t in tasks] == [False] * (len(tasks) - 1) + [True]
    whole = load_bytes(name, data)
    articles, skips = [], []
    for (part,) in tasks:
        digest, loaded, error = parts.load(part)
        assert error is None and loaded is not None and digest == file_hash(data)
        articles += loaded.articles
        skips += loaded.skips
    assert len(whole.articles) == 32 and articles == whole.articles  # ids count responses across ranges
    assert skips == whole.skips and any("unreadable record after 40" in s.reason for s in skips) == broken


def test_a_cut_archive_builds_the_index_a_whole_one_does(tmp_path: Path, monkeypatch, open_engine) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "crawl.warc.gz").write_bytes(warc_bytes(archive(40), gzip=True))
    whole = reindex(corpus, tmp_path / "whole", full=True)
    monkeypatch.setattr(parts, "TASK_BYTES", 4000)
    cut = reindex(corpus, tmp_path / "cut", full=True)
    assert (cut.added, cut.skipped) == (whole.added, whole.skipped) and cut.added == 32
    queries = ["story 7", "reservoir"]
    engines = [open_engine(tmp_path / "whole"), open_engine(tmp_path / "cut")]
    for q in queries:
        first, second = (sorted(h.id for h in e.search(q).hits) for e in engines)
        assert first == second and first
