"""The on-disk layout of one term's postings: typed arrays that numpy reads in place.

A term's record in the postings file (``.pst``)::

    header     magic, postings, blocks, first id, id width, weight kind, value kind, fixed value size, value offset
    directory  per block of ``BLOCK`` postings: last id (u4), top weight (f8), shortest and longest field (u1 each)
    ids        gaps between consecutive ids (the first gap is 0, the first id is in the header), u1/u2/u4
    weights    nothing (all 1.0), u1 or u2 (whole numbers), or f4 (what Whoosh's W3 blocks keep)

The values (positions and characters) live apart, in the values file (``.pos``), at the header's value offset
(see ``values``): a query reads them only for phrases and highlights, and ids and weights stay packed together
in the page cache.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from functools import cached_property
from typing import Any

import numpy as np

from indexer.index.codec import values as values_
from indexer.index.codec.values import Values, uint_width

MAGIC = b"NFP1"
# The block size of Whoosh's W3 codec: the same blocks give Whoosh's block-quality skipping the same bounds.
BLOCK = 128
HEADER = struct.Struct("<4sIIIBBBxIQ")
ALL_ONES, FLOAT = 0, 4
_UINTS = {1: np.dtype("<u1"), 2: np.dtype("<u2"), 4: np.dtype("<u4")}
_F4, _F8, _U4, _U1 = np.dtype("<f4"), np.dtype("<f8"), np.dtype("<u4"), np.dtype("<u1")


def weight_kind(weights: np.ndarray) -> int:
    """How a term's weights are stored: ALL_ONES, as 1- or 2-byte whole numbers, or FLOAT."""
    if not len(weights) or bool(np.all(weights == 1.0)):
        return ALL_ONES
    if bool(np.all(weights == np.floor(weights))) and weights.min() >= 0 and weights.max() < 1 << 16:
        return uint_width(int(weights.max()))
    return FLOAT


def encode(
    ids: np.ndarray,
    weights: np.ndarray,
    blocks: list[tuple[int, float, int, int]],
    value_offset: int,
    values: Sequence[bytes],
    format_: Any,
) -> tuple[bytes, bytes]:
    """A term's record for the postings file and its values for the values file (``ids`` ascending,
    ``weights`` float32, one ``(last id, top weight, shortest, longest)`` per block)."""
    gaps = np.diff(ids, prepend=ids[:1])
    id_width = uint_width(int(gaps.max()))
    kind = weight_kind(weights)
    value_bytes, value_kind = values_.encode(format_, values)
    fixed_size = format_.fixed_value_size()
    header = HEADER.pack(
        MAGIC, len(ids), len(blocks), int(ids[0]), id_width, kind, value_kind, fixed_size or 0, value_offset
    )
    last, top, shortest, longest = zip(*blocks, strict=True)
    parts = [
        header,
        np.asarray(last, _U4).tobytes(),
        np.asarray(top, _F8).tobytes(),
        np.asarray(shortest, _U1).tobytes(),
        np.asarray(longest, _U1).tobytes(),
        gaps.astype(_UINTS[id_width]).tobytes(),
    ]
    if kind != ALL_ONES:
        parts.append(weights.astype(_F4 if kind == FLOAT else _UINTS[kind]).tobytes())
    return b"".join(parts), value_bytes


class TermRecord:
    """One term's postings, read in place from the memory-mapped files; arrays are decoded when first asked for."""

    def __init__(self, postings: memoryview, offset: int, values: memoryview) -> None:
        (
            magic,
            self.count,
            self.blocks,
            self.first_id,
            self._id_width,
            self._weight_kind,
            self._value_kind,
            self._fixed_size,
            self._value_offset,
        ) = HEADER.unpack_from(postings, offset)
        if magic != MAGIC:
            raise ValueError(f"not a newsfind postings record at {offset}: {magic!r}")
        self._buffer, self._values = postings, values
        at = offset + HEADER.size
        n, b = self.count, self.blocks
        self.last_ids = np.frombuffer(postings, _U4, b, at)
        self.top_weights = np.frombuffer(postings, _F8, b, at + 4 * b)
        self.shortest = np.frombuffer(postings, _U1, b, at + 12 * b)
        self.longest = np.frombuffer(postings, _U1, b, at + 13 * b)
        self._gaps_at = at + 14 * b
        self._weights_at = self._gaps_at + self._id_width * n

    def gaps(self, start: int = 0, stop: int | None = None) -> np.ndarray:
        """The id gaps of postings ``start:stop``, as stored."""
        stop = self.count if stop is None else stop
        return np.frombuffer(self._buffer, _UINTS[self._id_width], stop - start, self._gaps_at + self._id_width * start)

    @cached_property
    def ids(self) -> np.ndarray:
        """Every posting's document id, ascending (int64)."""
        return np.cumsum(self.gaps(), dtype=np.int64) + self.first_id

    def block_ids(self, block: int) -> np.ndarray:
        """The ids of one block, decoded alone (the previous block's last id is its base)."""
        start = block * BLOCK
        base = self.first_id if block == 0 else int(self.last_ids[block - 1])
        return np.cumsum(self.gaps(start, min(start + BLOCK, self.count)), dtype=np.int64) + base

    def weights(self, start: int = 0, stop: int | None = None) -> np.ndarray:
        """The weights of postings ``start:stop`` (float64, each the float32 Whoosh would give)."""
        stop = self.count if stop is None else stop
        if self._weight_kind == ALL_ONES:
            return np.ones(stop - start)
        dtype = _F4 if self._weight_kind == FLOAT else _UINTS[self._weight_kind]
        return np.frombuffer(self._buffer, dtype, stop - start, self._weights_at + dtype.itemsize * start).astype(
            np.float64
        )

    @cached_property
    def values(self) -> Values:
        """The term's values (positions, characters), from the values file."""
        return Values(self._values, self._value_offset, self.count, self._value_kind, self._fixed_size)
