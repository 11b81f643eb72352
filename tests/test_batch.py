from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench.shared import DATA
from indexer.index.batch import BatchAnalyzer
from indexer.index.schema import get_schema
from indexer.index.segments import BatchSegmentWriter

NEWS = [
    DATA / "news-bbc" / "bbc.jsonl",
    DATA / "news-agnews-test" / "agnews_test.jsonl",
    *sorted((DATA / "news-multilingual").glob("*.jsonl")),
]


def _news(per_file: int) -> list[dict[str, str]]:
    if not all(p.exists() for p in NEWS[:2]):
        if os.environ.get("CI") == "true":
            pytest.fail(f"shared news data missing under {DATA}")
        pytest.skip(f"shared news data missing under {DATA}")
    docs = []
    for path in NEWS:
        for line in path.read_text("utf-8").splitlines()[:per_file]:
            r = json.loads(line)
            docs.append(
                {
                    "title": r["title"],
                    "body": r["text"],
                    "source": r.get("category") or "BBC News",
                    "credit": "Photo: AFP/Getty",
                    "dateline": "WASHINGTON",
                    "author": "Ana Núñez",
                    "words": f"{r['title']}\n{r['text']}",
                }
            )
    return docs


def test_batch_postings_equal_whoosh_analysis_on_real_news() -> None:
    schema = get_schema()
    docs = _news(per_file=150)
    assert len(docs) > 1000
    analysed = BatchAnalyzer(schema).items(docs)
    for doc, fields in zip(docs, analysed, strict=True):
        for name, value in doc.items():
            if name == "words":  # a vocabulary: the document's distinct words
                assert fields[name] == {term for term, *_ in schema[name].index(value)}, value[:80]
            else:
                assert sorted(fields[name]) == sorted(schema[name].index(value)), (name, value[:80])


def test_every_text_field_is_batch_analysed() -> None:
    schema = get_schema()
    rules = BatchAnalyzer(schema).rules
    assert {"title", "body", "source", "credit", "dateline", "author", "words"} <= set(rules)
    assert rules["title"] is rules["body"]  # one analyzer, one cache of words


def test_hostile_words_analyse_like_whoosh() -> None:
    schema = get_schema()
    text = "The U.S. café's 3.5% rise — ÆON naïve ß ǅ A.B.C a I x.y. it's under_score ﬁne ２０２４ 東京 the the"
    (fields,) = BatchAnalyzer(schema).items([{"body": text, "title": text}])
    assert sorted(fields["body"]) == sorted(schema["body"].index(text))
    assert sorted(fields["title"]) == sorted(schema["title"].index(text))


def test_a_batch_segment_holds_what_add_document_writes(tmp_path: Path) -> None:
    from whoosh import index as whoosh_index

    from indexer.index.writers import segment_writer

    docs = [dict(d, id=f"d{i}", path=f"p{i}", hash="h") for i, d in enumerate(_news(per_file=20))]
    stores = {}
    for kind in ("whoosh", "batch"):
        folder = tmp_path / kind
        folder.mkdir()
        ix = whoosh_index.create_in(str(folder), get_schema())
        writer = segment_writer(ix, 32, cls=BatchSegmentWriter if kind == "batch" else None)
        if kind == "batch":
            writer.add_batch(docs)
        else:
            for d in docs:
                writer.add_document(**d)
        writer.commit()
        with ix.reader() as reader:
            stores[kind] = (
                list(reader.all_stored_fields()),
                sorted(
                    (f, t, list(reader.postings(f, t).items_as("characters" if f == "body" else "weight")))
                    for f, t in reader.all_terms()
                    if f in ("body", "title")
                ),
                {f: reader.field_length(f) for f in ("body", "title")},
                {t: reader.doc_frequency("words", t) for t in reader.lexicon("words")},
                {t: reader.frequency("words", t) for t in reader.lexicon("words")},
            )
    whoosh, batch = stores["whoosh"], stores["batch"]
    assert batch[:3] == whoosh[:3]
    # The vocabulary: the same words, each weighted by the number of documents holding it, one posting each.
    assert batch[4] == whoosh[3]
    assert set(batch[3].values()) == {1}
