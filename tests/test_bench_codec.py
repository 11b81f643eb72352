"""bench/codec.py: the W3-against-ours query timing runs through the Engine on real indexes."""

from __future__ import annotations

from pathlib import Path

from bench.codec import profile, sizes, time_queries
from indexer.index.build import reindex
from tests.conftest import write_corpus


def test_time_queries_and_profile_run_on_a_built_index(tmp_path: Path) -> None:
    root = tmp_path / "index"
    reindex(write_corpus(tmp_path / "corpus"), root)
    texts = [("word", "japan"), ("phrase", '"rule of law"')]
    table = time_queries({"ours": root}, texts, passes=1)
    assert set(table["ours"]) == {"all", "word", "phrase"} and table["ours"]["all"]["p50"] > 0
    assert "function calls" in profile(root, texts, top=5)
    assert sizes(root)["index_mb"] > 0
