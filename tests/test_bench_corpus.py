"""The speed benchmark's corpus generator and query set: deterministic, mixed, real cleaning path (no timings)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import corpus as corpus_mod
from bench.queries import MIX, make_queries
from indexer.clean.sources import load_bytes, relative_id, walk_corpus

pytestmark = pytest.mark.needs_data("news-bbc", "news-agnews-test")


@pytest.fixture(scope="module")
def pool() -> corpus_mod.Pool:
    return corpus_mod.load_pool()


@pytest.fixture(scope="module")
def queries(pool) -> list:
    return make_queries(pool)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {relative_id(root, p): p.read_bytes() for p in walk_corpus(root)}


def test_generator_is_deterministic(pool, tmp_path: Path) -> None:
    corpus_mod.generate(tmp_path / "a", 150, seed=3, pool=pool)
    corpus_mod.generate(tmp_path / "b", 150, seed=3, pool=pool)
    corpus_mod.generate(tmp_path / "c", 150, seed=4, pool=pool)
    assert _snapshot(tmp_path / "a") == _snapshot(tmp_path / "b")
    assert _snapshot(tmp_path / "a") != _snapshot(tmp_path / "c")


def test_corpus_mixes_file_kinds_sources_and_years(pool, tmp_path: Path) -> None:
    counts = corpus_mod.generate(tmp_path, 400, pool=pool)
    assert all(counts[kind] > 0 for kind in ("txt", "html", "jsonl"))
    suffixes = {p.suffix for p in walk_corpus(tmp_path)}
    assert suffixes == {".txt", ".html", ".jsonl"}
    assert len({p.parent.parent.name for p in walk_corpus(tmp_path)}) == len(corpus_mod.OUTLETS)
    assert len({p.parent.name for p in walk_corpus(tmp_path)}) >= 5  # years


def test_every_generated_article_goes_through_the_cleaners(pool, tmp_path: Path) -> None:
    corpus_mod.generate(tmp_path, 120, pool=pool)
    articles, skips = [], []
    for path in walk_corpus(tmp_path):
        loaded = load_bytes(relative_id(tmp_path, path), path.read_bytes())
        articles += loaded.articles
        skips += loaded.skips
    assert not skips
    assert len(articles) == 120
    assert len({a.id for a in articles}) == 120
    assert all(a.source in corpus_mod.OUTLETS for a in articles)


def test_touch_fraction_changes_that_many_files(pool, tmp_path: Path) -> None:
    corpus_mod.generate(tmp_path, 300, pool=pool)
    before = _snapshot(tmp_path)
    changed = corpus_mod.touch_fraction(tmp_path, 0.05)
    after = _snapshot(tmp_path)
    assert changed == sum(before[k] != after[k] for k in before) > 0


def test_query_set_is_fixed_and_covers_every_kind(pool, queries) -> None:
    assert queries == make_queries(pool)
    assert len(queries) >= 500
    assert {q.kind for q in queries} == {kind for kind, _ in MIX}
    assert any(q.phrases for q in queries) and any(q.source for q in queries)
    assert any(q.title_terms for q in queries)
    assert {len(q.terms) for q in queries} >= {1, 2, 3}


@pytest.mark.parametrize("render", ["whoosh", "tantivy", "fts5"])
def test_every_query_renders_for_every_system(queries, render: str) -> None:
    for q in queries[::7]:
        text = getattr(q, render)()
        assert text.strip()
        assert text.count('"') % 2 == 0


@pytest.mark.skipif(not corpus_mod.DATA.is_dir(), reason="shared news data not available")
def test_real_news_corpus_is_distinct_real_articles_in_jsonl_exports(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(corpus_mod, "REAL_EXPORT_RECORDS", 40)
    counts = corpus_mod.real_news(tmp_path, 100)
    assert counts == {"jsonl": 3, "distinct": 100, "real": 100}
    records = [json.loads(line) for p in sorted(tmp_path.glob("*.jsonl")) for line in p.read_text("utf-8").splitlines()]
    assert len({r["id"] for r in records}) == len({r["text"] for r in records}) == 100
