from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from whoosh.query import Every

from indexer.index import accounting, build, parts, store, writers
from indexer.index.build import reindex
from indexer.index.parts import PartResult, index_task
from tests.conftest import SEED_IDS


def _ids(root: Path) -> set[str]:
    ix = store.open_index(root)
    with ix.searcher() as searcher:
        return {fields["id"] for fields in searcher.all_stored_fields()}


def test_first_build_indexes_everything(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    summary = reindex(corpus, root)
    assert summary.full
    assert (summary.added, summary.updated, summary.deleted, summary.unchanged) == (6, 0, 0, 0)
    assert summary.skipped == []
    assert _ids(root) == {*SEED_IDS, "pages/summit", "wire-1", "wire-2", "hostile"}


def test_second_run_reports_no_changes(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    reindex(corpus, root)
    summary = reindex(corpus, root)
    assert not summary.full
    assert summary.changed == 0
    assert summary.unchanged == 6
    assert summary.documents == 6


def test_incremental_touches_only_new_changed_and_deleted(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    reindex(corpus, root)
    (corpus / "hostile.txt").unlink()
    (corpus / "new.txt").write_text("Kyrgyzstan news\nBISHKEK: A brand new article.", "utf-8")
    records = [json.loads(line) for line in (corpus / "export.jsonl").read_text().splitlines()]
    records[0]["title"] = "Uzbekistan opens a second rail link"
    (corpus / "export.jsonl").write_text("\n".join(json.dumps(r) for r in records), "utf-8")
    summary = reindex(corpus, root)
    assert (summary.added, summary.updated, summary.deleted, summary.unchanged) == (1, 1, 1, 4)
    assert _ids(root) == {*SEED_IDS, "pages/summit", "wire-1", "wire-2", "new"}
    ix = store.open_index(root)
    with ix.searcher() as searcher:
        assert searcher.document(id="wire-1")["title"] == "Uzbekistan opens a second rail link"
        assert searcher.search(Every(), limit=None).scored_length() == 6
    assert reindex(corpus, root).changed == 0


def test_an_incremental_run_works_out_derived_fields_only_for_changed_articles(
    corpus: Path, tmp_path: Path, monkeypatch
) -> None:
    root = tmp_path / "index"
    reindex(corpus, root)
    stored = dict(_stored(root, "wire-2"))
    records = [json.loads(line) for line in (corpus / "export.jsonl").read_text().splitlines()]
    records[0]["title"] = "Uzbekistan opens a second rail link"
    (corpus / "export.jsonl").write_text("\n".join(json.dumps(r) for r in records), "utf-8")
    analysed: list[str] = []
    real = parts.to_fields
    monkeypatch.setattr(parts, "to_fields", lambda article: analysed.append(article.id) or real(article))
    summary = reindex(corpus, root)
    assert (summary.updated, summary.unchanged) == (1, 5)
    assert analysed == ["wire-1"]  # wire-2, read from the same file, is unchanged: no language, places, MinHash
    assert _stored(root, "wire-2") == stored
    assert _stored(root, "wire-1")["title"] == "Uzbekistan opens a second rail link"


def _stored(root: Path, doc_id: str) -> dict:
    ix = store.open_index(root)
    with ix.searcher() as searcher:
        return searcher.document(id=doc_id)


def test_removed_jsonl_record_is_deleted(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    reindex(corpus, root)
    lines = (corpus / "export.jsonl").read_text().splitlines()
    (corpus / "export.jsonl").write_text(lines[0] + "\n", "utf-8")
    summary = reindex(corpus, root)
    assert (summary.deleted, summary.unchanged) == (1, 5)
    assert "wire-2" not in _ids(root)


def test_broken_file_is_skipped_and_the_rest_indexed(corpus: Path, tmp_path: Path) -> None:
    (corpus / "broken.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (corpus / "empty.txt").write_bytes(b"")
    summary = reindex(corpus, tmp_path / "index")
    assert summary.added == 6
    assert sorted((s.path, s.reason) for s in summary.skipped) == [
        ("broken.html", "binary file"),
        ("empty.txt", "empty file"),
    ]


@pytest.mark.parametrize("full", [False, True], ids=["incremental", "full"])
def test_skipped_files_stay_reported_until_they_are_fixed(corpus: Path, tmp_path: Path, full: bool) -> None:
    root = tmp_path / "index"
    (corpus / "broken.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (corpus / "more.jsonl").write_text(json.dumps({"id": "ok", "text": "Good."}) + "\n{broken\n", "utf-8")
    expected = [("broken.html", "binary file"), ("more.jsonl:2", "invalid JSON")]
    reindex(corpus, root, full=full)
    for touch in (False, True):  # unchanged, then touched (same bytes, a new time): still reported, not re-parsed
        if touch:
            os.utime(corpus / "broken.html")
        again = reindex(corpus, root)
        assert sorted((s.path, s.reason.split(":")[0]) for s in again.skipped) == expected
    (corpus / "broken.html").write_text("<html><body><p>Fixed at last, with an article.</p></body></html>", "utf-8")
    fixed = reindex(corpus, root)
    assert [s.path for s in fixed.skipped] == ["more.jsonl:2"] and fixed.files["added"] == ["broken.html"]


def test_the_summary_names_the_files_added_updated_and_deleted(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    first = reindex(corpus, root)
    assert first.files["added"] == sorted(
        ["000_d3a34fce153d5282.txt", "002_10c5046bec448ba0.txt", "export.jsonl", "hostile.txt", "pages/summit.html"]
    )
    (corpus / "hostile.txt").write_text("A calmer article about council elections.", "utf-8")
    (corpus / "pages" / "summit.html").unlink()
    (corpus / "new.txt").write_text("BISHKEK: Parliament met.", "utf-8")
    second = reindex(corpus, root)
    assert second.files == {"added": ["new.txt"], "updated": ["hostile.txt"], "deleted": ["pages/summit.html"]}


def test_a_file_that_breaks_keeps_its_last_good_version(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    reindex(corpus, root)
    (corpus / "hostile.txt").write_bytes(b"")
    summary = reindex(corpus, root)
    assert summary.deleted == 0
    assert [(s.path, s.reason) for s in summary.skipped] == [("hostile.txt", "empty file")]
    assert "hostile" in _ids(root)


def test_duplicate_ids_keep_the_first_file(corpus: Path, tmp_path: Path) -> None:
    (corpus / "zz.jsonl").write_text(json.dumps({"id": "wire-1", "title": "Copy", "text": "Copy text."}), "utf-8")
    summary = reindex(corpus, tmp_path / "index")
    assert [s.reason for s in summary.skipped] == ["duplicate id 'wire-1' (already in export.jsonl)"]
    ix = store.open_index(tmp_path / "index")
    with ix.searcher() as searcher:
        assert searcher.document(id="wire-1")["title"] == "Uzbekistan opens new rail link"


def test_full_rebuild_swaps_generations_atomically(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    reindex(corpus, root)
    first = store.current_dir(root)
    old_reader = store.open_index(root).searcher()
    summary = reindex(corpus, root, full=True)
    assert summary.full and summary.changed == 0 and summary.unchanged == 6
    second = store.current_dir(root)
    assert second != first and (root / store.CURRENT).is_symlink()
    # The previous generation stays on disk, so a server still holding it keeps answering.
    assert first is not None and first.is_dir()
    assert old_reader.doc_count() == 6
    old_reader.close()
    reindex(corpus, root, full=True)
    assert not first.exists()  # only the current and the previous generation are kept


def test_crashed_build_leaves_the_old_index_serving(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "index"
    reindex(corpus, root)
    before = store.current_dir(root)

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store, "publish", boom)
    with pytest.raises(RuntimeError):
        reindex(corpus, root, full=True)
    assert store.current_dir(root) == before
    assert not list(root.glob(f"{store.TMP_PREFIX}*"))
    assert len(_ids(root)) == 6


def test_leftover_build_directories_are_cleaned(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    reindex(corpus, root)
    stale = root / f"{store.TMP_PREFIX}20000101T000000000000-1"
    stale.mkdir()
    (stale / "junk").write_text("x")
    reindex(corpus, root)
    assert not stale.exists()


def test_second_reindex_is_refused_while_one_runs(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    with store.reindex_lock(root):
        with pytest.raises(store.IndexBusy, match=f"pid {os.getpid()}"):
            reindex(corpus, root)


def test_missing_corpus_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        reindex(tmp_path / "nope", tmp_path / "index")


def test_an_index_with_an_older_schema_is_rebuilt_in_full(corpus: Path, tmp_path: Path) -> None:
    from whoosh import index as whoosh_index
    from whoosh.fields import ID, Schema

    root = tmp_path / "index"
    old = root / "gen-old"
    old.mkdir(parents=True)
    whoosh_index.create_in(str(old), Schema(id=ID(stored=True, unique=True))).close()
    (root / store.CURRENT).symlink_to("gen-old")
    summary = reindex(corpus, root)
    assert summary.full and summary.added == 6


def test_an_index_with_places_from_another_detector_version_is_rebuilt(
    corpus: Path, tmp_path: Path, monkeypatch
) -> None:
    from indexer.index import schema

    root = tmp_path / "index"
    reindex(corpus, root)
    assert not reindex(corpus, root).full
    monkeypatch.setattr(schema, "PLACES_VERSION", schema.PLACES_VERSION + 1)
    summary = reindex(corpus, root)
    assert summary.full and summary.documents == 6
    assert not reindex(corpus, root).full


def test_an_index_with_minhash_signatures_of_another_scheme_is_rebuilt(
    corpus: Path, tmp_path: Path, monkeypatch
) -> None:
    from indexer.index import schema

    root = tmp_path / "index"
    reindex(corpus, root)
    monkeypatch.setattr(schema, "SIGNATURE_VERSION", schema.SIGNATURE_VERSION + 1)
    summary = reindex(corpus, root)
    assert summary.full and summary.documents == 6
    assert not reindex(corpus, root).full


@pytest.fixture
def parallel(monkeypatch) -> None:
    """Clean and index in worker processes even for the tiny sample corpus."""
    monkeypatch.setattr(build, "PARALLEL_MIN_FILES", 0)
    monkeypatch.setattr(build, "PARALLEL_MIN_BYTES", 0)


@pytest.mark.usefixtures("parallel")
def test_parallel_build_keeps_the_first_file_and_updates_in_place(corpus: Path, tmp_path: Path) -> None:
    (corpus / "zz.jsonl").write_text(json.dumps({"id": "wire-1", "title": "Copy", "text": "Copy text."}), "utf-8")
    root = tmp_path / "index"
    summary = reindex(corpus, root, full=True)
    assert summary.documents == summary.added == 6
    assert [s.reason for s in summary.skipped] == ["duplicate id 'wire-1' (already in export.jsonl)"]
    assert _ids(root) == {*SEED_IDS, "pages/summit", "wire-1", "wire-2", "hostile"}
    (corpus / "hostile.txt").unlink()
    summary = reindex(corpus, root)
    assert (summary.deleted, summary.unchanged, summary.documents) == (1, 5, 5)


@pytest.mark.usefixtures("parallel")
def test_a_lost_document_fails_the_build_and_keeps_the_old_index(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "index"
    reindex(corpus, root)
    before = store.current_dir(root)
    apply_part = accounting.Run.apply_part

    def lose_one(self: accounting.Run, worker: int, part: PartResult) -> None:
        part.docs = part.docs[1:]  # what Whoosh's MpWriter does when a sub-writer is late
        apply_part(self, worker, part)

    monkeypatch.setattr(accounting.Run, "apply_part", lose_one)
    with pytest.raises(writers.BuildError, match="the segments hold 6 documents, [0-5] were added"):
        reindex(corpus, root, full=True)
    assert store.current_dir(root) == before
    assert not list(root.glob(f"{store.TMP_PREFIX}*"))
    assert len(_ids(root)) == 6


def test_a_failing_sub_writer_fails_the_commit(tmp_path: Path) -> None:
    from whoosh import index as whoosh_index
    from whoosh.fields import ID, Schema

    ix = whoosh_index.create_in(str(tmp_path), Schema(id=ID(stored=True)))
    results = []
    writer = writers.ParallelWriter(ix, 2, 16, index_task, lambda *r: results.append(r))
    writer.submit(42)  # not a task: the sub-writer that takes it fails
    with pytest.raises(writers.BuildError, match="TypeError"):
        writer.submit([])
        writer.submit([])
        writer.commit(expected=lambda: 0)
    assert ix.doc_count() == 0
    assert not any(proc.is_alive() for proc in writer.procs)


def test_cleaning_hands_out_at_most_a_window_of_files() -> None:
    window = build._Window(2)
    fed = window.feed(iter(range(5)))
    assert [next(fed), next(fed)] == [0, 1]
    window.done()
    assert next(fed) == 2
    window.close()  # no free slot and closed: feeding stops instead of waiting for ever
    assert list(fed) == []


class _Recorder:
    """A progress display that remembers what it was told."""

    def __init__(self) -> None:
        self.articles = 0
        self.phases: list[str] = []

    def indexed(self, articles: int) -> None:
        self.articles += articles

    def phase(self, name: str) -> None:
        self.phases.append(name)


@pytest.mark.parametrize("processes", [1, 2])
def test_progress_counts_articles_of_one_big_export_and_the_writing_phase(
    tmp_path: Path, monkeypatch, processes: int
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    lines = [
        json.dumps({"id": f"a{i}", "title": f"Story {i}", "text": f"Body {i} of the wire story."}) for i in range(300)
    ]
    (corpus / "export.jsonl").write_text("\n".join(lines) + "\n", "utf-8")  # one file, 300 articles
    if processes == 2:
        monkeypatch.setattr(build, "PARALLEL_MIN_BYTES", 0)
    progress = _Recorder()
    summary = reindex(corpus, tmp_path / "index", progress=progress)
    assert summary.processes == processes and progress.articles == summary.documents == 300
    assert progress.phases == ["writing the index"]
    (corpus / "export.jsonl").write_text("\n".join(lines[:290]) + "\n", "utf-8")
    again = _Recorder()
    reindex(corpus, tmp_path / "index", progress=again)
    assert again.articles == 290 and again.phases == ["writing the index"]
