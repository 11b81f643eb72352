"""Our array codec against Whoosh's W3: the same corpus built in both formats answers every query alike."""

from __future__ import annotations

import struct
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec, W3LeafMatcher
from whoosh.filedb.filestore import FileStorage, RamStorage
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.formats import Characters, Frequency, Positions
from whoosh.highlight import Highlighter
from whoosh.qparser import QueryParser
from whoosh.query import Query
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher
from whoosh.writing import SegmentWriter

from bench import corpus as corpus_mod
from indexer.index import build, store, writers
from indexer.index.build import reindex
from indexer.index.codec import ArrayCodec, ArrayMatcher, codec, uses_current_codec
from indexer.index.codec import values as values_
from indexer.index.codec.writer import HashBucket, add_ordered
from indexer.index.schema import get_schema
from indexer.search import SearchRequest, SearchResults, searching
from indexer.search.highlight import MarkFormatter, load_page_chars, snippet_fragmenter
from indexer.search.parse import parse_query
from indexer.search.query import load_synonyms
from indexer.search.ranking.arrays import score_all, top
from indexer.search.searchers import SearcherCache
from indexer.settings import SYNONYMS_FILE

needs_data = pytest.mark.needs_data("news-bbc", "news-agnews-test")
LIMIT = 30
TEXTS = [
    "government",
    "election",
    "oil prices",
    "film OR music",
    "minister AND labour",
    "economy -growth",
    "economy NOT growth",
    '"prime minister"',
    '"last year" OR growth',
    '"world cup" football',
    "tele*",
    "gov*",
    "goverment~",
    "electoin~2",
    "title:sales",
    "source:herald",
    "zzzznotaword",
    "the",
]


def _reindex(corpus: Path, root: Path, monkeypatch: pytest.MonkeyPatch, w3: bool, full: bool) -> None:
    """A build in one process, so the document numbers depend only on the corpus; with ``w3`` the segments are
    written in Whoosh's W3 format."""
    with monkeypatch.context() as patch:
        patch.setattr(build, "PARALLEL_MIN_FILES", 10**9)
        if w3:
            patch.setattr(writers, "codec", W3Codec)
            patch.setattr(build, "uses_current_codec", lambda ix: True)
        reindex(corpus, root, full=full)


def _search(searcher: Searcher, text: str, **options: object) -> SearchResults:
    """One search page through the core's own search function, on one format's searcher."""
    synonyms = load_synonyms(SYNONYMS_FILE.default)
    return searching.search(searcher, SearchRequest(text, **options), synonyms)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Searcher, Searcher]]:
    """Searchers over the same news corpus in W3's format and in ours: a full build, then an update (two
    segments, deleted documents)."""
    base = tmp_path_factory.mktemp("codec")
    corpus = base / "corpus"
    corpus_mod.generate(corpus, 300, seed=4)
    monkeypatch = pytest.MonkeyPatch()
    formats = (("w3", True), ("ours", False))
    for name, w3 in formats:
        _reindex(corpus, base / name, monkeypatch, w3, full=True)
    assert corpus_mod.touch_fraction(corpus, 0.1) > 0
    for name, w3 in formats:
        _reindex(corpus, base / name, monkeypatch, w3, full=False)
    caches = [SearcherCache(base / name) for name, _ in formats]
    try:
        yield caches[0].get(), caches[1].get()
    finally:
        for cache in caches:
            cache.close_all()


def _codecs(searcher: Searcher) -> set[type]:
    return {type(reader.segment().codec()) for reader, _ in searcher.reader().leaf_readers()}


@needs_data
def test_the_two_indexes_are_in_the_two_formats(pair: tuple[Searcher, Searcher]) -> None:
    old, new = pair
    assert _codecs(old) == {W3Codec} and _codecs(new) == {ArrayCodec}
    assert new.doc_count_all() == old.doc_count_all() and new.doc_count() == old.doc_count()
    assert len(new.reader().leaf_readers()) > 1 and new.reader().has_deletions()


