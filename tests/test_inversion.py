"""The direct writer (postings as arrays, written by ``codec.bulk``) against the pool path: the same segment."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh.qparser import QueryParser

from bench.shared import DATA
from indexer.index import build, inversion, segments, store
from indexer.index.build import reindex

needs_data = pytest.mark.needs_data("news-bbc", "news-multilingual")
# The files that hold a segment's terms and postings; the rest (stored fields, lengths, columns) do not depend on
# the way postings are written.
POSTINGS_FILES = (".trm", ".pst", ".pos", "._body_len.col", "._title_len.col")


def _corpus(folder: Path, per_file: int) -> Path:
    """Real news in English and six other languages (Japanese and Chinese analysed in context), with one record
    twice (its first copy is deleted at the commit)."""
    folder.mkdir()
    sources = [DATA / "news-bbc" / "bbc.jsonl", *sorted((DATA / "news-multilingual").glob("*.jsonl"))]
    for path in sources:
        lines = path.read_text("utf-8").splitlines()[:per_file]
        if path.parent.name == "news-bbc":
            lines.append(lines[3])
        (folder / path.name).write_text("\n".join(lines) + "\n", "utf-8")
    return folder


def _build(corpus: Path, root: Path, monkeypatch: pytest.MonkeyPatch, direct: bool, writer_mb: int) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(build, "PARALLEL_MIN_FILES", 10**9)
        patch.setattr(build, "PARALLEL_MIN_BYTES", 10**12)
        patch.setattr(build, "WRITER_MB", writer_mb)
        if not direct:
            patch.setattr("indexer.index.writers.BatchSegmentWriter", segments.PoolSegmentWriter)
        reindex(corpus, root, full=True)


def _files(root: Path) -> dict[str, bytes]:
    current = root / "current"
    return {
        ext: next(p for p in current.iterdir() if p.name.endswith(ext)).read_bytes()
        for ext in POSTINGS_FILES
        if any(p.name.endswith(ext) for p in current.iterdir())
    }


def _contents(root: Path) -> tuple:
    """Everything a reader gives of the segment: terms, term infos, postings with their values, deletions."""
    ix = store.open_index(root)
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            terms = list(reader.all_terms())
            stats = ("weight", "doc_frequency", "min_length", "max_length", "max_weight", "min_id", "max_id")
            sample = terms[::7]
            infos = [[getattr(reader.term_info(f, t), s)() for s in stats] for f, t in sample]
            postings = [(f, t, list(reader.postings(f, t).items_as("weight"))) for f, t in sample]
            values = [list(reader.postings(f, t).items_as("characters")) for f, t in sample if f == "body"]
            query = QueryParser("body", searcher.schema).parse("government OR 経済 OR 经济")
            hits = [(h.docnum, round(h.score, 9), h.highlights("body")) for h in searcher.search(query, limit=20)]
            return terms, infos, postings, values, hits, searcher.doc_count(), searcher.doc_count_all()
    finally:
        ix.close()


@needs_data
@pytest.mark.parametrize("writer_mb", [256, 1])
def test_the_direct_writer_writes_the_pool_writers_segment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer_mb: int
) -> None:
    """Byte for byte, in one run or spilled to disk in several runs (1 MB) merged a few terms at a time."""
    corpus = _corpus(tmp_path / "corpus", per_file=40)
    monkeypatch.setattr(inversion, "CHUNK_POSTINGS", 5000)
    spills = []
    save = inversion.Run.save
    monkeypatch.setattr(inversion.Run, "save", lambda run, path: spills.append(path) or save(run, path))
    _build(corpus, tmp_path / "direct", monkeypatch, True, writer_mb)
    _build(corpus, tmp_path / "pool", monkeypatch, False, writer_mb)
    assert (len(spills) > 4) == (writer_mb == 1)
    direct, pool = _files(tmp_path / "direct"), _files(tmp_path / "pool")
    assert set(direct) == set(POSTINGS_FILES) and direct == pool
    before, after = _contents(tmp_path / "pool"), _contents(tmp_path / "direct")
    assert after == before
    terms, _, _, _, hits, live, everything = after
    assert live == everything - 1 and hits
    fields = {f for f, _ in terms}
    assert {"words", "body", "title", "id", "date", "places", "facet_language"} <= fields
    assert any(f == "body" and "\u3040" <= t.decode()[:1] <= "\u9fff" for f, t in terms)  # Japanese, Chinese
    if writer_mb == 1:
        assert not list((tmp_path / "direct").glob("**/direct-*"))  # spilled runs are removed
