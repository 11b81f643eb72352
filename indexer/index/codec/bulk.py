"""Many terms' records written at once from arrays: the layout of ``layout`` and ``values``, computed with numpy.

``ArrayPostingsWriter`` builds one term's record from Whoosh's postings, one posting at a time. Here a field's
postings arrive as arrays (term by term, each term's in document order), and every record of a run of terms is
computed together: per-term widths and kinds with ``reduceat``, each record's byte offsets by a cumulative sum,
and each column scattered into one buffer, a width class at a time. The bytes are those ``ArrayPostingsWriter``
writes, and the term infos are W3's, to the bit (``tests/test_bulk.py`` compares the files).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh.formats import Characters, Existence, Frequency

from indexer.index.codec import layout
from indexer.index.codec import values as values_

_HEADER = np.dtype(
    {
        "names": ["magic", "count", "blocks", "first", "id_width", "weight_kind", "value_kind", "fixed", "values"],
        "formats": ["S4", "<u4", "<u4", "<u4", "u1", "u1", "u1", "<u4", "<u8"],
        "offsets": [0, 4, 8, 12, 16, 17, 18, 20, 24],
        "itemsize": layout.HEADER.size,
    }
)
# W3TermInfo's bytes ("!BfIBBfII", then the extent as "!q" and "!i"), not inlined.
_TERMINFO = np.dtype(
    {
        "names": ["inlined", "weight", "df", "minlength", "maxlength", "maxweight", "minid", "maxid", "at", "size"],
        "formats": ["u1", ">f4", ">u4", "u1", "u1", ">f4", ">u4", ">u4", ">i8", ">i4"],
        "offsets": [0, 1, 5, 9, 10, 11, 15, 19, 23, 31],
        "itemsize": 35,
    }
)
_U1 = np.dtype("u1")


@dataclass
class TermPostings:
    """A field's postings for a run of terms: term by term (``terms`` ascending), each term's by document."""

    terms: list[bytes]
    counts: np.ndarray  # postings of each term
    docs: np.ndarray  # each posting's document number
    weights: np.ndarray  # each posting's weight (float64, as Whoosh's add_posting is given it)
    lengths: np.ndarray  # each posting's field length byte (0: none)
    freqs: np.ndarray  # occurrences in each posting (a Frequency format's value)
    positions: np.ndarray | None = None  # each occurrence's position, posting by posting
    starts: np.ndarray | None = None  # (characters) each occurrence's first and last character
    ends: np.ndarray | None = None


def _uint_widths(largest: np.ndarray) -> np.ndarray:
    return np.where(largest < 1 << 8, 1, np.where(largest < 1 << 16, 2, 4)).astype(np.int64)


def _put(out: np.ndarray, at: np.ndarray, numbers: np.ndarray, dtype: Any) -> None:
    """Write ``numbers`` as ``dtype`` at byte offsets ``at``."""
    if not len(at):
        return
    dtype = np.dtype(dtype)
    rows = np.ascontiguousarray(numbers.astype(dtype)).view(_U1).reshape(len(at), dtype.itemsize)
    out[at[:, None] + np.arange(dtype.itemsize)] = rows


def _put_widths(out: np.ndarray, at: np.ndarray, numbers: np.ndarray, widths: np.ndarray) -> None:
    """Write each number as an unsigned integer of its width (1, 2 or 4 bytes) at its offset."""
    for width in (1, 2, 4):
        chosen = widths == width
        _put(out, at[chosen], numbers[chosen], f"<u{width}")


def firsts(counts: np.ndarray) -> np.ndarray:
    """Where each of consecutive groups of ``counts`` items begins."""
    return np.cumsum(counts) - counts


class _Groups:
    """Items in consecutive groups: each item's group and its index within it."""

    def __init__(self, counts: np.ndarray) -> None:
        self.counts = counts
        self.firsts = firsts(counts)
        self.group = np.repeat(np.arange(len(counts)), counts)
        self.index = np.arange(len(self.group)) - self.firsts[self.group]
        self.nonempty = counts > 0

    def reduce(self, ufunc: Any, items: np.ndarray, empty: Any = 0) -> np.ndarray:
        """``ufunc`` over each group's items (``empty`` for an empty group)."""
        out = np.full(len(self.counts), empty, dtype=np.result_type(items, type(empty)))
        if len(items):
            out[self.nonempty] = ufunc.reduceat(items, self.firsts[self.nonempty])
        return out


