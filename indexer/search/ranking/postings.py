"""Whoosh posting lists and field lengths read into numpy arrays: our codec's records in place, W3's (an index
not yet rebuilt) a block at a time."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.formats import Format
from whoosh.matching import Matcher
from whoosh.reading import IndexReader
from whoosh.util.numeric import byte_to_length

from indexer.index.codec import ArrayMatcher
from indexer.index.codec.values import Values
from indexer.search.columns import per_reader

EMPTY_IDS = np.zeros(0, dtype=np.int64)
EMPTY_FLOATS = np.zeros(0, dtype=np.float64)
# Whoosh keeps each document's field length as one byte; this maps the byte back to the length it stands for.
LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


@dataclass
class Postings:
    """One term's postings in a segment: ascending ids, weights (term frequencies), and, when asked for, the
    values (positions and characters): our codec's arrays (``stored``, at ``rows``) or the encoded bytes."""

    ids: np.ndarray
    weights: np.ndarray
    values: np.ndarray | None = None  # of bytes objects
    stored: Values | None = None
    rows: np.ndarray | None = None


def positions(postings: Postings, at: np.ndarray, format_: Format) -> tuple[np.ndarray, np.ndarray]:
    """How many positions each of the postings at ``at`` has, and all those positions one after the other:
    straight from our codec's arrays, else each posting's value decoded."""
    if postings.stored is not None and postings.rows is not None:
        return postings.stored.positions(postings.rows[at])
    assert postings.values is not None, "read without values"
    decoded = [format_.decode_positions(v) for v in postings.values[at]]
    counts = np.fromiter(map(len, decoded), dtype=np.int64, count=len(decoded))
    return counts, np.fromiter(chain.from_iterable(decoded), dtype=np.int64, count=int(counts.sum()))


def read(matcher: Matcher, within: np.ndarray | None = None, values: bool = False) -> Postings:
    """A posting list (only the ids among the ascending ``within`` when given), decoded in bulk (not one Python
    step per posting); the encoded values (positions) only when asked for, and only for the postings kept."""
    if type(matcher) is ArrayMatcher:
        return _read_arrays(matcher, within, values)
    if type(matcher) is W3LeafMatcher:
        return _read_w3(matcher, within, values)
    return _read_any(matcher, within, values)


def _read_arrays(matcher: ArrayMatcher, within: np.ndarray | None, values: bool) -> Postings:
    """Our codec's record: the ids are one cumulative sum over the stored gaps, the weights one cast."""
    record = matcher.record
    ids, weights = record.ids, record.weights()
    if within is None:
        rows = np.arange(len(ids))
    else:  # look each wanted id up in the (longer) posting list rather than filtering the whole list
        rows = np.searchsorted(ids, within)
        found = rows < len(ids)
        found[found] = ids[rows[found]] == within[found]
        rows = rows[found]
        ids, weights = ids[rows], weights[rows]
    if not values:
        return Postings(ids, weights)
    stored = record.values
    if stored.native:
        return Postings(ids, weights, stored=stored, rows=rows)
    return Postings(ids, weights, _objects([stored.value(k, matcher.format) for k in rows.tolist()]))


def _read_any(matcher: Matcher, within: np.ndarray | None, values: bool) -> Postings:
    """Any other matcher (W3's short lists kept inline in the term info), one posting at a time."""
    found: list[tuple[int, float, bytes]] = []
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight(), matcher.value() if values else b""))
        matcher.next()
    ids, weights, vals = zip(*found, strict=True) if found else ((), (), ())
    return _among(
        Postings(
            np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64), _objects(list(vals)) if values else None
        ),
        within,
    )


def _read_w3(matcher: W3LeafMatcher, within: np.ndarray | None, values: bool) -> Postings:
    """W3's blocks (zlib-compressed pickles), a block at a time; a block that cannot hold any id of ``within``
    is skipped undecoded."""
    id_blocks, weight_blocks, value_blocks = [], [], []
    last = -1  # the previous block's last id: a block holds the ids after it, up to its own last id
    while not matcher._atend:
        if within is None or np.searchsorted(within, last, "right") < np.searchsorted(within, matcher._maxid, "right"):
            matcher._read_data()
            ids, weights = matcher._data[0], matcher._data[1]
            # Ids are stored as gaps from the previous id; weights as None (all 1.0), one float, or an array.
            id_blocks.append(np.cumsum(np.asarray(ids, dtype=np.int64)))
            if weights is None or isinstance(weights, float):
                weight_blocks.append(np.full(len(ids), 1.0 if weights is None else weights))
            else:
                weight_blocks.append(np.asarray(weights, dtype=np.float64))
            if values:
                matcher._read_values()
                value_blocks.extend(matcher._values)
        last = matcher._maxid
        matcher._next_block()
    if not id_blocks:
        return empty(values)
    return _among(
        Postings(np.concatenate(id_blocks), np.concatenate(weight_blocks), _objects(value_blocks) if values else None),
        within,
    )


def empty(values: bool = False) -> Postings:
    """No postings (with an empty array of values when asked for)."""
    return Postings(EMPTY_IDS, EMPTY_FLOATS, _objects([]) if values else None)


def _objects(items: list[bytes]) -> np.ndarray:
    array = np.empty(len(items), dtype=object)
    array[:] = items
    return array


def _among(postings: Postings, within: np.ndarray | None) -> Postings:
    if within is None:
        return postings
    keep = np.isin(postings.ids, within, assume_unique=True)
    return Postings(
        postings.ids[keep], postings.weights[keep], None if postings.values is None else postings.values[keep]
    )


def field_lengths(reader: IndexReader, fieldname: str, ids: np.ndarray) -> np.ndarray:
    """These documents' lengths in a field, as Whoosh's scorers see them (quantised to one byte a document; the
    bytes are read once per segment and field)."""
    return LENGTHS[length_codes(reader, fieldname)[ids]]


def length_codes(reader: IndexReader, fieldname: str) -> np.ndarray:
    """Every document's length byte in a field, for one segment (read once per segment and field)."""
    return per_reader(reader, ("field lengths", fieldname), lambda: _read_length_codes(reader, fieldname))


def _read_length_codes(reader: IndexReader, fieldname: str) -> np.ndarray:
    size = reader.doc_count_all()
    column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    codes = np.zeros(size, dtype=np.uint8)
    if column is not None and column._count:
        raw = column._dbfile.get(column._basepos, column._count)
        codes[: len(raw)] = np.frombuffer(raw, dtype=np.uint8)[:size]
    return codes