@needs_data
def test_term_lookups_answer_as_whoosh_does_and_are_kept(pair: tuple[Searcher, Searcher]) -> None:
    """Term infos, frequencies and membership as W3 reads them, missing terms included; a second lookup is served
    from the reader's kept infos, without the term index."""
    old, new = pair
    for (old_reader, _), (new_reader, _) in zip(old.reader().leaf_readers(), new.reader().leaf_readers(), strict=True):
        terms = new_reader._terms  # noqa: SLF001
        words = [text for text, _ in list(old_reader.iter_field("body"))[::50]] + ["zzqxnotaword"]
        index = terms._tindex  # noqa: SLF001
        try:
            for _ in range(2):
                for text in words:
                    for name in ("body", "title"):
                        assert ((name, text) in new_reader) == ((name, text) in old_reader)
                        assert new_reader.doc_frequency(name, text) == old_reader.doc_frequency(name, text)
                        assert new_reader.frequency(name, text) == old_reader.frequency(name, text)
                terms._tindex = None  # the second round must not read the term index
        finally:
            terms._tindex = index
        with pytest.raises(TermNotFound):
            new_reader.term_info("body", "zzqxnotaword")
        assert ("body", b"zzqxnotaword") in terms.infos and terms.infos[("body", b"zzqxnotaword")] is None


@needs_data
def test_every_posting_reads_back_the_same(pair: tuple[Searcher, Searcher]) -> None:
    old, new = pair
    assert list(new.reader().iter_postings()) == list(old.reader().iter_postings())
    stats = ("weight", "doc_frequency", "min_length", "max_length", "max_weight", "min_id", "max_id")
    for (old_reader, _), (new_reader, _) in zip(old.reader().leaf_readers(), new.reader().leaf_readers(), strict=True):
        for fieldname in ("body", "title", "words"):
            for text, info in list(old_reader.iter_field(fieldname))[::20]:
                other = new_reader.term_info(fieldname, text)
                assert [getattr(other, s)() for s in stats] == [getattr(info, s)() for s in stats]


def _whoosh(searcher: Searcher, query: Query) -> list[tuple[int, float, str]]:
    results = searcher.search(query, limit=LIMIT, terms=True)
    results.fragmenter, results.formatter = snippet_fragmenter(), MarkFormatter()
    return [(hit.docnum, round(hit.score, 9), hit.highlights("body")) for hit in results]


@needs_data
@pytest.mark.parametrize("text", TEXTS)
def test_whoosh_answers_alike_in_both_formats(pair: tuple[Searcher, Searcher], text: str) -> None:
    old, new = pair
    query = QueryParser("body", old.schema).parse(text)
    assert _whoosh(new, query) == _whoosh(old, query)
    assert sorted(new.docs_for_query(query)) == sorted(old.docs_for_query(query))


@needs_data
@pytest.mark.parametrize("text", TEXTS)
def test_page_character_positions_are_whooshs(pair: tuple[Searcher, Searcher], text: str) -> None:
    """The highlighter's positions read for a page of hits, segment by segment, are those Whoosh's own loader
    reads for every hit, in both formats and in the second segment too."""
    for searcher in pair:
        results = searcher.search(parse_query(text), limit=None, terms=True)
        if not results.has_matched_terms():
            continue
        page = [hit.docnum for hit in results]
        load_page_chars(results, page, ("body",))
        ours = results._char_cache.pop("body")  # noqa: SLF001
        texts = {searcher.schema["body"].from_bytes(t) for f, t in results.termdocs if f == "body"}
        Highlighter._load_chars(results, "body", texts, searcher.schema["body"].to_bytes)  # noqa: SLF001
        assert ours == {docnum: results._char_cache["body"][docnum] for docnum in page}  # noqa: SLF001
        if text == "government":  # in both segments
            assert any(docnum >= searcher.reader().leaf_readers()[1][1] and ours[docnum] for docnum in page)


