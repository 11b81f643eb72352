"""Records written many terms at once (``codec.bulk``) against ``ArrayPostingsWriter``, one posting at a time."""

from __future__ import annotations

import numpy as np
import pytest
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.filedb.filestore import RamStorage
from whoosh.formats import Characters, Existence, Format, Frequency, Positions
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length

from indexer.index.codec import bulk, values
from indexer.index.codec.layout import HEADER
from indexer.index.codec.writer import ArrayPostingsWriter

FORMATS = [Characters(), Positions(field_boost=2.0), Frequency(), Existence(field_boost=1.5)]


def _postings(seed: int, boost: float) -> bulk.TermPostings:
    """Terms of 1 to 400 postings (several blocks), ids with wide gaps, some terms without field lengths, and
    characters out of order in a few postings (their values stay Whoosh's bytes)."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(1, 400, 120)
    counts[::7] = 1
    words = {bytes(rng.integers(97, 123, rng.integers(1, 8)).astype(np.uint8)) for _ in range(400)}
    docs, freqs, positions, starts, ends, lengths = [], [], [], [], [], []
    for n in counts:
        docs.append(np.sort(rng.choice(100_000 if rng.random() < 0.5 else 5_000, n, replace=False)))
        freqs.append(rng.integers(1, 6, n))
        for k in freqs[-1]:
            positions.append(np.sort(rng.choice(70_000 if rng.random() < 0.2 else 300, k, replace=False)))
            start = np.cumsum(rng.integers(0, 50, k))
            if rng.random() < 0.05:
                start = start[::-1]
            starts.append(start)
            ends.append(start + rng.integers(0, 20, k))
        lengths.append(rng.integers(1, 255, n) * (rng.random() < 0.7))  # a term has lengths in all or none
    freq = np.concatenate(freqs)
    return bulk.TermPostings(
        sorted(words)[: len(counts)],
        counts,
        np.concatenate(docs),
        freq * boost,
        np.concatenate(lengths).astype(np.uint8),
        freq,
        *map(np.concatenate, (positions, starts, ends)),
    )


def _one_at_a_time(chunk: bulk.TermPostings, format_: Format) -> tuple[bytes, bytes, list[bytes]]:
    storage = RamStorage()
    postfile, valuefile = storage.create_file("pst"), storage.create_file("pos")
    writer = ArrayPostingsWriter(postfile, valuefile)
    infos, p, o = [], 0, 0
    for n in chunk.counts:
        writer.start_postings(format_, W3TermInfo())
        for _ in range(n):
            k = int(chunk.freqs[p])
            occurrences = chunk.positions[o : o + k].tolist()
            if type(format_) is Characters:
                spans = chunk.starts[o : o + k].tolist(), chunk.ends[o : o + k].tolist()
                occurrences = list(zip(occurrences, *spans, strict=True))
            value = pack_uint(k) if type(format_) is Frequency else format_.encode(occurrences)
            byte = int(chunk.lengths[p])
            writer.add_posting(int(chunk.docs[p]), float(chunk.weights[p]), value, byte_to_length(byte) if byte else 0)
            p, o = p + 1, o + k
        infos.append(writer.finish_postings().to_bytes())
    return postfile.file.getvalue(), valuefile.file.getvalue(), infos


@pytest.mark.parametrize("format_", FORMATS, ids=lambda f: type(f).__name__)
@pytest.mark.parametrize("seed", [1, 2])
def test_bulk_records_are_the_one_at_a_time_records(format_: Format, seed: int) -> None:
    chunk = _postings(seed, format_.field_boost)
    expected = _one_at_a_time(chunk, format_)
    assert bulk.encode(chunk, format_, 0, 0) == expected
    if type(format_) is Characters:  # values kept as arrays, and as Whoosh's bytes where characters go back
        kinds = {_value_kind(expected[0], W3TermInfo.from_bytes(info).extent()[0]) for info in expected[2]}
        assert values.CHARACTERS in kinds and kinds - {values.CHARACTERS}


def _value_kind(records: bytes, at: int) -> int:
    return HEADER.unpack_from(records, at)[6]


def test_offsets_in_the_files_are_where_the_records_land() -> None:
    chunk = _postings(3, 1.0)
    records, _, infos = bulk.encode(chunk, Characters(), 1000, 0)
    at = [W3TermInfo.from_bytes(info).extent()[0] for info in infos]
    assert at[0] == 1000 and all(records[a - 1000 : a - 996] == b"NFP1" for a in at)
