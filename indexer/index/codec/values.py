"""A term's encoded values (positions, characters) in the values file, as arrays where the format allows.

Whoosh's ``Positions`` and ``Characters`` formats encode each posting's value as a pickled list of gaps. Here a
term keeps them as columns instead, so a phrase check reads every document's positions with a few numpy calls::

    widths   4 bytes: of the counts, position gaps, start gaps and lengths (1, 2 or 4 each)
    counts   occurrences in each posting
    gaps     each occurrence's position less the previous one's in the same document (the first: its position)
    starts   (characters only) each start character less the previous occurrence's end character (the first: its
             start), then each occurrence's length in characters

A ``Frequency`` format's values (each a 4-byte count) are kept as one column of counts (after the widths).
Any other format (or gaps that would be negative) keeps Whoosh's encoded bytes: their lengths, then the bytes.
``value`` gives any posting's value as the format encodes it, so Whoosh's decoders and highlighter read it.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from functools import cached_property
from itertools import chain
from typing import Any

import numpy as np
from whoosh.formats import Characters, Frequency, Positions

NONE, FIXED, POSITIONS, CHARACTERS, FREQUENCIES = 0, 255, 16, 17, 18  # else 1, 2 or 4: the width of each length
WIDTHS = struct.Struct("<4B")
FREQUENCY = struct.Struct("!I")  # Whoosh's encoding of a Frequency value
_UINTS = {1: np.dtype("<u1"), 2: np.dtype("<u2"), 4: np.dtype("<u4")}


def uint_width(largest: int) -> int:
    """The fewest bytes (1, 2 or 4) that hold unsigned integers up to ``largest``."""
    return 1 if largest < 1 << 8 else 2 if largest < 1 << 16 else 4


def _column(numbers: np.ndarray) -> tuple[int, bytes]:
    width = uint_width(int(numbers.max())) if len(numbers) else 1
    return width, numbers.astype(_UINTS[width]).tobytes()


def encode(format_: Any, values: Sequence[bytes]) -> tuple[bytes, int]:
    """The bytes for the values file and their kind."""
    if not any(values):
        return b"", NONE
    if type(format_) in (Positions, Characters):
        native = _encode_native(format_, values)
        if native is not None:
            return native
    if type(format_) is Frequency and all(len(v) == FREQUENCY.size for v in values):
        width, counts = _column(np.frombuffer(b"".join(values), dtype=">u4"))
        return WIDTHS.pack(width, 0, 0, 0) + counts, FREQUENCIES
    fixed = format_.fixed_value_size()
    if fixed:
        return b"".join(values), FIXED
    width, lengths = _column(np.fromiter(map(len, values), dtype=np.int64, count=len(values)))
    return lengths + b"".join(values), width


def _encode_native(format_: Positions, values: Sequence[bytes]) -> tuple[bytes, int] | None:
    chars = type(format_) is Characters
    decoded = [format_.decode_characters(v) if chars else format_.decode_positions(v) for v in values]
    counts = np.fromiter(map(len, decoded), dtype=np.int64, count=len(decoded))
    firsts = np.cumsum(counts) - counts  # each posting's first occurrence
    if chars:
        table = np.array(list(chain.from_iterable(decoded)), dtype=np.int64).reshape(-1, 3)
        positions, starts, ends = table[:, 0], table[:, 1], table[:, 2]
        start_gaps = starts - np.concatenate(([0], ends[:-1]))
        start_gaps[firsts] = starts[firsts]
        columns = [counts, _gaps(positions, firsts), start_gaps, ends - starts]
    else:
        positions = np.fromiter(chain.from_iterable(decoded), dtype=np.int64, count=int(counts.sum()))
        columns = [counts, _gaps(positions, firsts)]
    if any(len(c) and c.min() < 0 for c in columns):  # positions out of order: keep Whoosh's bytes
        return None
    widths, parts = zip(*map(_column, columns), strict=True)
    return WIDTHS.pack(*widths, *[0] * (4 - len(widths))) + b"".join(parts), CHARACTERS if chars else POSITIONS


def _gaps(numbers: np.ndarray, firsts: np.ndarray) -> np.ndarray:
    gaps = np.diff(numbers, prepend=0)
    gaps[firsts] = numbers[firsts]
    return gaps


class Values:
    """One term's values, read in place from the memory-mapped values file."""

    def __init__(self, buffer: memoryview, offset: int, count: int, kind: int, fixed_size: int) -> None:
        self._buffer, self._offset, self._count, self.kind, self._fixed_size = buffer, offset, count, kind, fixed_size

    @property
    def native(self) -> bool:
        """Whether positions are kept as arrays (else as Whoosh's encoded bytes)."""
        return self.kind in (POSITIONS, CHARACTERS)

    @cached_property
    def _frequencies(self) -> np.ndarray:
        width = self._buffer[self._offset]
        return np.frombuffer(self._buffer, _UINTS[width], self._count, self._offset + WIDTHS.size)

    @cached_property
    def _columns(self) -> dict[str, np.ndarray]:
        """The stored arrays, and where each posting's occurrences (or encoded bytes) begin and end."""
        if not self.native:
            lengths = np.frombuffer(self._buffer, _UINTS[self.kind], self._count, self._offset)
            ends = np.cumsum(lengths, dtype=np.int64)
            return {"ends": ends, "firsts": ends - lengths}
        widths = WIDTHS.unpack_from(self._buffer, self._offset)
        names = ("counts", "gaps", "starts", "lengths")[: 4 if self.kind == CHARACTERS else 2]
        at, columns = self._offset + WIDTHS.size, {}
        for name, width in zip(names, widths, strict=False):
            size = self._count if name == "counts" else int(columns["counts"].sum())
            columns[name] = np.frombuffer(self._buffer, _UINTS[width], size, at)
            at += width * size
        columns["ends"] = np.cumsum(columns["counts"], dtype=np.int64)
        columns["firsts"] = columns["ends"] - columns["counts"]
        return columns

    def value(self, k: int, format_: Any) -> bytes | None:
        """Posting ``k``'s value as the format encodes it (None when the format keeps none, as W3 gives)."""
        if self.kind == NONE:
            return None if self._fixed_size == 0 else b""
        if self.kind == FIXED:
            start = self._offset + k * self._fixed_size
            return bytes(self._buffer[start : start + self._fixed_size])
        if self.kind == FREQUENCIES:
            return FREQUENCY.pack(int(self._frequencies[k]))
        if self.native:
            return format_.encode(self.occurrences(k))
        columns = self._columns
        blob = self._offset + self.kind * self._count
        return bytes(self._buffer[blob + int(columns["firsts"][k]) : blob + int(columns["ends"][k])])

    def occurrences(self, k: int) -> list[Any]:
        """Posting ``k``'s positions, or ``(position, start, end)`` characters, as Whoosh's decoders give them."""
        columns = self._columns
        at = slice(int(columns["firsts"][k]), int(columns["ends"][k]))
        positions = np.cumsum(columns["gaps"][at], dtype=np.int64)
        if self.kind == POSITIONS:
            return positions.tolist()
        ends = np.cumsum(columns["starts"][at], dtype=np.int64) + np.cumsum(columns["lengths"][at], dtype=np.int64)
        starts = ends - columns["lengths"][at]
        return list(zip(positions.tolist(), starts.tolist(), ends.tolist(), strict=True))

    def positions(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The occurrence counts of the postings at ``rows`` and all their positions, one after the other."""
        columns = self._columns
        counts, firsts = columns["counts"][rows].astype(np.int64), columns["firsts"][rows]
        gathered = np.repeat(firsts - (np.cumsum(counts) - counts), counts) + np.arange(int(counts.sum()))
        gaps = columns["gaps"][gathered].astype(np.int64)
        # A cumulative sum over everything, less what came before each posting: positions within each document.
        running = np.cumsum(gaps)
        some = counts > 0
        before = (running - gaps)[(np.cumsum(counts) - counts)[some]]
        return counts, running - np.repeat(before, counts[some])