@needs_data
@pytest.mark.parametrize("text", TEXTS)
def test_array_ranking_answers_alike_in_both_formats(pair: tuple[Searcher, Searcher], text: str) -> None:
    old, new = pair
    query = parse_query(text)
    before, after = score_all(old, query), score_all(new, query)
    assert (before is None) == (after is None)
    if before is not None and after is not None:
        assert np.array_equal(after.docs, before.docs) and np.array_equal(after.scores, before.scores)
        assert top(new, query, after, LIMIT, None).top_n == top(old, query, before, LIMIT, None).top_n


@needs_data
@pytest.mark.parametrize("text", TEXTS)
def test_search_pages_are_identical_in_both_formats(pair: tuple[Searcher, Searcher], text: str) -> None:
    """Hits, scores, highlights, facets, the timeline, folding and corrections: the whole page."""
    old, new = pair
    pages = [_search(s, text, per_page=20).to_dict() for s in (old, new)]
    for page in pages:
        page.pop("took_ms")
    assert pages[1] == pages[0]


@needs_data
def test_more_like_is_identical_in_both_formats(pair: tuple[Searcher, Searcher]) -> None:
    old, new = pair
    for docnum in range(0, old.doc_count_all(), 37):
        if old.reader().is_deleted(docnum):
            continue
        alike = [[(hit.docnum, round(hit.score, 9)) for hit in s.more_like(docnum, "body", top=10)] for s in (old, new)]
        assert alike[1] == alike[0]


@needs_data
def test_the_matcher_walks_blocks_as_w3_does(pair: tuple[Searcher, Searcher]) -> None:
    """Whoosh's collector relies on skip_to, quality skipping and block statistics: same answers as W3's."""
    old, new = pair
    term = max(old.reader().iter_field("body"), key=lambda item: item[1].doc_frequency())[0]
    matchers = []
    for s in (old, new):
        reader = s.reader().leaf_readers()[0][0]
        matcher = reader.postings("body", term)
        matchers.append(getattr(matcher, "child", matcher))
    assert [type(m) for m in matchers] == [W3LeafMatcher, ArrayMatcher]
    steps = []
    for m in matchers:
        seen = []
        for target in (0, 3, 3, 50, 51, 200, 260, 261, 400):
            if not m.is_active():
                break
            m.skip_to(target)
            if m.is_active():
                seen.append(
                    (
                        m.id(),
                        m.weight(),
                        m.value(),
                        m.block_min_id(),
                        m.block_max_id(),
                        m.block_min_length(),
                        m.block_max_length(),
                        m.block_max_weight(),
                    )
                )
        steps.append(seen)
    assert len(steps[0]) > 3 and steps[1] == steps[0]


