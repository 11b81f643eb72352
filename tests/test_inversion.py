"""The direct writer (postings as arrays, written by ``codec.bulk``) against the pool path: the same segment."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.qparser import QueryParser

from bench.shared import DATA
from indexer.index import build, runs, segments, store
from indexer.index.build import reindex
from indexer.index.languages import LanguageAnalyzer
from indexer.index.writers import segment_writer

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
    monkeypatch.setattr(runs, "CHUNK_POSTINGS", 5000)
    spills = []
    save = runs.Run.save
    monkeypatch.setattr(runs.Run, "save", lambda run, path: spills.append(path) or save(run, path))
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


def _writers_files(tmp_path: Path, schema: Schema, docs: list[dict[str, str]], batches: int) -> list[dict[str, bytes]]:
    files = []
    for cls in (segments.BatchSegmentWriter, segments.PoolSegmentWriter):
        folder = tmp_path / cls.__name__
        folder.mkdir()
        ix = whoosh_index.create_in(str(folder), schema)
        writer = segment_writer(ix, 1, cls=cls)
        step = -(-len(docs) // batches)
        for start in range(0, len(docs), step):
            writer.add_batch(docs[start : start + step])
        writer.commit()
        files.append({p.suffix: p.read_bytes() for p in folder.iterdir() if p.suffix in (".trm", ".pst", ".pos")})
        ix.close()
    return files


@pytest.mark.parametrize("batches", [1, 7])
def test_stop_words_renumbered_and_languages_interleaved_write_the_same_segment(tmp_path: Path, batches: int) -> None:
    """An analyzer that drops stop words (positions renumbered around them, as Whoosh's StopFilter does), a field
    analysed per document language (English, French, Japanese and Chinese documents interleaved: their tokens come
    a language at a time), ids and keywords: the direct writer's files are the pool writer's."""
    schema = Schema(
        id=ID(stored=True),
        tags=KEYWORD(commas=True),
        plain=TEXT(analyzer=StandardAnalyzer()),
        body=TEXT(analyzer=LanguageAnalyzer("text"), chars=True),
        language=ID(stored=True),
    )
    texts = {
        "en": "The election of the new government was the talk of the town, and of the week.",
        "fr": "Les élections présidentielles et le gouvernement de la France.",
        "ja": "経済政策について政府は述べた。経済は回復した。",
        "zh": "国民经济稳定增长，国民经济政策。",
    }
    docs = [
        {
            "id": f"d{n}",
            "tags": "a,b" if n % 2 else "c",
            "plain": f"a the {texts['en'][n % 20 :]} of an {n}",
            "body": texts[lang] * (1 + n % 3),
            "language": lang,
        }
        for n, lang in enumerate(["en", "fr", "ja", "zh", "en", "ja"] * 12)
    ]
    direct, pool = _writers_files(tmp_path, schema, docs, batches)
    assert set(direct) == {".trm", ".pst", ".pos"} and direct == pool


@needs_data
def test_parallel_sub_writers_spill_into_their_own_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two sub-writers past their memory limit write the same index as one process: each spills its runs into a
    folder of its own (sharing Whoosh's one temporary folder, they overwrote each other's runs)."""
    corpus = _corpus(tmp_path / "corpus", per_file=120)
    _build(corpus, tmp_path / "one", monkeypatch, True, 256)
    with monkeypatch.context() as patch:
        patch.setattr(build, "PARALLEL_MIN_FILES", 0)
        patch.setattr(build, "PARALLEL_MIN_BYTES", 0)
        patch.setattr(build, "WRITER_MB", 1)
        patch.setattr(build, "_workers", lambda files: 2)
        reindex(corpus, tmp_path / "two", full=True)
    ix = store.open_index(tmp_path / "two")
    try:
        assert len(ix._segments()) == 2  # noqa: SLF001
    finally:
        ix.close()
    one, two = _contents(tmp_path / "one"), _contents(tmp_path / "two")
    assert sorted(two[0]) == sorted(one[0]) and two[5:] == one[5:]
    assert not list((tmp_path / "two").glob("**/*.tmp"))


def test_each_writer_has_its_own_temporary_folder(tmp_path: Path) -> None:
    """Whoosh names a writer's temporary folder after the index; our pools' (where runs spill) are named after their
    segments, and removed when the segment is written or cancelled."""
    ix = whoosh_index.create_in(str(tmp_path), Schema(body=TEXT))
    first, second = (segment_writer(ix, 1, lock=False) for _ in range(2))
    folders = [Path(writer.pool.tempstore.folder) for writer in (first, second)]
    assert folders[0] != folders[1] and all(folder.is_dir() for folder in folders)
    second._close_segment()  # as an empty sub-writer ends  # noqa: SLF001
    first.add_document(body="a few words")
    first.commit()
    assert not any(folder.exists() for folder in folders)
    ix.close()


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts open files in /proc")
def test_spilled_runs_hold_no_open_file(tmp_path: Path) -> None:
    """Runs spilled to disk are read back a range at a time when the segment is written: none keeps a file open
    (memory-mapped runs held one for each array, and every page a merge had read counted in the writer's memory)."""
    ix = whoosh_index.create_in(str(tmp_path), Schema(id=ID(stored=True), body=TEXT(chars=True)))
    writer = segment_writer(ix, 1, cls=segments.BatchSegmentWriter)
    words = [f"w{n % 997}x{n % 13}" for n in range(2000)]
    before = len(list(Path("/proc/self/fd").iterdir()))
    for batch in range(30):
        writer.add_batch([{"id": f"d{batch}-{n}", "body": " ".join(words[n:] + words[:n])} for n in range(12)])
    assert writer.postings.spilled >= 30
    assert len(list(Path("/proc/self/fd").iterdir())) - before < 5
    writer.commit()
    with ix.searcher() as searcher:
        assert searcher.doc_count() == 360
        assert len(list(searcher.postings("body", "w5x5").all_ids())) == 360
    ix.close()


def test_merging_many_runs_reads_their_terms_one_run_at_a_time(tmp_path: Path) -> None:
    """The union of 50 saved runs' terms (mostly the same words) is Python's sorted set, each run's terms ranked in
    it, without every run's term list held at once (50 copies of each word: some 50 MB here)."""
    vocabulary = [b"word%05d" % n for n in range(25_000)]
    saved = []
    for r in range(50):
        names = sorted(vocabulary[r * 10 :][:20_000] + [b"only%02d" % r])
        counts = np.ones(len(names), dtype=np.int64)
        docs = np.full(len(names), r, dtype=np.uint32)
        saved.append(runs.Run(names, counts, docs, counts.astype(np.uint32)).save(str(tmp_path / f"run-{r}")))
    tracemalloc.start()
    try:
        terms, ranks = runs.union(saved)
        held = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    everything = [run.all_terms() for run in saved]
    assert terms == sorted(set().union(*everything))
    assert all([terms[i] for i in rank.tolist()] == names for rank, names in zip(ranks, everything, strict=True))
    assert held < 24 << 20


def test_a_saved_run_reads_back_what_it_holds_and_refuses_a_cut_file(tmp_path: Path) -> None:
    counts = np.array([2, 1], dtype=np.int64)
    run = runs.Run([b"a", b"b"], counts, np.array([0, 3, 1], dtype=np.uint32), np.array([2, 1, 1], dtype=np.uint32))
    run.positions = np.array([0, 5, 2, 7], dtype=np.uint32)
    saved = run.save(str(tmp_path / "run"))
    for taken, next_at in (saved.take(1, 3, 2), run.take(1, 3, 2)):
        assert taken.docs.tolist() == [3, 1] and taken.positions.tolist() == [2, 7] and next_at == 4
    path = tmp_path / "run.arrays"
    path.write_bytes(path.read_bytes()[:-4])  # the last position lost
    with pytest.raises(OSError, match="cut short"):
        saved.take(1, 3, 2)
