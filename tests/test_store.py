"""The index folder: shipping a published generation to a replica."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.index import store
from indexer.index.build import reindex
from tests.helpers import generate_corpus


def _titles(engine) -> list[str]:
    return sorted(h.title for h in engine.search("alpha", per_page=100).hits)


def test_ship_copies_the_served_generation_and_switches_the_replica(tmp_path: Path, open_engine) -> None:
    corpus, source, replica = tmp_path / "corpus", tmp_path / "source", tmp_path / "replica"
    reindex(generate_corpus(corpus, 12), source)
    first = store.ship(source, replica)
    assert store.current_dir(replica) == first and first.name.startswith(store.GEN_PREFIX)
    served, original = open_engine(replica), open_engine(source)
    assert _titles(served) == _titles(original) and len(_titles(served)) == 12
    assert store.ship(source, replica) == first  # the same state again: nothing to copy
    assert [p.name for p in replica.glob(f"{store.GEN_PREFIX}*")] == [first.name]

    generate_corpus(corpus, 3, start=12)
    reindex(corpus, source)  # incremental: the source's generation folder changes in place
    second = store.ship(source, replica)
    assert second != first and store.current_dir(replica) == second
    assert len(_titles(served)) == 15  # the running engine reopens on the switch
    assert first.is_dir()  # the previous generation stays for readers that have not noticed the swap yet
    third_corpus = generate_corpus(tmp_path / "other", 2, marker="beta")
    reindex(third_corpus, source, full=True)
    store.ship(source, replica)
    assert not first.exists() and second.is_dir()  # pruned to the current one and the one before


def test_ship_needs_a_built_source(tmp_path: Path) -> None:
    with pytest.raises(store.IndexMissing):
        store.ship(tmp_path / "none", tmp_path / "replica")
    assert store.current_dir(tmp_path / "replica") is None


def test_ship_waits_for_no_reindex(tmp_path: Path) -> None:
    source = tmp_path / "source"
    reindex(generate_corpus(tmp_path / "corpus", 3), source)
    with store.reindex_lock(source), pytest.raises(store.IndexBusy):
        store.ship(source, tmp_path / "replica")