def test_an_index_in_w3_format_is_rebuilt_in_full(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "index"
    with monkeypatch.context() as patch:
        patch.setattr(writers, "codec", W3Codec)
        reindex(corpus, root)
    ix = store.open_index(root)
    assert not uses_current_codec(ix)
    ix.close()
    summary = reindex(corpus, root)
    assert summary.full and summary.documents == 6
    ix = store.open_index(root)
    assert uses_current_codec(ix)
    ix.close()
    assert not reindex(corpus, root).full


@needs_data
def test_the_queries_find_something(pair: tuple[Searcher, Searcher]) -> None:
    """The comparisons above compare real answers: most queries match, across several blocks."""
    found = [len(_search(pair[1], text, per_page=20).hits) for text in TEXTS]
    assert sum(n > 0 for n in found) >= len(TEXTS) - 2


occurrences = st.lists(
    st.tuples(st.integers(0, 70_000), st.integers(0, 300_000), st.integers(0, 300)), min_size=1, max_size=12
)


@settings(max_examples=60, deadline=None)
@given(postings=st.lists(occurrences, min_size=1, max_size=40), chars=st.booleans(), ordered=st.booleans())
def test_values_round_trip_as_whoosh_encodes_them(postings: list, chars: bool, ordered: bool) -> None:
    """Positions and characters kept as arrays give back Whoosh's encoded bytes and positions exactly; positions
    out of order keep Whoosh's bytes."""
    format_ = Characters() if chars else Positions()
    if ordered:  # what an analyzer gives: ascending positions, tokens one after another
        postings = [_ordered(occ) for occ in postings]
    encoded = [format_.encode(occ if chars else [p for p, _, _ in occ]) for occ in postings]
    data, kind = values_.encode(format_, encoded)
    stored = values_.Values(memoryview(b"xx" + data), 2, len(encoded), kind, 0)
    assert [stored.value(k, format_) for k in range(len(encoded))] == encoded
    if ordered:
        assert stored.native
    rows = np.arange(len(encoded))[::-2]
    if stored.native:
        counts, flat = stored.positions(rows)
        expected = [format_.decode_positions(encoded[k]) for k in rows]
        assert counts.tolist() == [len(e) for e in expected] and flat.tolist() == [p for e in expected for p in e]


def _ordered(occ: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    out, pos, char = [], 0, 0
    for p, s, n in occ:
        pos, char = pos + p % 50, char + s % 40
        out.append((pos, char, char + n))
        char += n
    return out


@given(st.lists(st.integers(1, 60_000), min_size=1, max_size=300))
def test_frequencies_round_trip_as_whoosh_encodes_them(counts: list[int]) -> None:
    format_ = Frequency()
    encoded = [struct.pack("!I", n) for n in counts]
    data, kind = values_.encode(format_, encoded)
    stored = values_.Values(memoryview(b"x" + data), 1, len(encoded), kind, format_.fixed_value_size())
    assert kind == values_.FREQUENCIES and len(data) <= 4 + 2 * len(counts)
    assert [stored.value(k, format_) for k in range(len(counts))] == encoded


@pytest.mark.parametrize("where", ["folder", "memory"])
def test_compound_segments_on_disk_and_in_memory_are_read(where: str, tmp_path: Path) -> None:
    """Whoosh's default writer packs a segment into one compound file (or keeps it in memory): read without maps."""
    schema = get_schema()
    ix = RamStorage().create_index(schema) if where == "memory" else whoosh_index.create_in(str(tmp_path), schema)
    writer = SegmentWriter(ix, codec=codec(), compound=True)
    for n in range(300):
        writer.add_document(id=str(n), title="alpha beta", body="gamma alpha delta " * (n % 5 + 1))
    writer.commit()
    with ix.searcher() as searcher:
        results = searcher.search(QueryParser("body", schema).parse('"gamma alpha"'), terms=True)
        assert len(results) == 300 and results[0].highlights("body").count("gamma") >= 1
        assert type(searcher.reader().segment().codec()) is ArrayCodec
    ix.close()


def test_the_term_table_is_whooshs_in_a_few_bytes_a_term(tmp_path: Path) -> None:
    """``add_ordered`` into compact hash buckets writes Whoosh's own term table, holding some 20 bytes a term until
    it is written where Whoosh's buckets held a tuple of two ints (about 130)."""
    keys = sorted(b"%07d" % (i * 7919 % 100_003) + b"k" * (i % 5) for i in range(30_000))
    values = [b"v%d" % i for i in range(len(keys))]
    storage = FileStorage(str(tmp_path))  # written to disk: the file's bytes are not held
    theirs = OrderedHashWriter(storage.create_file("theirs"))
    for key, value in zip(keys, values, strict=True):
        theirs.add(key, value)
    theirs.close()
    ours = OrderedHashWriter(storage.create_file("ours"))
    ours.buckets = [HashBucket() for _ in ours.buckets]
    tracemalloc.start()
    try:
        add_ordered(ours, keys[:10_000], values[:10_000])
        ours.add(keys[10_000], values[10_000])  # one at a time, as the pool path adds a term
        add_ordered(ours, keys[10_001:], values[10_001:])
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    ours.close()
    assert (tmp_path / "ours").read_bytes() == (tmp_path / "theirs").read_bytes()
    assert held < 24 * len(keys)