def encode(chunk: TermPostings, format_: Any, post_base: int, value_base: int) -> tuple[bytes, bytes, list[bytes]]:
    """Every term's record (for the postings file at ``post_base``), its values (for the values file at
    ``value_base``) and its W3 term info bytes."""
    terms = _Groups(chunk.counts)
    n, docs = chunk.counts, chunk.docs.astype(np.int64)
    gaps = np.diff(docs, prepend=docs[:1])
    gaps[terms.firsts] = 0
    id_width = _uint_widths(terms.reduce(np.maximum, gaps))
    stored = chunk.weights.astype(np.float32)
    weight_kind = _weight_kinds(terms, stored)
    weight_width = np.where(weight_kind == layout.ALL_ONES, 0, weight_kind)
    # Blocks of BLOCK postings within each term.
    blocks = _Groups((n + layout.BLOCK - 1) // layout.BLOCK)
    block_counts = np.minimum(n[blocks.group] - blocks.index * layout.BLOCK, layout.BLOCK)
    in_blocks = _Groups(block_counts)
    nb = blocks.counts
    sizes = layout.HEADER.size + 14 * nb + (id_width + weight_width) * n
    at = firsts(sizes)
    out = np.zeros(int(sizes.sum()), dtype=_U1)

    value_bytes, value_at, value_kind = _values(chunk, format_, terms, value_base)
    header = np.zeros(len(n), dtype=_HEADER)
    header["magic"] = layout.MAGIC
    header["count"], header["blocks"], header["first"] = n, nb, docs[terms.firsts]
    header["id_width"], header["weight_kind"], header["value_kind"] = id_width, weight_kind, value_kind
    header["fixed"] = format_.fixed_value_size() or 0
    header["values"] = value_at
    out[at[:, None] + np.arange(layout.HEADER.size)] = header.view(_U1).reshape(len(n), layout.HEADER.size)

    directory = at[blocks.group] + layout.HEADER.size
    b, j = nb[blocks.group], blocks.index
    block_last = in_blocks.firsts + block_counts - 1
    lengths = chunk.lengths.astype(np.int64)
    _put(out, directory + 4 * j, docs[block_last], "<u4")
    _put(out, directory + 4 * b + 8 * j, np.maximum(in_blocks.reduce(np.maximum, chunk.weights, 0.0), 0.0), "<f8")
    shortest = in_blocks.reduce(np.minimum, np.where(lengths > 0, lengths, 256), 256)
    _put(out, directory + 12 * b + j, np.where(shortest == 256, 0, shortest), "u1")
    _put(out, directory + 13 * b + j, in_blocks.reduce(np.maximum, lengths, 0), "u1")

    gaps_at = at + layout.HEADER.size + 14 * nb
    t = terms.group
    _put_widths(out, gaps_at[t] + id_width[t] * terms.index, gaps, id_width[t])
    weights_at = gaps_at + id_width * n
    floats = weight_kind[t] == layout.FLOAT
    _put(out, (weights_at[t] + 4 * terms.index)[floats], stored[floats], "<f4")
    whole = (weight_kind[t] == 1) | (weight_kind[t] == 2)
    _put_widths(out, (weights_at[t] + weight_width[t] * terms.index)[whole], stored[whole], weight_width[t][whole])

    infos = np.zeros(len(n), dtype=_TERMINFO)
    # W3 sums each block's float32 weights, then the blocks' sums, in double precision.
    infos["weight"] = blocks.reduce(np.add, in_blocks.reduce(np.add, stored.astype(np.float64), 0.0), 0.0)
    infos["df"] = n
    shortest = terms.reduce(np.minimum, np.where(lengths > 0, lengths, 256), 256)
    infos["minlength"] = np.where(shortest == 256, 0, shortest)
    infos["maxlength"] = terms.reduce(np.maximum, lengths, 0)
    infos["maxweight"] = np.maximum(terms.reduce(np.maximum, chunk.weights, 0.0), 0.0)
    infos["minid"], infos["maxid"] = docs[terms.firsts], docs[terms.firsts + n - 1]
    infos["at"], infos["size"] = at + post_base, sizes
    blob = infos.tobytes()
    size = _TERMINFO.itemsize
    return out.tobytes(), value_bytes, [blob[k : k + size] for k in range(0, len(blob), size)]


def _weight_kinds(terms: _Groups, stored: np.ndarray) -> np.ndarray:
    """``layout.weight_kind`` of each term's float32 weights."""
    ones = terms.reduce(np.minimum, (stored == 1.0).astype(np.int8), 1).astype(bool)
    whole = terms.reduce(np.minimum, (stored == np.floor(stored)).astype(np.int8), 1).astype(bool)
    low = terms.reduce(np.minimum, stored, np.float32(0))
    high = terms.reduce(np.maximum, stored, np.float32(0))
    fits = whole & (low >= 0) & (high < 1 << 16)
    return np.where(ones, layout.ALL_ONES, np.where(fits, _uint_widths(high.astype(np.int64)), layout.FLOAT))


def _values(chunk: TermPostings, format_: Any, terms: _Groups, base: int) -> tuple[bytes, np.ndarray, np.ndarray]:
    """The values file's bytes for every term, each term's offset in it and its value kind (``values``)."""
    n, t = terms.counts, terms.group
    if type(format_) is Existence:
        return b"", np.full(len(n), base), np.full(len(n), values_.NONE)
    freqs = chunk.freqs.astype(np.int64)
    count_width = _uint_widths(terms.reduce(np.maximum, freqs))
    if type(format_) is Frequency:
        sizes = values_.WIDTHS.size + count_width * n
        rel = firsts(sizes)
        out = np.zeros(int(sizes.sum()), dtype=_U1)
        _put(out, rel, count_width, "u1")
        _put_widths(out, rel[t] + values_.WIDTHS.size + count_width[t] * terms.index, freqs, count_width[t])
        return out.tobytes(), rel + base, np.full(len(n), values_.FREQUENCIES)
    chars = type(format_) is Characters
    occ = _Groups(freqs)
    positions = chunk.positions.astype(np.int64)
    columns = [_within(positions, occ.firsts, 0)]
    if chars:
        starts, ends = chunk.starts.astype(np.int64), chunk.ends.astype(np.int64)
        columns += [_within(starts, occ.firsts, ends), ends - starts]
    o = t[occ.group]  # each occurrence's term
    per_term = _Groups(terms.reduce(np.add, freqs))
    occ_index = np.arange(len(o)) - per_term.firsts[o]
    lowest = np.min([per_term.reduce(np.minimum, c, 0) for c in columns], axis=0)
    widths = [_uint_widths(per_term.reduce(np.maximum, c, 0)) for c in columns]
    native = lowest >= 0
    sizes = values_.WIDTHS.size + count_width * n + sum(w * per_term.counts for w in widths)
    kinds = np.full(len(n), values_.CHARACTERS if chars else values_.POSITIONS)
    fallback = {int(k): _whoosh_values(chunk, format_, terms, occ, int(k)) for k in np.flatnonzero(~native)}
    for k, (data, kind) in fallback.items():
        sizes[k], kinds[k] = len(data), kind
    rel = firsts(sizes)
    out = np.zeros(int(sizes.sum()), dtype=_U1)
    heads = np.zeros((len(n), 4), dtype=np.int64)
    heads[:, 0] = count_width
    for c, w in enumerate(widths):
        heads[:, c + 1] = w
    put = native
    _put(out, (rel[:, None] + np.arange(4))[put].ravel(), heads[put].ravel(), "u1")
    p = put[t]
    _put_widths(out, (rel[t] + 4 + count_width[t] * terms.index)[p], freqs[p], count_width[t][p])
    column_at = rel + 4 + count_width * n
    q = put[o]
    for column, w in zip(columns, widths, strict=True):
        _put_widths(out, (column_at[o] + w[o] * occ_index)[q], column[q], w[o][q])
        column_at = column_at + w * per_term.counts
    for k, (data, _) in fallback.items():
        out[rel[k] : rel[k] + len(data)] = np.frombuffer(data, dtype=_U1)
    return out.tobytes(), rel + base, kinds


def _within(numbers: np.ndarray, firsts: np.ndarray, previous: Any) -> np.ndarray:
    """Each number less the previous item's (``previous``: that item's other number), the first of each posting
    kept whole."""
    before = previous if isinstance(previous, np.ndarray) else numbers
    gaps = numbers - np.concatenate(([0], before[:-1]))
    gaps[firsts] = numbers[firsts]
    return gaps


def _whoosh_values(chunk: TermPostings, format_: Any, terms: _Groups, occ: _Groups, k: int) -> tuple[bytes, int]:
    """One term's values as ``values.encode`` keeps them when they are not arrays (from Whoosh's encoding)."""
    first, count = int(terms.firsts[k]), int(terms.counts[k])
    encoded = []
    for posting in range(first, first + count):
        at = slice(int(occ.firsts[posting]), int(occ.firsts[posting] + occ.counts[posting]))
        positions = chunk.positions[at].tolist()
        if type(format_) is Characters:
            positions = list(zip(positions, chunk.starts[at].tolist(), chunk.ends[at].tolist(), strict=True))
        encoded.append(format_.encode(positions))
    data, kind = values_.encode(format_, encoded)
    return data, kind
